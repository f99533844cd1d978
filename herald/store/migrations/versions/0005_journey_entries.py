"""journey entries

Revision ID: 0005
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "journey_entries",
        sa.Column("journey", sa.String(length=100), nullable=False),
        sa.Column("participant_id", sa.String(length=200), nullable=False),
        sa.Column("entry_n", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(length=400), nullable=False),
        sa.Column("trigger", sa.String(length=16), nullable=False),
        sa.Column("entered_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint(
            "journey", "participant_id", "entry_n", name=op.f("pk_journey_entries")
        ),
    )
    with op.batch_alter_table("journey_entries") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_journey_entries_entered_at"), ["entered_at"], unique=False
        )


def downgrade() -> None:
    op.drop_table("journey_entries")
