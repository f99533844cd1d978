"""campaign launched: when the campaign's current definition was put to work in Temporal, so
one applied while Temporal was unreachable is launched when it is applied again, unchanged

Revision ID: 0024
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0024"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.add_column(sa.Column("launched_at", sa.DateTime(timezone=True), nullable=True))
    # Campaigns stored before this column: whether their launch failed is not known; taken
    # as launched, as the code before this column took them, so none starts on its own.
    op.execute("UPDATE campaigns SET launched_at = updated_at")


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch_op:
        batch_op.drop_column("launched_at")
