# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Record certificates and publication preferences (db/models/certificates.py). Only new tables.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('publication_preferences',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('listing', sa.String(length=32), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_publication_preferences_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publication_preferences')),
    sa.UniqueConstraint('volunteer_id', name=op.f('uq_publication_preferences_volunteer_id'))
    )
    op.create_table('service_certificates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('volunteer_name', sa.String(length=200), nullable=False),
    sa.Column('volunteer_number', sa.String(length=64), nullable=False),
    sa.Column('id_number_tail', sa.String(length=4), nullable=False),
    sa.Column('issuer_name', sa.String(length=200), nullable=False),
    sa.Column('issuer_contact', sa.String(length=200), nullable=False),
    sa.Column('issuer_phone', sa.String(length=32), nullable=False),
    sa.Column('credit_minutes', sa.Integer(), nullable=False),
    sa.Column('honour_minutes', sa.Integer(), nullable=False),
    sa.Column('service_count', sa.Integer(), nullable=False),
    sa.Column('service_content', sa.String(length=2000), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('issued_by_account_id', sa.Integer(), nullable=False),
    sa.Column('handler', sa.String(length=200), nullable=False),
    sa.Column('requested_by_volunteer', sa.Boolean(), nullable=False),
    sa.CheckConstraint('credit_minutes >= 0 AND honour_minutes >= 0', name=op.f('ck_service_certificates_minutes_non_negative')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_service_certificates_period')),
    sa.ForeignKeyConstraint(['issued_by_account_id'], ['accounts.id'], name=op.f('fk_service_certificates_issued_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_service_certificates_unit_id_units')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_service_certificates_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_service_certificates')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_service_certificates_code_digest')),
    sa.UniqueConstraint('number', name=op.f('uq_service_certificates_number'))
    )
    op.create_index('ix_service_certificates_unit_id', 'service_certificates', ['unit_id'])
    op.create_index('ix_service_certificates_volunteer_id', 'service_certificates', ['volunteer_id'])


def downgrade() -> None:
    for table in ('service_certificates', 'publication_preferences'):
        op.drop_table(table)
