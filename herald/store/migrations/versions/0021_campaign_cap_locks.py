"""campaign cap locks: a row per (campaign, endpoint) whose lock makes a capped campaign's
cap check and claim one step on PostgreSQL

Revision ID: 0021
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaign_cap_locks",
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("endpoint_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("campaign", "endpoint_id", name=op.f("pk_campaign_cap_locks")),
    )


def downgrade() -> None:
    op.drop_table("campaign_cap_locks")
