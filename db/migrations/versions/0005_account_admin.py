# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""The audit of account administration (db/models/accounts.py `AccountEvent`): a new table.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('target_account_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.Enum('DISABLE', 'ENABLE', 'SESSIONS_REVOKE', 'API_KEY_REVOKE', 'ROLE_GRANT', 'ROLE_REVOKE', name='accountaction', native_enum=False, length=32), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_account_id'], ['accounts.id'], name=op.f('fk_account_events_actor_account_id_accounts')),
    sa.ForeignKeyConstraint(['target_account_id'], ['accounts.id'], name=op.f('fk_account_events_target_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_events'))
    )
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_account_events_actor_account_id'), ['actor_account_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_account_events_target_account_id'), ['target_account_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('account_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_account_events_target_account_id'))
        batch_op.drop_index(batch_op.f('ix_account_events_actor_account_id'))

    op.drop_table('account_events')
