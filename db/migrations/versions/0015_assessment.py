# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Quarterly assessment (db/models/assessment.py): published rankings and their units' scores.
Only new tables.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('assessment_publications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('scope_unit_id', sa.Integer(), nullable=False),
    sa.Column('quarter', sa.String(length=8), nullable=False),
    sa.Column('normalisation', sa.String(length=16), nullable=False),
    sa.Column('weights', sa.JSON(), nullable=False),
    sa.Column('published_by_account_id', sa.Integer(), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['published_by_account_id'], ['accounts.id'], name=op.f('fk_assessment_publications_published_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['scope_unit_id'], ['units.id'], name=op.f('fk_assessment_publications_scope_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_publications')),
    sa.UniqueConstraint('scope_unit_id', 'quarter', name=op.f('uq_assessment_publications_scope_unit_id_quarter'))
    )
    op.create_index('ix_assessment_publications_scope_unit_id', 'assessment_publications', ['scope_unit_id'])

    op.create_table('assessment_scores',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('publication_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('level', sa.Enum('CENTER', 'INSTITUTE', 'STATION', name='unitlevel', native_enum=False, length=32), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('ranked', sa.Integer(), nullable=False),
    sa.Column('explanation', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['publication_id'], ['assessment_publications.id'], name=op.f('fk_assessment_scores_publication_id_assessment_publications')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_assessment_scores_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assessment_scores')),
    sa.UniqueConstraint('publication_id', 'unit_id', name=op.f('uq_assessment_scores_publication_id_unit_id'))
    )
    op.create_index('ix_assessment_scores_publication_id', 'assessment_scores', ['publication_id'])
    op.create_index('ix_assessment_scores_unit_id', 'assessment_scores', ['unit_id'])


def downgrade() -> None:
    for table in ('assessment_scores', 'assessment_publications'):
        op.drop_table(table)
