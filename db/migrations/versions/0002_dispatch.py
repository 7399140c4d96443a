# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Dispatch workflow: runs, proposals, assignments, order audit trail, outbox, service records,
corrections and ratings.

Only new tables, referring to the foundation's tables by name (units, orders, volunteers), so this
revision does not depend on how 0001 lays those tables out. Enum columns are frozen as
VARCHAR(32), like 0001; service times are naive local wall clock, system moments timezone-aware.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('dispatch_runs',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('scope_unit_id', sa.Integer(), nullable=False),
    sa.Column('repair_order_id', sa.Integer(), nullable=True),
    sa.Column('date_from', sa.Date(), nullable=False),
    sa.Column('date_to', sa.Date(), nullable=False),
    sa.Column('state', sa.String(length=32), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('phase', sa.String(length=64), nullable=False),
    sa.Column('parts_done', sa.Integer(), nullable=False),
    sa.Column('parts_total', sa.Integer(), nullable=False),
    sa.Column('best_objective', sa.JSON(), nullable=True),
    sa.Column('order_versions', sa.JSON(), nullable=False),
    sa.Column('problem', sa.JSON(), nullable=True),
    sa.Column('result', sa.JSON(), nullable=True),
    sa.Column('created_by', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('committed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['repair_order_id'], ['orders.id'], name=op.f('fk_dispatch_runs_repair_order_id_orders')),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['units.id'], name=op.f('fk_dispatch_runs_scope_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_runs'))
    )
    op.create_index('ix_dispatch_runs_scope_unit_id', 'dispatch_runs', ['scope_unit_id'])
    op.create_index('ix_dispatch_runs_state', 'dispatch_runs', ['state'])

    op.create_table('order_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=32), nullable=True),
    sa.Column('to_status', sa.String(length=32), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_events_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_events'))
    )
    op.create_index('ix_order_events_order_id', 'order_events', ['order_id'])

    op.create_table('ratings',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('comment', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score >= 1 AND score <= 5', name=op.f('ck_ratings_score_range')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_ratings_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
    sa.UniqueConstraint('order_id', name=op.f('uq_ratings_order_id'))
    )
    op.create_table('assignments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('skill_code', sa.String(length=64), nullable=False),
    sa.Column('start', sa.DateTime(), nullable=False),
    sa.Column('end', sa.DateTime(), nullable=False),
    sa.Column('distance_km', sa.Float(), nullable=False),
    sa.Column('travel_minutes', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('decline_reason', sa.String(length=2000), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('"end" > start', name=op.f('ck_assignments_end_after_start')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_assignments_order_id_orders')),
    sa.ForeignKeyConstraint(['run_id'], ['dispatch_runs.id'], name=op.f('fk_assignments_run_id_dispatch_runs')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_assignments_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assignments'))
    )
    op.create_index('ix_assignments_order_id', 'assignments', ['order_id'])
    op.create_index('ix_assignments_run_id', 'assignments', ['run_id'])
    op.create_index('ix_assignments_status', 'assignments', ['status'])
    op.create_index('ix_assignments_volunteer_id_start', 'assignments', ['volunteer_id', 'start'])

    op.create_table('dispatch_proposals',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('skill_code', sa.String(length=64), nullable=False),
    sa.Column('start', sa.DateTime(), nullable=False),
    sa.Column('end', sa.DateTime(), nullable=False),
    sa.Column('distance_km', sa.Float(), nullable=False),
    sa.Column('travel_minutes', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=True),
    sa.Column('pinned', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_dispatch_proposals_order_id_orders')),
    sa.ForeignKeyConstraint(['run_id'], ['dispatch_runs.id'], name=op.f('fk_dispatch_proposals_run_id_dispatch_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_dispatch_proposals_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_dispatch_proposals'))
    )
    op.create_index('ix_dispatch_proposals_order_id', 'dispatch_proposals', ['order_id'])
    op.create_index('ix_dispatch_proposals_run_id', 'dispatch_proposals', ['run_id'])
    op.create_index('ix_dispatch_proposals_volunteer_id', 'dispatch_proposals', ['volunteer_id'])

    op.create_table('outbox_events',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_outbox_events_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_outbox_events_order_id_orders')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_outbox_events_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events'))
    )
    op.create_index('ix_outbox_events_order_id', 'outbox_events', ['order_id'])
    op.create_index('ix_outbox_events_volunteer_id', 'outbox_events', ['volunteer_id'])

    op.create_table('service_records',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('assignment_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('checked_in_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('checked_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('credit_minutes', sa.Integer(), nullable=True),
    sa.Column('honour_minutes', sa.Integer(), nullable=False),
    sa.CheckConstraint('credit_minutes IS NULL OR credit_minutes >= 0', name=op.f('ck_service_records_credit_non_negative')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_service_records_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_service_records_order_id_orders')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_service_records_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_records')),
    sa.UniqueConstraint('assignment_id', name=op.f('uq_service_records_assignment_id'))
    )
    op.create_index('ix_service_records_order_id', 'service_records', ['order_id'])
    op.create_index('ix_service_records_volunteer_id', 'service_records', ['volunteer_id'])

    op.create_table('service_corrections',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('staff', sa.String(length=200), nullable=False),
    sa.Column('reason', sa.String(length=2000), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['record_id'], ['service_records.id'], name=op.f('fk_service_corrections_record_id_service_records'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_corrections'))
    )
    op.create_index('ix_service_corrections_record_id', 'service_corrections', ['record_id'])



def downgrade() -> None:
    op.drop_index('ix_service_corrections_record_id', table_name='service_corrections')

    op.drop_table('service_corrections')
    op.drop_index('ix_service_records_volunteer_id', table_name='service_records')
    op.drop_index('ix_service_records_order_id', table_name='service_records')

    op.drop_table('service_records')
    op.drop_index('ix_outbox_events_volunteer_id', table_name='outbox_events')
    op.drop_index('ix_outbox_events_order_id', table_name='outbox_events')

    op.drop_table('outbox_events')
    op.drop_index('ix_dispatch_proposals_volunteer_id', table_name='dispatch_proposals')
    op.drop_index('ix_dispatch_proposals_run_id', table_name='dispatch_proposals')
    op.drop_index('ix_dispatch_proposals_order_id', table_name='dispatch_proposals')

    op.drop_table('dispatch_proposals')
    op.drop_index('ix_assignments_volunteer_id_start', table_name='assignments')
    op.drop_index('ix_assignments_status', table_name='assignments')
    op.drop_index('ix_assignments_run_id', table_name='assignments')
    op.drop_index('ix_assignments_order_id', table_name='assignments')

    op.drop_table('assignments')
    op.drop_table('ratings')
    op.drop_index('ix_order_events_order_id', table_name='order_events')

    op.drop_table('order_events')
    op.drop_index('ix_dispatch_runs_state', table_name='dispatch_runs')
    op.drop_index('ix_dispatch_runs_scope_unit_id', table_name='dispatch_runs')

    op.drop_table('dispatch_runs')
