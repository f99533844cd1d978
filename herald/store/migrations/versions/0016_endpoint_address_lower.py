"""endpoint address lower: an index on lower(address), so an email reply finds the endpoints
whose address differs from the sender's only by case without reading every endpoint

Revision ID: 0016
Revises: 0002

On PostgreSQL the index is built in the upgrade's transaction: on a large endpoints table
that takes a while, with writes to endpoints waiting (reads go on).

SQLite cannot reflect an index on an expression: a later migration that makes Alembic copy
the endpoints table (batch mode) drops it, with a warning; such a migration must create it
again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
# After the last migration that changes endpoints (0002), so the index is made after it
# on every database.
down_revision = "0002"
branch_labels = None
depends_on = None

INDEX = "ix_endpoints_address_lower"


def upgrade() -> None:
    # Not in a batch: both databases create an index in place, without copying the table.
    op.create_index(INDEX, "endpoints", [sa.text("lower(address)")], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="endpoints")
