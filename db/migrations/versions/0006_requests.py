# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Volunteers' requests staff decide (db/models/requests.py): time claims and change requests.

Only new tables, referring to earlier ones by name (volunteers, accounts, assignments, orders).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _proposal_columns(table: str) -> list[sa.Column]:  # type: ignore[type-arg]
    """The columns every request shares (db.models.requests.Proposal)."""
    return [
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('volunteer_id', sa.Integer(), sa.ForeignKey('volunteers.id', name=op.f(f'fk_{table}_volunteer_id_volunteers')), nullable=False),
        sa.Column('state', sa.String(length=32), nullable=False),
        sa.Column('note', sa.String(length=2000), nullable=False),
        sa.Column('submitted_by', sa.String(length=200), nullable=False),
        sa.Column('submitted_by_account_id', sa.Integer(), sa.ForeignKey('accounts.id', name=op.f(f'fk_{table}_submitted_by_account_id_accounts')), nullable=False),
        sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by', sa.String(length=200), nullable=True),
        sa.Column('decided_by_account_id', sa.Integer(), sa.ForeignKey('accounts.id', name=op.f(f'fk_{table}_decided_by_account_id_accounts')), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('decision_note', sa.String(length=2000), nullable=False),
    ]


def upgrade() -> None:
    op.create_table('time_claims',
    *_proposal_columns('time_claims'),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ended_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('old_credit_minutes', sa.Integer(), nullable=True),
    sa.Column('new_credit_minutes', sa.Integer(), nullable=True),
    sa.CheckConstraint('ended_at > started_at', name=op.f('ck_time_claims_ended_after_started')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_time_claims_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_time_claims_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_time_claims'))
    )
    for column in ('assignment_id', 'order_id', 'state', 'volunteer_id'):
        op.create_index(f'ix_time_claims_{column}', 'time_claims', [column])

    op.create_table('volunteer_change_requests',
    *_proposal_columns('volunteer_change_requests'),
    sa.Column('proposed', sa.JSON(), nullable=False),
    sa.Column('previous', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_change_requests'))
    )
    for column in ('state', 'volunteer_id'):
        op.create_index(f'ix_volunteer_change_requests_{column}', 'volunteer_change_requests', [column])


def downgrade() -> None:
    for column in ('state', 'volunteer_id'):
        op.drop_index(f'ix_volunteer_change_requests_{column}', table_name='volunteer_change_requests')
    op.drop_table('volunteer_change_requests')
    for column in ('assignment_id', 'order_id', 'state', 'volunteer_id'):
        op.drop_index(f'ix_time_claims_{column}', table_name='time_claims')
    op.drop_table('time_claims')
