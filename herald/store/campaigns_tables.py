"""Tables of campaign runs: each run's frozen definition and state, and its assignments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from herald.store.tables import Base, Json


class CampaignRunRow(Base):
    """One run of a campaign: the definition as it was when the run started (a later apply
    changes later runs only) and where the run is."""

    __tablename__ = "campaign_runs"
    campaign: Mapped[str] = mapped_column(String(100), primary_key=True)
    run: Mapped[str] = mapped_column(String(200), primary_key=True)
    workflow_id: Mapped[str] = mapped_column(String(400))
    definition: Mapped[Json]
    state: Mapped[str] = mapped_column(String(24))
    members: Mapped[int] = mapped_column(Integer)
    holdout: Mapped[int] = mapped_column(Integer)
    snapshot_done: Mapped[int] = mapped_column(Integer)  # 0 / 1: the segment is copied
    generation: Mapped[int] = mapped_column(Integer, server_default="1")  # the campaign's
    reason: Mapped[str | None] = mapped_column(Text)  # why it ended early: failed, cancelled
    started_at: Mapped[datetime] = mapped_column(index=True)
    updated_at: Mapped[datetime]


class CampaignAssignmentRow(Base):
    """Each endpoint of a run's segment snapshot: its treatment (or holdout) and how its
    message went. Holdout members are kept so conversions can be compared later."""

    __tablename__ = "campaign_assignments"
    __table_args__ = (
        # The send loop's question: this run's endpoints still to do, in id order.
        Index("ix_campaign_assignments_todo", "campaign", "run", "state", "endpoint_id"),
    )
    campaign: Mapped[str] = mapped_column(String(100), primary_key=True)
    run: Mapped[str] = mapped_column(String(200), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    treatment: Mapped[str] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))  # PENDING, DEFERRED, DONE, HOLDOUT
    not_before: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))  # SENT, SKIPPED, FAILED
    reason: Mapped[str | None] = mapped_column(Text)


class CampaignCapLockRow(Base):
    """One per (campaign, endpoint) a campaign with daily or total limits checked its cap
    for, on PostgreSQL: the batch locks these rows, then counts the endpoint's messages and
    claims the next one in the same transaction, so two runs of one endpoint (events that
    came together) cannot both find it under its cap. SQLite needs no row for that (one
    writer at a time: BEGIN IMMEDIATE), so there the table stays empty."""

    __tablename__ = "campaign_cap_locks"
    campaign: Mapped[str] = mapped_column(String(100), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(String(200), primary_key=True)
