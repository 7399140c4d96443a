# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Subsidies and allowances (db/models/subsidies.py): units' rules, monthly batches and their
lines. Only new tables.

Revision ID: 0013
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

WHERE = "assignment_id IS NOT NULL AND kind IN ('TRANSPORT', 'LIVING')"

revision = "0013"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subsidy_batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('PROPOSED', 'APPROVED', name='batchstate', native_enum=False, length=32), nullable=False),
    sa.Column('proposed_by_account_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_account_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_batches_approved_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['proposed_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_batches_proposed_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_subsidy_batches_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_batches')),
    sa.UniqueConstraint('unit_id', 'month', name=op.f('uq_subsidy_batches_unit_id_month'))
    )
    op.create_index('ix_subsidy_batches_unit_id', 'subsidy_batches', ['unit_id'])

    op.create_table('subsidy_rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('TRANSPORT_FLAT', 'TRANSPORT_BAND', 'LIVING_DAY', 'LIVING_HOUR', 'MONTHLY_CAP', name='subsidykind', native_enum=False, length=32), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('min_metres', sa.Integer(), nullable=True),
    sa.Column('max_metres', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_subsidy_rules_amount_non_negative')),
    sa.CheckConstraint('max_metres IS NULL OR min_metres IS NULL OR max_metres > min_metres', name=op.f('ck_subsidy_rules_band_order')),
    sa.CheckConstraint('min_metres IS NULL OR min_metres >= 0', name=op.f('ck_subsidy_rules_min_non_negative')),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_subsidy_rules_valid_period')),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_rules_created_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_subsidy_rules_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_rules'))
    )
    op.create_index('ix_subsidy_rules_unit_id', 'subsidy_rules', ['unit_id'])

    op.create_table('subsidy_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('TRANSPORT', 'LIVING', 'CAP', 'ADJUSTMENT', name='linekind', native_enum=False, length=32), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=2000), nullable=False),
    sa.Column('proposed_by_account_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_account_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_subsidy_lines_amount_not_zero')),
    sa.ForeignKeyConstraint(['approved_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_lines_approved_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_subsidy_lines_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['batch_id'], ['subsidy_batches.id'], name=op.f('fk_subsidy_lines_batch_id_subsidy_batches')),
    sa.ForeignKeyConstraint(['proposed_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_lines_proposed_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['rule_id'], ['subsidy_rules.id'], name=op.f('fk_subsidy_lines_rule_id_subsidy_rules')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_subsidy_lines_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_lines'))
    )
    op.create_index('ix_subsidy_lines_batch_id', 'subsidy_lines', ['batch_id'])
    op.create_index('ix_subsidy_lines_volunteer_id', 'subsidy_lines', ['volunteer_id'])
    op.create_index('uq_subsidy_lines_assignment_id_kind', 'subsidy_lines', ['assignment_id', 'kind'], unique=True,
                    sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))


def downgrade() -> None:
    for table in ('subsidy_lines', 'subsidy_rules', 'subsidy_batches'):
        op.drop_table(table)
