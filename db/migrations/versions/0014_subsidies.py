# Operations as Alembic's autogenerate writes them: its long lines are left unwrapped.
# ruff: noqa: E501
"""Subsidies and allowances (db/models/subsidies.py): units' rules, monthly batches and their
lines; the civility self-assessment (db/models/civility.py): questionnaires, their items,
households' responses and answers. Only new tables.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

WHERE = "assignment_id IS NOT NULL AND kind IN ('TRANSPORT', 'LIVING')"

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subsidy_batches',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('state', sa.Enum('PROPOSED', 'APPROVED', name='batchstate', native_enum=False, length=32), nullable=False),
    sa.Column('proposed_by_account_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_account_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_batches_approved_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['proposed_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_batches_proposed_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_subsidy_batches_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_batches')),
    sa.UniqueConstraint('unit_id', 'month', name=op.f('uq_subsidy_batches_unit_id_month'))
    )
    op.create_index('ix_subsidy_batches_unit_id', 'subsidy_batches', ['unit_id'])

    op.create_table('subsidy_rules',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('TRANSPORT_FLAT', 'TRANSPORT_BAND', 'LIVING_DAY', 'LIVING_HOUR', 'MONTHLY_CAP', name='subsidykind', native_enum=False, length=32), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('min_metres', sa.Integer(), nullable=True),
    sa.Column('max_metres', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=False),
    sa.Column('withdrawn_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen >= 0', name=op.f('ck_subsidy_rules_amount_non_negative')),
    sa.CheckConstraint('max_metres IS NULL OR min_metres IS NULL OR max_metres > min_metres', name=op.f('ck_subsidy_rules_band_order')),
    sa.CheckConstraint('min_metres IS NULL OR min_metres >= 0', name=op.f('ck_subsidy_rules_min_non_negative')),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_subsidy_rules_valid_period')),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_rules_created_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_subsidy_rules_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_rules'))
    )
    op.create_index('ix_subsidy_rules_unit_id', 'subsidy_rules', ['unit_id'])

    op.create_table('subsidy_lines',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('batch_id', sa.Integer(), nullable=False),
    sa.Column('volunteer_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('TRANSPORT', 'LIVING', 'CAP', 'ADJUSTMENT', name='linekind', native_enum=False, length=32), nullable=False),
    sa.Column('amount_fen', sa.Integer(), nullable=False),
    sa.Column('rule_id', sa.Integer(), nullable=True),
    sa.Column('assignment_id', sa.Integer(), nullable=True),
    sa.Column('day', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('basis', sa.String(length=2000), nullable=False),
    sa.Column('proposed_by_account_id', sa.Integer(), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_account_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint('amount_fen <> 0', name=op.f('ck_subsidy_lines_amount_not_zero')),
    sa.ForeignKeyConstraint(['approved_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_lines_approved_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['assignment_id'], ['assignments.id'], name=op.f('fk_subsidy_lines_assignment_id_assignments')),
    sa.ForeignKeyConstraint(['batch_id'], ['subsidy_batches.id'], name=op.f('fk_subsidy_lines_batch_id_subsidy_batches')),
    sa.ForeignKeyConstraint(['proposed_by_account_id'], ['accounts.id'], name=op.f('fk_subsidy_lines_proposed_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['rule_id'], ['subsidy_rules.id'], name=op.f('fk_subsidy_lines_rule_id_subsidy_rules')),
    sa.ForeignKeyConstraint(['volunteer_id'], ['volunteers.id'], name=op.f('fk_subsidy_lines_volunteer_id_volunteers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subsidy_lines'))
    )
    op.create_index('ix_subsidy_lines_batch_id', 'subsidy_lines', ['batch_id'])
    op.create_index('ix_subsidy_lines_volunteer_id', 'subsidy_lines', ['volunteer_id'])
    op.create_index('uq_subsidy_lines_assignment_id_kind', 'subsidy_lines', ['assignment_id', 'kind'], unique=True,
                    sqlite_where=sa.text(WHERE), postgresql_where=sa.text(WHERE))

    op.create_table('civility_questionnaires',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_until', sa.Date(), nullable=False),
    sa.Column('created_by_account_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('valid_until >= valid_from', name=op.f('ck_civility_questionnaires_valid_period')),
    sa.ForeignKeyConstraint(['created_by_account_id'], ['accounts.id'], name=op.f('fk_civility_questionnaires_created_by_account_id_accounts')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_civility_questionnaires_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civility_questionnaires'))
    )
    op.create_index('ix_civility_questionnaires_unit_id', 'civility_questionnaires', ['unit_id'])

    op.create_table('civility_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=2000), nullable=False),
    sa.Column('weight', sa.Integer(), nullable=False),
    sa.Column('max_score', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_score >= 1 AND max_score <= 10', name=op.f('ck_civility_items_max_score_range')),
    sa.CheckConstraint('weight > 0 AND weight <= 100', name=op.f('ck_civility_items_weight_range')),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['civility_questionnaires.id'], name=op.f('fk_civility_items_questionnaire_id_civility_questionnaires')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civility_items')),
    sa.UniqueConstraint('questionnaire_id', 'position', name=op.f('uq_civility_items_questionnaire_id_position'))
    )
    op.create_index('ix_civility_items_questionnaire_id', 'civility_items', ['questionnaire_id'])

    op.create_table('civility_responses',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('questionnaire_id', sa.Integer(), nullable=False),
    sa.Column('station_id', sa.Integer(), nullable=False),
    sa.Column('household_fingerprint', sa.String(length=64), nullable=False),
    sa.Column('submitted_by_account_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['questionnaire_id'], ['civility_questionnaires.id'], name=op.f('fk_civility_responses_questionnaire_id_civility_questionnaires')),
    sa.ForeignKeyConstraint(['station_id'], ['units.id'], name=op.f('fk_civility_responses_station_id_units')),
    sa.ForeignKeyConstraint(['submitted_by_account_id'], ['accounts.id'], name=op.f('fk_civility_responses_submitted_by_account_id_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civility_responses')),
    sa.UniqueConstraint('questionnaire_id', 'household_fingerprint', name=op.f('uq_civility_responses_questionnaire_id_household_fingerprint'))
    )
    op.create_index('ix_civility_responses_questionnaire_id', 'civility_responses', ['questionnaire_id'])
    op.create_index('ix_civility_responses_station_id', 'civility_responses', ['station_id'])

    op.create_table('civility_answers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('response_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.CheckConstraint('score >= 0', name=op.f('ck_civility_answers_score_non_negative')),
    sa.ForeignKeyConstraint(['item_id'], ['civility_items.id'], name=op.f('fk_civility_answers_item_id_civility_items')),
    sa.ForeignKeyConstraint(['response_id'], ['civility_responses.id'], name=op.f('fk_civility_answers_response_id_civility_responses')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_civility_answers')),
    sa.UniqueConstraint('response_id', 'item_id', name=op.f('uq_civility_answers_response_id_item_id'))
    )
    op.create_index('ix_civility_answers_item_id', 'civility_answers', ['item_id'])
    op.create_index('ix_civility_answers_response_id', 'civility_answers', ['response_id'])


def downgrade() -> None:
    for table in ('civility_answers', 'civility_responses', 'civility_items', 'civility_questionnaires',
                  'subsidy_lines', 'subsidy_rules', 'subsidy_batches'):
        op.drop_table(table)
