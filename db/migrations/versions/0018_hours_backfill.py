# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Historic hours backfill (db/models/hours.py). Only new tables.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('hours_backfills',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('imported_by_account_id', sa.Integer(), nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('file_name', sa.String(length=200), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('decided_by_account_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['decided_by_account_id'], ['accounts.id'], name=op.f('fk_hours_backfills_decided_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['imported_by_account_id'], ['accounts.id'], name=op.f('fk_hours_backfills_imported_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['run_id'], ['import_runs.id'], name=op.f('fk_hours_backfills_run_id_import_runs')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_backfills')),
    sa.UniqueConstraint('run_id', name=op.f('uq_hours_backfills_run_id'))
    )
    op.create_index('ix_hours_backfills_imported_by_account_id', 'hours_backfills', ['imported_by_account_id'])
    op.create_table('hours_backfill_rows',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('row', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('content', sa.String(length=200), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=500), nullable=False),
    sa.CheckConstraint('minutes > 0 AND minutes <= 1440', name=op.f('ck_hours_backfill_rows_backfill_minutes_range')),
    sa.ForeignKeyConstraint(['batch_id'], ['hours_backfills.id'], name=op.f('fk_hours_backfill_rows_batch_id_hours_backfills')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_hours_backfill_rows_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_backfill_rows'))
    )
    op.create_index('ix_hours_backfill_rows_batch_id', 'hours_backfill_rows', ['batch_id'])
    op.create_index('ix_hours_backfill_rows_natural_key', 'hours_backfill_rows', ['volunteer_id', 'served_on'])


def downgrade() -> None:
    op.drop_index('ix_hours_backfill_rows_natural_key', table_name='hours_backfill_rows')
    op.drop_index('ix_hours_backfill_rows_batch_id', table_name='hours_backfill_rows')
    op.drop_table('hours_backfill_rows')
    op.drop_index('ix_hours_backfills_imported_by_account_id', table_name='hours_backfills')
    op.drop_table('hours_backfills')
