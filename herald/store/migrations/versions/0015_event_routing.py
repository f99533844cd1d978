"""event routing: when an app event was brought to the journeys, so that one recorded while
Temporal was unreachable is routed when the client retries it, not taken for a duplicate

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.add_column(sa.Column("routed_at", sa.DateTime(timezone=True), nullable=True))
    # Events recorded before this column were routed (or not) when they arrived; a retry of
    # one of them is a duplicate, as it was before.
    op.execute("UPDATE events SET routed_at = received_at")


def downgrade() -> None:
    with op.batch_alter_table("events") as batch_op:
        batch_op.drop_column("routed_at")
