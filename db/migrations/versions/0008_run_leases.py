"""Run leases (jobs/queue.py): a dispatch or scenario run belongs to the server process that
claimed it (`claimed_by`, host:pid:nonce) for as long as it renews `lease_until`; recovery fails
only runs whose lease expired. Existing rows get no claim, so an unfinished one counts as expired.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

TABLES = ("dispatch_runs", "scenario_runs")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("claimed_by", sa.String(length=200), nullable=True))
            batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("lease_until")
            batch_op.drop_column("claimed_by")
