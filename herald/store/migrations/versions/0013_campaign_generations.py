"""campaign generations: a campaign scheduled anew, and why a run ended early

Revision ID: 0013
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(
            sa.Column("generation", sa.Integer(), server_default="1", nullable=False)
        )
    with op.batch_alter_table("campaign_runs") as batch_op:
        batch_op.add_column(
            sa.Column("generation", sa.Integer(), server_default="1", nullable=False)
        )
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("campaign_runs") as batch_op:
        batch_op.drop_column("reason")
        batch_op.drop_column("generation")
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_column("generation")
