# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Training (db/models/training.py): courses, sessions at training bases, lecturers, enrolments
with attendance and assessment, certificates and their expiry notices; and the flag on a skill
that makes dispatch count it only from valid certificates.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

TABLES = ('certificate_notices', 'certificates', 'training_lecturers', 'training_enrolments', 'training_sessions',
          'training_courses')


def upgrade() -> None:
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_certificate', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table('training_courses',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('hours', sa.Integer(), nullable=False),
    sa.Column('validity_days', sa.Integer(), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('hours > 0', name=op.f('ck_training_courses_hours_positive')),
    sa.CheckConstraint('level >= 1 AND level <= 5', name=op.f('ck_training_courses_level_range')),
    sa.CheckConstraint('validity_days > 0', name=op.f('ck_training_courses_validity_positive')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_training_courses_skill_id_skills')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_training_courses_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_courses')),
    sa.UniqueConstraint('code', name=op.f('uq_training_courses_code'))
    )
    op.create_index(op.f('ix_training_courses_skill_id'), 'training_courses', ['skill_id'])
    op.create_index(op.f('ix_training_courses_unit_id'), 'training_courses', ['unit_id'])
    op.create_table('training_sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('base_id', sa.Integer(), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('lecturer_team_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_training_sessions_capacity_positive')),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_training_sessions_ends_after_start')),
    sa.ForeignKeyConstraint(['base_id'], ['practice_bases.id'], name=op.f('fk_training_sessions_base_id_practice_bases')),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_training_sessions_course_id_training_courses')),
    sa.ForeignKeyConstraint(['lecturer_team_id'], ['teams.id'], name=op.f('fk_training_sessions_lecturer_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_sessions'))
    )
    op.create_index(op.f('ix_training_sessions_base_id'), 'training_sessions', ['base_id'])
    op.create_index(op.f('ix_training_sessions_course_id'), 'training_sessions', ['course_id'])
    op.create_index(op.f('ix_training_sessions_lecturer_team_id'), 'training_sessions', ['lecturer_team_id'])
    op.create_index(op.f('ix_training_sessions_starts_at'), 'training_sessions', ['starts_at'])
    op.create_table('training_enrolments',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('enrolled_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('enrolled_by_account_id', sa.Integer(), nullable=True),
    sa.Column('attended', sa.Boolean(), nullable=True),
    sa.Column('attendance_by_account_id', sa.Integer(), nullable=True),
    sa.Column('attendance_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('score', sa.Integer(), nullable=True),
    sa.Column('passed', sa.Boolean(), nullable=True),
    sa.Column('assessed_by_account_id', sa.Integer(), nullable=True),
    sa.Column('assessed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 100)', name=op.f('ck_training_enrolments_score_range')),
    sa.ForeignKeyConstraint(['assessed_by_account_id'], ['accounts.id'], name=op.f('fk_training_enrolments_assessed_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['attendance_by_account_id'], ['accounts.id'], name=op.f('fk_training_enrolments_attendance_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['enrolled_by_account_id'], ['accounts.id'], name=op.f('fk_training_enrolments_enrolled_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_enrolments_session_id_training_sessions')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_training_enrolments_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_enrolments')),
    sa.UniqueConstraint('session_id', 'volunteer_id', name=op.f('uq_training_enrolments_session_id_volunteer_id'))
    )
    op.create_index(op.f('ix_training_enrolments_session_id'), 'training_enrolments', ['session_id'])
    op.create_index(op.f('ix_training_enrolments_volunteer_id'), 'training_enrolments', ['volunteer_id'])
    op.create_table('training_lecturers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['training_sessions.id'], name=op.f('fk_training_lecturers_session_id_training_sessions')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_training_lecturers_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_training_lecturers')),
    sa.UniqueConstraint('session_id', 'volunteer_id', name=op.f('uq_training_lecturers_session_id_volunteer_id'))
    )
    op.create_index(op.f('ix_training_lecturers_session_id'), 'training_lecturers', ['session_id'])
    op.create_index(op.f('ix_training_lecturers_volunteer_id'), 'training_lecturers', ['volunteer_id'])
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('number', sa.String(length=64), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('skill_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Integer(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=True),
    sa.Column('issued_by_account_id', sa.Integer(), nullable=True),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('synthetic', sa.Boolean(), nullable=False),
    sa.CheckConstraint('level >= 1 AND level <= 5', name=op.f('ck_certificates_level_range')),
    sa.CheckConstraint('valid_until >= issued_on', name=op.f('ck_certificates_valid_period')),
    sa.ForeignKeyConstraint(['course_id'], ['training_courses.id'], name=op.f('fk_certificates_course_id_training_courses')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['training_enrolments.id'], name=op.f('fk_certificates_enrolment_id_training_enrolments')),
    sa.ForeignKeyConstraint(['issued_by_account_id'], ['accounts.id'], name=op.f('fk_certificates_issued_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['skill_id'], ['skills.id'], name=op.f('fk_certificates_skill_id_skills')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_certificates_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('enrolment_id', name=op.f('uq_certificates_enrolment_id')),
    sa.UniqueConstraint('number', name=op.f('uq_certificates_number'))
    )
    op.create_index(op.f('ix_certificates_course_id'), 'certificates', ['course_id'])
    op.create_index(op.f('ix_certificates_skill_id'), 'certificates', ['skill_id'])
    op.create_index(op.f('ix_certificates_valid_until'), 'certificates', ['valid_until'])
    op.create_index(op.f('ix_certificates_volunteer_id'), 'certificates', ['volunteer_id'])
    op.create_table('certificate_notices',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.Column('threshold_days', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_certificate_notices_certificate_id_certificates')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_notices')),
    sa.UniqueConstraint('certificate_id', 'threshold_days', name=op.f('uq_certificate_notices_certificate_id_threshold_days'))
    )
    op.create_index(op.f('ix_certificate_notices_certificate_id'), 'certificate_notices', ['certificate_id'])


def downgrade() -> None:
    for table in TABLES:
        op.drop_table(table)
    with op.batch_alter_table('skills', schema=None) as batch_op:
        batch_op.drop_column('requires_certificate')
