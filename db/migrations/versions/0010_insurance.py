# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Insurance (db/models/insurance.py): policies held by units, the activity kinds they cover and
the volunteers they name. Only new tables.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('insurance_policies',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('insurer', sa.String(length=200), nullable=False),
    sa.Column('policy_number', sa.String(length=64), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_insurance_policies_valid_period')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_insurance_policies_team_id_teams')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_insurance_policies_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_policies')),
    sa.UniqueConstraint('insurer', 'policy_number', name=op.f('uq_insurance_policies_insurer_policy_number'))
    )
    op.create_index('ix_insurance_policies_team_id', 'insurance_policies', ['team_id'])
    op.create_index('ix_insurance_policies_unit_id', 'insurance_policies', ['unit_id'])
    op.create_index('ix_insurance_policies_valid_until', 'insurance_policies', ['valid_until'])

    op.create_table('insurance_policy_kinds',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['insurance_policies.id'], name=op.f('fk_insurance_policy_kinds_policy_id_insurance_policies')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insurance_policy_kinds')),
    sa.UniqueConstraint('policy_id', 'kind', name=op.f('uq_insurance_policy_kinds_policy_id_kind'))
    )
    op.create_index('ix_insurance_policy_kinds_kind', 'insurance_policy_kinds', ['kind'])
    op.create_index('ix_insurance_policy_kinds_policy_id', 'insurance_policy_kinds', ['policy_id'])

    op.create_table('insured_volunteers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('policy_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['policy_id'], ['insurance_policies.id'], name=op.f('fk_insured_volunteers_policy_id_insurance_policies')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_insured_volunteers_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_insured_volunteers')),
    sa.UniqueConstraint('policy_id', 'volunteer_id', name=op.f('uq_insured_volunteers_policy_id_volunteer_id'))
    )
    op.create_index('ix_insured_volunteers_policy_id', 'insured_volunteers', ['policy_id'])
    op.create_index('ix_insured_volunteers_volunteer_id', 'insured_volunteers', ['volunteer_id'])


def downgrade() -> None:
    for table in ('insured_volunteers', 'insurance_policy_kinds', 'insurance_policies'):
        op.drop_table(table)
