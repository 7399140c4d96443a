# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Recognition (db/models/recognition.py): the double-entry points ledger and the exchange mall.

Only new tables, referring to earlier ones by name (volunteers, units, accounts, service records,
time claims, ratings).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_accounts',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_ledger_accounts_unit_id_units')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_ledger_accounts_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_accounts')),
    sa.UniqueConstraint('key', name=op.f('uq_ledger_accounts_key'))
    )
    op.create_index('ix_ledger_accounts_unit_id', 'ledger_accounts', ['unit_id'])
    op.create_index('ix_ledger_accounts_volunteer_id', 'ledger_accounts', ['volunteer_id'])

    op.create_table('mall_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('pickup_unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('price', sa.Integer(), nullable=False),
    sa.Column('stock', sa.Integer(), nullable=False),
    sa.Column('per_person_limit', sa.Integer(), nullable=True),
    sa.Column('valid_from', sa.DateTime(timezone=True), nullable=True),
    sa.Column('valid_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('price > 0', name=op.f('ck_mall_items_price_positive')),
    sa.CheckConstraint('stock >= 0', name=op.f('ck_mall_items_stock_non_negative')),
    sa.CheckConstraint('per_person_limit IS NULL OR per_person_limit >= 1', name=op.f('ck_mall_items_limit_positive')),
    sa.CheckConstraint('valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from', name=op.f('ck_mall_items_valid_period')),
    sa.ForeignKeyConstraint(['pickup_unit_id'], ['units.id'], name=op.f('fk_mall_items_pickup_unit_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_mall_items_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_items'))
    )
    op.create_index('ix_mall_items_pickup_unit_id', 'mall_items', ['pickup_unit_id'])
    op.create_index('ix_mall_items_unit_id', 'mall_items', ['unit_id'])

    op.create_table('mall_redemptions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=True),
    sa.Column('picked_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('picked_up_by_account_id', sa.Integer(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancelled_by_account_id', sa.Integer(), nullable=True),
    sa.Column('cancel_reason', sa.String(length=2000), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_mall_redemptions_points_positive')),
    sa.CheckConstraint('quantity >= 1', name=op.f('ck_mall_redemptions_quantity_positive')),
    sa.ForeignKeyConstraint(['cancelled_by_account_id'], ['accounts.id'], name=op.f('fk_mall_redemptions_cancelled_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['accounts.id'], name=op.f('fk_mall_redemptions_created_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['item_id'], ['mall_items.id'], name=op.f('fk_mall_redemptions_item_id_mall_items')),
    sa.ForeignKeyConstraint(['picked_up_by_account_id'], ['accounts.id'], name=op.f('fk_mall_redemptions_picked_up_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_mall_redemptions_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_mall_redemptions'))
    )
    op.create_index('ix_mall_redemptions_item_id', 'mall_redemptions', ['item_id'])
    op.create_index('ix_mall_redemptions_state', 'mall_redemptions', ['state'])
    op.create_index('ix_mall_redemptions_volunteer_id', 'mall_redemptions', ['volunteer_id'])

    op.create_table('ledger_transactions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('service_record_id', sa.Integer(), nullable=True),
    sa.Column('time_claim_id', sa.Integer(), nullable=True),
    sa.Column('rating_id', sa.Integer(), nullable=True),
    sa.Column('redemption_id', sa.Integer(), nullable=True),
    sa.Column('reverses_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['actor_account_id'], ['accounts.id'], name=op.f('fk_ledger_transactions_actor_account_id_accounts')),
    sa.ForeignKeyConstraint(['rating_id'], ['ratings.id'], name=op.f('fk_ledger_transactions_rating_id_ratings')),
    sa.ForeignKeyConstraint(['redemption_id'], ['mall_redemptions.id'], name=op.f('fk_ledger_transactions_redemption_id_mall_redemptions')),
    sa.ForeignKeyConstraint(['reverses_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_transactions_reverses_id_ledger_transactions')),
    sa.ForeignKeyConstraint(['service_record_id'], ['service_records.id'], name=op.f('fk_ledger_transactions_service_record_id_service_records')),
    sa.ForeignKeyConstraint(['time_claim_id'], ['time_claims.id'], name=op.f('fk_ledger_transactions_time_claim_id_time_claims')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_ledger_transactions_idempotency_key')),
    sa.UniqueConstraint('reverses_id', name=op.f('uq_ledger_transactions_reverses_id'))
    )
    op.create_index('ix_ledger_transactions_kind', 'ledger_transactions', ['kind'])
    op.create_index('ix_ledger_transactions_redemption_id', 'ledger_transactions', ['redemption_id'])
    op.create_index('ix_ledger_transactions_service_record_id', 'ledger_transactions', ['service_record_id'])

    op.create_table('ledger_entries',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('transaction_id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_ledger_entries_amount_not_zero')),
    sa.ForeignKeyConstraint(['account_id'], ['ledger_accounts.id'], name=op.f('fk_ledger_entries_account_id_ledger_accounts')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_entries_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    op.create_index('ix_ledger_entries_account_id', 'ledger_entries', ['account_id'])
    op.create_index('ix_ledger_entries_transaction_id', 'ledger_entries', ['transaction_id'])


def downgrade() -> None:
    for table, columns in (('ledger_entries', ('account_id', 'transaction_id')),
                           ('ledger_transactions', ('kind', 'redemption_id', 'service_record_id')),
                           ('mall_redemptions', ('item_id', 'state', 'volunteer_id')),
                           ('mall_items', ('pickup_unit_id', 'unit_id')),
                           ('ledger_accounts', ('unit_id', 'volunteer_id'))):
        for column in columns:
            op.drop_index(f'ix_{table}_{column}', table_name=table)
        op.drop_table(table)
