# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Projects (db/models/projects.py): volunteer service projects, their service items, stations,
audit trail and evaluations (the graded library); orders gain a nullable project_id (the project
an order is an activity of).

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('projects',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('goals', sa.String(length=2000), nullable=False),
    sa.Column('target_groups', sa.String(length=2000), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('budget_fen', sa.Integer(), nullable=False),
    sa.Column('spent_fen', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('return_reason', sa.String(length=2000), nullable=False),
    sa.Column('submitted_by_account_id', sa.Integer(), nullable=True),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('budget_fen >= 0', name=op.f('ck_projects_budget_non_negative')),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_projects_valid_period')),
    sa.CheckConstraint('spent_fen IS NULL OR spent_fen >= 0', name=op.f('ck_projects_spent_non_negative')),
    sa.ForeignKeyConstraint(['copied_from_id'], ['projects.id'], name=op.f('fk_projects_copied_from_id_projects')),
    sa.ForeignKeyConstraint(['submitted_by_account_id'], ['accounts.id'], name=op.f('fk_projects_submitted_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_projects_team_id_teams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_projects_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_projects'))
    )
    op.create_index('ix_projects_domain', 'projects', ['domain'])
    op.create_index('ix_projects_state', 'projects', ['state'])
    op.create_index('ix_projects_team_id', 'projects', ['team_id'])
    op.create_index('ix_projects_unit_id', 'projects', ['unit_id'])

    op.create_table('project_evaluations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('orders_total', sa.Integer(), nullable=False),
    sa.Column('orders_served', sa.Integer(), nullable=False),
    sa.Column('approved_minutes', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.Integer(), nullable=False),
    sa.Column('rating_sum', sa.Integer(), nullable=False),
    sa.Column('residents_reached', sa.Integer(), nullable=True),
    sa.Column('budget_fen', sa.Integer(), nullable=False),
    sa.Column('spent_fen', sa.Integer(), nullable=False),
    sa.Column('reviewer_score', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('grade', sa.String(length=32), nullable=True),
    sa.Column('reviewer', sa.String(length=200), nullable=False),
    sa.Column('reviewer_account_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('reviewer_score >= 0 AND reviewer_score <= 100', name=op.f('ck_project_evaluations_reviewer_score_range')),
    sa.CheckConstraint('score >= 0 AND score <= 100', name=op.f('ck_project_evaluations_score_range')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_evaluations_project_id_projects')),
    sa.ForeignKeyConstraint(['reviewer_account_id'], ['accounts.id'], name=op.f('fk_project_evaluations_reviewer_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_evaluations')),
    sa.UniqueConstraint('project_id', name=op.f('uq_project_evaluations_project_id'))
    )
    op.create_index('ix_project_evaluations_grade', 'project_evaluations', ['grade'])

    op.create_table('project_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=32), nullable=True),
    sa.Column('to_state', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('actor_account_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_account_id'], ['accounts.id'], name=op.f('fk_project_events_actor_account_id_accounts')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_events_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_events'))
    )
    op.create_index('ix_project_events_project_id', 'project_events', ['project_id'])

    op.create_table('project_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_project_items_item_id_service_items')),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_items_project_id_projects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_items')),
    sa.UniqueConstraint('project_id', 'item_id', name=op.f('uq_project_items_project_id_item_id'))
    )
    op.create_index('ix_project_items_item_id', 'project_items', ['item_id'])
    op.create_index('ix_project_items_project_id', 'project_items', ['project_id'])

    op.create_table('project_stations',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], name=op.f('fk_project_stations_project_id_projects')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_project_stations_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_project_stations')),
    sa.UniqueConstraint('project_id', 'unit_id', name=op.f('uq_project_stations_project_id_unit_id'))
    )
    op.create_index('ix_project_stations_project_id', 'project_stations', ['project_id'])
    op.create_index('ix_project_stations_unit_id', 'project_stations', ['unit_id'])

    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('project_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_orders_project_id'), ['project_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_orders_project_id_projects'), 'projects', ['project_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint('fk_orders_project_id_projects', type_='foreignkey')
        batch_op.drop_index('ix_orders_project_id')
        batch_op.drop_column('project_id')
    for table in ('project_stations', 'project_items', 'project_events', 'project_evaluations', 'projects'):
        op.drop_table(table)
