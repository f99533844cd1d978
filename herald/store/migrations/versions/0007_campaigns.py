"""campaigns: runs, assignments, the treatment of a message

Revision ID: 0007
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_runs",
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("run", sa.String(length=200), nullable=False),
        sa.Column("workflow_id", sa.String(length=400), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("state", sa.String(length=24), nullable=False),
        sa.Column("members", sa.Integer(), nullable=False),
        sa.Column("holdout", sa.Integer(), nullable=False),
        sa.Column("snapshot_done", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("campaign", "run", name=op.f("pk_campaign_runs")),
    )
    with op.batch_alter_table("campaign_runs") as batch_op:
        batch_op.create_index(batch_op.f("ix_campaign_runs_started_at"), ["started_at"])
    op.create_table(
        "campaign_assignments",
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("run", sa.String(length=200), nullable=False),
        sa.Column("endpoint_id", sa.String(length=200), nullable=False),
        sa.Column("treatment", sa.String(length=100), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("not_before", sa.DateTime(timezone=True), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint(
            "campaign", "run", "endpoint_id", name=op.f("pk_campaign_assignments")
        ),
    )
    op.create_index(
        "ix_campaign_assignments_todo",
        "campaign_assignments",
        ["campaign", "run", "state", "endpoint_id"],
    )
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("treatment", sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("treatment")
    op.drop_index("ix_campaign_assignments_todo", table_name="campaign_assignments")
    op.drop_table("campaign_assignments")
    op.drop_table("campaign_runs")
