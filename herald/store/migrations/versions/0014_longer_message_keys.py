"""longer message keys: a journey send's key holds the workflow id (up to 100 characters of
journey name and 200 of participant id), the step id, a UUID and, for a user's endpoint, the
endpoint id: up to 623 characters, where 300 were allowed

Revision ID: 0014
Revises: 0010, 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
# Joins the branches that made the three tables: messages and outbox (0001, 0010), and
# in_app_messages (0004).
down_revision = ("0010", "0004")
branch_labels = None
depends_on = None

TABLES = ("messages", "outbox", "in_app_messages")


def _resize(length_from: int, length_to: int) -> None:
    for table in TABLES:
        # Batch: SQLite alters a column only by copying its table.
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column(
                "idempotency_key",
                existing_type=sa.String(length=length_from),
                type_=sa.String(length=length_to),
                existing_nullable=False,
            )


def upgrade() -> None:
    _resize(300, 640)


def downgrade() -> None:
    _resize(640, 300)
