# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Star levels (db/models/recognition.py StarAward): a volunteer's stars, proposed or applied for,
decided by a unit admin at the configured level of the tree. Only a new table.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = ('state', 'volunteer_id')


def upgrade() -> None:
    op.create_table('star_awards',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('submitted_by', sa.String(length=200), nullable=True),
    sa.Column('submitted_by_account_id', sa.Integer(), nullable=True),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by', sa.String(length=200), nullable=True),
    sa.Column('decided_by_account_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.String(length=2000), nullable=False),
    sa.Column('stars', sa.Integer(), nullable=False),
    sa.Column('counted_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('stars >= 1 AND stars <= 10', name=op.f('ck_star_awards_stars_range')),
    sa.CheckConstraint('counted_minutes >= 0', name=op.f('ck_star_awards_counted_non_negative')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_star_awards_volunteer_id_volunteers')),
    sa.ForeignKeyConstraint(['submitted_by_account_id'], ['accounts.id'], name=op.f('fk_star_awards_submitted_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['decided_by_account_id'], ['accounts.id'], name=op.f('fk_star_awards_decided_by_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_star_awards'))
    )
    for column in COLUMNS:
        op.create_index(f'ix_star_awards_{column}', 'star_awards', [column])
    pending = sa.text("state = 'PENDING'")
    op.create_index('ux_star_awards_one_pending', 'star_awards', ['volunteer_id'], unique=True,
                    sqlite_where=pending, postgresql_where=pending)


def downgrade() -> None:
    op.drop_index('ux_star_awards_one_pending', table_name='star_awards')
    for column in COLUMNS:
        op.drop_index(f'ix_star_awards_{column}', table_name='star_awards')
    op.drop_table('star_awards')
