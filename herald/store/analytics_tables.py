"""Tables of the analytics room: the event-stream outbox and its sinks, journey progress."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from herald.store.tables import Base


class StreamSinkRow(Base):
    """A configured event-stream sink: registered when a shipper first starts with it.

    It receives every event recorded from then on. The lease lets one shipper at a time ship
    to it (order per endpoint); the retry state says why it is behind; `dropped` counts the
    events it refused for good (too large, invalid), taken off the outbox unsent.
    """

    __tablename__ = "stream_sinks"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    registered_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None]
    failures: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    shipped: Mapped[int] = mapped_column(Integer, default=0)
    last_shipped_at: Mapped[datetime | None]
    dropped: Mapped[int] = mapped_column(Integer, server_default="0")


class StreamOutboxRow(Base):
    """One event waiting for one sink, written in the transaction that records the event;
    deleted once the sink took it. `seq` is the order events are shipped in."""

    __tablename__ = "stream_outbox"
    __table_args__ = (
        UniqueConstraint("sink", "event_id"),
        Index("ix_stream_outbox_sink_seq", "sink", "seq"),
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sink: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class JourneyStepVisitRow(Base):
    """A participant reached a step (the journey workflow reports each one)."""

    __tablename__ = "journey_step_visits"
    __table_args__ = (Index("ix_journey_step_visits_journey_step", "journey", "step_id"),)
    workflow_id: Mapped[str] = mapped_column(String(400), primary_key=True)
    visit_n: Mapped[int] = mapped_column(Integer, primary_key=True)
    journey: Mapped[str] = mapped_column(String(100))
    step_id: Mapped[str] = mapped_column(String(64))
    entered_at: Mapped[datetime]


class JourneyExitRow(Base):
    """A participant left a journey: completed, or exited with a reason."""

    __tablename__ = "journey_exits"
    __table_args__ = (Index("ix_journey_exits_journey", "journey", "reason"),)
    workflow_id: Mapped[str] = mapped_column(String(400), primary_key=True)
    journey: Mapped[str] = mapped_column(String(100))
    exit_step: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    exited_at: Mapped[datetime]
