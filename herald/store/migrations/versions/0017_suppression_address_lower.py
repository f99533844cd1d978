"""suppression address lower: an index on (channel, lower(address)), so a send finds an email
suppression whose address differs from the endpoint's only by case without reading the list

Revision ID: 0017
Revises: 0004

On PostgreSQL the index is built in the upgrade's transaction: on a long suppression list
that takes a while, with writes to suppressions waiting (reads, and so sends, go on).

SQLite cannot reflect an index on an expression: a later migration that makes Alembic copy
the suppressions table (batch mode) drops it, with a warning; such a migration must create
it again.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0017"
# After the last migration that changes suppressions (0004, which made it), so the index is
# made after it on every database.
down_revision = "0004"
branch_labels = None
depends_on = None

INDEX = "ix_suppressions_address_lower"


def upgrade() -> None:
    # Not in a batch: both databases create an index in place, without copying the table.
    # Not unique: rows stored before this revision may already differ only by case, and
    # other channels (push tokens) are case-sensitive; the code keeps one row per email.
    op.create_index(INDEX, "suppressions", ["channel", sa.text("lower(address)")], unique=False)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="suppressions")
