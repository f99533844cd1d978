"""analytics: event-stream outbox and sinks, journey step visits and exits

Revision ID: 0009
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0001"
branch_labels = None
depends_on = None


def _at(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "stream_sinks",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        _at("registered_at"),
        sa.Column("lease_owner", sa.String(length=64), nullable=True),
        _at("lease_until", nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        _at("next_attempt_at", nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("shipped", sa.Integer(), nullable=False),
        _at("last_shipped_at", nullable=True),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_stream_sinks")),
    )
    op.create_table(
        "stream_outbox",
        sa.Column("seq", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sink", sa.String(length=64), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        _at("created_at"),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_stream_outbox")),
        sa.UniqueConstraint("sink", "event_id", name=op.f("uq_stream_outbox_sink")),
    )
    op.create_index("ix_stream_outbox_sink_seq", "stream_outbox", ["sink", "seq"], unique=False)
    op.create_table(
        "journey_step_visits",
        sa.Column("workflow_id", sa.String(length=400), nullable=False),
        sa.Column("visit_n", sa.Integer(), nullable=False),
        sa.Column("journey", sa.String(length=100), nullable=False),
        sa.Column("step_id", sa.String(length=64), nullable=False),
        _at("entered_at"),
        sa.PrimaryKeyConstraint("workflow_id", "visit_n", name=op.f("pk_journey_step_visits")),
    )
    op.create_index(
        "ix_journey_step_visits_journey_step",
        "journey_step_visits",
        ["journey", "step_id"],
        unique=False,
    )
    op.create_table(
        "journey_exits",
        sa.Column("workflow_id", sa.String(length=400), nullable=False),
        sa.Column("journey", sa.String(length=100), nullable=False),
        sa.Column("exit_step", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.String(length=200), nullable=False),
        _at("exited_at"),
        sa.PrimaryKeyConstraint("workflow_id", name=op.f("pk_journey_exits")),
    )
    op.create_index(
        "ix_journey_exits_journey", "journey_exits", ["journey", "reason"], unique=False
    )


def downgrade() -> None:
    for table in ("journey_exits", "journey_step_visits", "stream_outbox", "stream_sinks"):
        op.drop_table(table)
