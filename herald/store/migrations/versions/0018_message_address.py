"""message address: the address each message was handed to the provider for, so a late
bounce or STOP suppresses the address that bounced, not the endpoint's address by then

Revision ID: 0018
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
# After the last migration that changes messages (0014, which joined its branches).
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: rows logged before this revision keep NULL (a receipt for one
    # falls back to the provider's recipient).
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("address")
