"""stream dropped: events a sink refused for good (too large, invalid), counted per sink
once they leave the outbox unsent

Revision ID: 0019
Revises: 0009
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0019"
# After the last migration that changes stream_sinks (0009, which made it).
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nothing was dropped before this revision: every sink starts at 0.
    with op.batch_alter_table("stream_sinks") as batch_op:
        batch_op.add_column(sa.Column("dropped", sa.Integer(), server_default="0", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("stream_sinks") as batch_op:
        batch_op.drop_column("dropped")
