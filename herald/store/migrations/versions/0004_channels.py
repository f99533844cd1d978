"""channels: suppression list, provider throttles, in-app messages

Revision ID: 0004
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=320), nullable=False),
        sa.Column("reason", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", "address", name=op.f("pk_suppressions")),
    )
    op.create_table(
        "provider_throttles",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("next_free_us", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_provider_throttles")),
    )
    op.create_table(
        "in_app_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("idempotency_key", sa.String(length=300), nullable=False),
        sa.Column("endpoint_id", sa.String(length=200), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("journey", sa.String(length=100), nullable=True),
        sa.Column("step_id", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("dismissed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_in_app_messages")),
        sa.UniqueConstraint("idempotency_key", name=op.f("uq_in_app_messages_idempotency_key")),
    )
    with op.batch_alter_table("in_app_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_in_app_messages_endpoint_id"), ["endpoint_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("in_app_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_in_app_messages_endpoint_id"))
    op.drop_table("in_app_messages")
    op.drop_table("provider_throttles")
    op.drop_table("suppressions")
