# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Initial schema: the practice network, volunteer forces, service menu and orders.

Enum columns are frozen here as VARCHAR(32) (the models store enum member names as strings, with
no native database enum), so this migration does not change when an enum gains a member.
Timestamps named created_at are timezone-aware; service times are naive local wall clock.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('service_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint('duration_minutes > 0', name=op.f('ck_service_items_duration_positive')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_items')),
    sa.UniqueConstraint('code', name=op.f('uq_service_items_code'))
    )
    op.create_index('ix_service_items_domain', 'service_items', ['domain'])

    op.create_table('skills',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_skills')),
    sa.UniqueConstraint('code', name=op.f('uq_skills_code'))
    )
    op.create_table('units',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('level', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('path', sa.String(length=255), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=2000), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('has_site', sa.Boolean(), nullable=False),
    sa.Column('has_staff', sa.Boolean(), nullable=False),
    sa.Column('has_rules', sa.Boolean(), nullable=False),
    sa.Column('has_platform', sa.Boolean(), nullable=False),
    sa.Column('has_feature', sa.Boolean(), nullable=False),
    sa.Column('feature_note', sa.String(length=2000), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('depth >= 0', name=op.f('ck_units_depth_non_negative')),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_units_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_units_lon_range')),
    sa.ForeignKeyConstraint(['parent_id'], ['units.id'], name=op.f('fk_units_parent_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_units')),
    sa.UniqueConstraint('code', name=op.f('uq_units_code'))
    )
    op.create_index('ix_units_level', 'units', ['level'])
    op.create_index('ix_units_parent_id', 'units', ['parent_id'])
    op.create_index('ix_units_path', 'units', ['path'], postgresql_ops={'path': 'varchar_pattern_ops'})

    op.create_table('departments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_departments_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_departments'))
    )
    op.create_index('ix_departments_unit_id', 'departments', ['unit_id'])

    op.create_table('menu_offers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_menu_offers_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_menu_offers_unit_id_units'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_menu_offers')),
    sa.UniqueConstraint('unit_id', 'item_id', name=op.f('uq_menu_offers_unit_id_item_id'))
    )
    op.create_index('ix_menu_offers_item_id', 'menu_offers', ['item_id'])

    op.create_table('orders',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('orderer_unit_id', sa.Integer(), nullable=True),
    sa.Column('resident_name', sa.String(length=200), nullable=True),
    sa.Column('resident_phone', sa.String(length=32), nullable=True),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=2000), nullable=False),
    sa.Column('window_start', sa.DateTime(), nullable=False),
    sa.Column('window_end', sa.DateTime(), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=32), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('idempotency_key', sa.String(length=128), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('headcount >= 1', name=op.f('ck_orders_headcount_positive')),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_orders_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_orders_lon_range')),
    sa.CheckConstraint('priority >= 1 AND priority <= 5', name=op.f('ck_orders_priority_range')),
    sa.CheckConstraint('window_end > window_start', name=op.f('ck_orders_window_end_after_start')),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_orders_item_id_service_items')),
    sa.ForeignKeyConstraint(['orderer_unit_id'], ['units.id'], name=op.f('fk_orders_orderer_unit_id_units')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_orders_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_orders')),
    sa.UniqueConstraint('code', name=op.f('uq_orders_code')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_orders_idempotency_key'))
    )
    op.create_index('ix_orders_item_id', 'orders', ['item_id'])
    op.create_index('ix_orders_orderer_unit_id', 'orders', ['orderer_unit_id'])
    op.create_index('ix_orders_status', 'orders', ['status'])
    op.create_index('ix_orders_unit_id', 'orders', ['unit_id'])
    op.create_index('ix_orders_window_start', 'orders', ['window_start'])

    op.create_table('practice_bases',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=2000), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_practice_bases_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_practice_bases_lon_range')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_practice_bases_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_bases')),
    sa.UniqueConstraint('code', name=op.f('uq_practice_bases_code'))
    )
    op.create_index('ix_practice_bases_category', 'practice_bases', ['category'])
    op.create_index('ix_practice_bases_unit_id', 'practice_bases', ['unit_id'])

    op.create_table('practice_points',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('category', sa.String(length=32), nullable=False),
    sa.Column('lat', sa.Float(), nullable=False),
    sa.Column('lon', sa.Float(), nullable=False),
    sa.Column('address', sa.String(length=2000), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint('lat >= -90 AND lat <= 90', name=op.f('ck_practice_points_lat_range')),
    sa.CheckConstraint('lon >= -180 AND lon <= 180', name=op.f('ck_practice_points_lon_range')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_practice_points_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_points')),
    sa.UniqueConstraint('code', name=op.f('uq_practice_points_code'))
    )
    op.create_index('ix_practice_points_category', 'practice_points', ['category'])
    op.create_index('ix_practice_points_unit_id', 'practice_points', ['unit_id'])

    op.create_table('service_item_skills',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('min_level', sa.Integer(), nullable=False),
    sa.CheckConstraint('count >= 1', name=op.f('ck_service_item_skills_count_positive')),
    sa.CheckConstraint('min_level >= 1 AND min_level <= 5', name=op.f('ck_service_item_skills_min_level_range')),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_service_item_skills_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_service_item_skills_skill_id_skills')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_item_skills')),
    sa.UniqueConstraint('item_id', 'skill_id', name=op.f('uq_service_item_skills_item_id_skill_id'))
    )
    op.create_index('ix_service_item_skills_skill_id', 'service_item_skills', ['skill_id'])

    op.create_table('teams',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=True),
    sa.Column('description', sa.String(length=2000), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint("kind <> 'SPECIALIST' OR domain IS NOT NULL", name=op.f('ck_teams_specialist_has_domain')),
    sa.ForeignKeyConstraint(['parent_id'], ['teams.id'], name=op.f('fk_teams_parent_id_teams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_teams_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_teams')),
    sa.UniqueConstraint('code', name=op.f('uq_teams_code'))
    )
    op.create_index('ix_teams_domain', 'teams', ['domain'])
    op.create_index('ix_teams_parent_id', 'teams', ['parent_id'])
    op.create_index('ix_teams_unit_id', 'teams', ['unit_id'])

    op.create_table('volunteers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_number', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('id_number_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('id_number_tail', sa.String(length=4), nullable=False),
    sa.Column('home_lat', sa.Float(), nullable=False),
    sa.Column('home_lon', sa.Float(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('insurance_valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=32), nullable=False),
    sa.Column('max_travel_km', sa.Float(), nullable=True),
    sa.Column('max_tasks_per_day', sa.Integer(), nullable=True),
    sa.Column('max_minutes_per_day', sa.Integer(), nullable=True),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.CheckConstraint('home_lat >= -90 AND home_lat <= 90', name=op.f('ck_volunteers_home_lat_range')),
    sa.CheckConstraint('home_lon >= -180 AND home_lon <= 180', name=op.f('ck_volunteers_home_lon_range')),
    sa.CheckConstraint('max_minutes_per_day IS NULL OR max_minutes_per_day >= 0', name=op.f('ck_volunteers_max_minutes_non_negative')),
    sa.CheckConstraint('max_tasks_per_day IS NULL OR max_tasks_per_day >= 0', name=op.f('ck_volunteers_max_tasks_non_negative')),
    sa.CheckConstraint('max_travel_km IS NULL OR max_travel_km >= 0', name=op.f('ck_volunteers_max_travel_km_non_negative')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_volunteers_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteers')),
    sa.UniqueConstraint('id_number_fingerprint', name=op.f('uq_volunteers_id_number_fingerprint')),
    sa.UniqueConstraint('volunteer_number', name=op.f('uq_volunteers_volunteer_number'))
    )
    op.create_index('ix_volunteers_status', 'volunteers', ['status'])
    op.create_index('ix_volunteers_unit_id', 'volunteers', ['unit_id'])

    op.create_table('availability_exceptions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('start', sa.DateTime(), nullable=False),
    sa.Column('end', sa.DateTime(), nullable=False),
    sa.Column('available', sa.Boolean(), nullable=False),
    sa.Column('note', sa.String(length=2000), nullable=False),
    sa.CheckConstraint('"end" > start', name=op.f('ck_availability_exceptions_end_after_start')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_availability_exceptions_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_exceptions'))
    )
    op.create_index('ix_availability_exceptions_volunteer_id', 'availability_exceptions', ['volunteer_id'])

    op.create_table('availability_windows',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.Integer(), nullable=False),
    sa.Column('start_minute', sa.Integer(), nullable=False),
    sa.Column('end_minute', sa.Integer(), nullable=False),
    sa.CheckConstraint('end_minute > start_minute', name=op.f('ck_availability_windows_end_after_start')),
    sa.CheckConstraint('start_minute >= 0 AND end_minute <= 1440', name=op.f('ck_availability_windows_minute_range')),
    sa.CheckConstraint('weekday >= 0 AND weekday <= 6', name=op.f('ck_availability_windows_weekday_range')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_availability_windows_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_availability_windows'))
    )
    op.create_index('ix_availability_windows_volunteer_id', 'availability_windows', ['volunteer_id'])

    op.create_table('service_item_providers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['service_items.id'], name=op.f('fk_service_item_providers_item_id_service_items'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_service_item_providers_team_id_teams'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_item_providers')),
    sa.UniqueConstraint('item_id', 'team_id', name=op.f('uq_service_item_providers_item_id_team_id'))
    )
    op.create_index('ix_service_item_providers_team_id', 'service_item_providers', ['team_id'])

    op.create_table('team_memberships',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_team_memberships_team_id_teams'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_team_memberships_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_team_memberships')),
    sa.UniqueConstraint('volunteer_id', 'team_id', name=op.f('uq_team_memberships_volunteer_id_team_id'))
    )
    op.create_index('ix_team_memberships_team_id', 'team_memberships', ['team_id'])

    op.create_table('volunteer_domains',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=32), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_domains_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_domains')),
    sa.UniqueConstraint('volunteer_id', 'domain', name=op.f('uq_volunteer_domains_volunteer_id_domain'))
    )
    op.create_index('ix_volunteer_domains_domain', 'volunteer_domains', ['domain'])

    op.create_table('volunteer_skills',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('certified_until', sa.Date(), nullable=True),
    sa.CheckConstraint('level >= 1 AND level <= 5', name=op.f('ck_volunteer_skills_level_range')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_volunteer_skills_skill_id_skills')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_volunteer_skills_volunteer_id_volunteers'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_volunteer_skills')),
    sa.UniqueConstraint('volunteer_id', 'skill_id', name=op.f('uq_volunteer_skills_volunteer_id_skill_id'))
    )
    op.create_index('ix_volunteer_skills_skill_id', 'volunteer_skills', ['skill_id'])



def downgrade() -> None:
    op.drop_index('ix_volunteer_skills_skill_id', table_name='volunteer_skills')

    op.drop_table('volunteer_skills')
    op.drop_index('ix_volunteer_domains_domain', table_name='volunteer_domains')

    op.drop_table('volunteer_domains')
    op.drop_index('ix_team_memberships_team_id', table_name='team_memberships')

    op.drop_table('team_memberships')
    op.drop_index('ix_service_item_providers_team_id', table_name='service_item_providers')

    op.drop_table('service_item_providers')
    op.drop_index('ix_availability_windows_volunteer_id', table_name='availability_windows')

    op.drop_table('availability_windows')
    op.drop_index('ix_availability_exceptions_volunteer_id', table_name='availability_exceptions')

    op.drop_table('availability_exceptions')
    op.drop_index('ix_volunteers_unit_id', table_name='volunteers')
    op.drop_index('ix_volunteers_status', table_name='volunteers')

    op.drop_table('volunteers')
    op.drop_index('ix_teams_unit_id', table_name='teams')
    op.drop_index('ix_teams_parent_id', table_name='teams')
    op.drop_index('ix_teams_domain', table_name='teams')

    op.drop_table('teams')
    op.drop_index('ix_service_item_skills_skill_id', table_name='service_item_skills')

    op.drop_table('service_item_skills')
    op.drop_index('ix_practice_points_unit_id', table_name='practice_points')
    op.drop_index('ix_practice_points_category', table_name='practice_points')

    op.drop_table('practice_points')
    op.drop_index('ix_practice_bases_unit_id', table_name='practice_bases')
    op.drop_index('ix_practice_bases_category', table_name='practice_bases')

    op.drop_table('practice_bases')
    op.drop_index('ix_orders_window_start', table_name='orders')
    op.drop_index('ix_orders_unit_id', table_name='orders')
    op.drop_index('ix_orders_status', table_name='orders')
    op.drop_index('ix_orders_orderer_unit_id', table_name='orders')
    op.drop_index('ix_orders_item_id', table_name='orders')

    op.drop_table('orders')
    op.drop_index('ix_menu_offers_item_id', table_name='menu_offers')

    op.drop_table('menu_offers')
    op.drop_index('ix_departments_unit_id', table_name='departments')

    op.drop_table('departments')
    op.drop_index('ix_units_path', table_name='units', postgresql_ops={'path': 'varchar_pattern_ops'})
    op.drop_index('ix_units_parent_id', table_name='units')
    op.drop_index('ix_units_level', table_name='units')

    op.drop_table('units')
    op.drop_table('skills')
    op.drop_index('ix_service_items_domain', table_name='service_items')

    op.drop_table('service_items')
