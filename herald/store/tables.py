"""SQLAlchemy tables. Alembic migrations in `migrations/` create exactly these.

Documents (attributes, definitions, rendered content) are JSON columns so SQLite and
PostgreSQL share one schema; what is filtered or joined on is a real column with an index.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Float,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

from herald.models.message import MESSAGE_KEY_LENGTH

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "pk": "pk_%(table_name)s",
}

Json = dict[str, Any]


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps stored as UTC and read back timezone-aware on every dialect.

    SQLite keeps no offset: without this, 09:00+01:00 would come back as 09:00 UTC.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: Herald stores timezone-aware times only")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), Json: JSON}


class EndpointRow(Base):
    __tablename__ = "endpoints"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    channel_type: Mapped[str] = mapped_column(String(32), index=True)
    address: Mapped[str] = mapped_column(String(320), index=True)
    user_id: Mapped[str | None] = mapped_column(String(200), index=True)
    attributes: Mapped[Json]
    demographic: Mapped[Json]
    location: Mapped[Json]
    metrics: Mapped[Json]
    opt_out: Mapped[str] = mapped_column(String(8))
    endpoint_status: Mapped[str] = mapped_column(String(16))
    effective_date: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # Written by upsert for segments: the location as a unit vector (a radius is then a dot
    # product, the same arithmetic on every database) and a checksum of the content, so an
    # unchanged endpoint is not written again.
    geo_x: Mapped[float | None] = mapped_column(Float)
    geo_y: Mapped[float | None] = mapped_column(Float)
    geo_z: Mapped[float | None] = mapped_column(Float, index=True)
    checksum: Mapped[str | None] = mapped_column(String(32))


# An email reply finds its endpoints by lower(address) (mail systems ignore the local part's
# case, endpoints keep it): without this index that comparison reads every endpoint.
Index("ix_endpoints_address_lower", func.lower(EndpointRow.address))


class UserRow(Base):
    __tablename__ = "users"
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    user_attributes: Mapped[Json]
    updated_at: Mapped[datetime]


class EventRow(Base):
    __tablename__ = "events"
    # Behaviour dimensions find an event type in a time window and need only who did it.
    __table_args__ = (
        Index("ix_events_type_time", "event_type", "timestamp", "endpoint_id", "user_id"),
        # The sweep's look-up: only the few unrouted events are in it.
        Index(
            "ix_events_unrouted",
            "received_at",
            sqlite_where=text("routed_at IS NULL"),
            postgresql_where=text("routed_at IS NULL"),
        ),
    )
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    endpoint_id: Mapped[str | None] = mapped_column(String(200), index=True)
    user_id: Mapped[str | None] = mapped_column(String(200), index=True)
    event_type: Mapped[str] = mapped_column(String(100), index=True)
    timestamp: Mapped[datetime] = mapped_column(index=True)
    attributes: Mapped[Json]
    metrics: Mapped[Json]
    session_id: Mapped[str | None] = mapped_column(String(200))
    received_at: Mapped[datetime]
    # When the event was brought to the journeys and campaigns that want it. NULL: an app
    # event recorded but not yet routed (Temporal was unreachable: the client's retry or the
    # worker's sweep routes it). An event Herald records of itself (a send, a holdout) is
    # never routed: its routed_at is its received_at.
    routed_at: Mapped[datetime | None]


class TemplateRow(Base):
    __tablename__ = "templates"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    active_version: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class TemplateVersionRow(Base):
    __tablename__ = "template_versions"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[Json]
    checksum: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]


class SegmentRow(Base):
    __tablename__ = "segments"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    definition: Mapped[Json]
    checksum: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime]


class JourneyRow(Base):
    __tablename__ = "journeys"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    latest_version: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class JourneyVersionRow(Base):
    __tablename__ = "journey_versions"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    definition: Mapped[Json]
    checksum: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime]


class CampaignRow(Base):
    __tablename__ = "campaigns"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    definition: Mapped[Json]
    state: Mapped[str] = mapped_column(String(24))
    # 1, plus one each time the campaign is scheduled anew (applied again after it was
    # cancelled or its ONCE run failed); runs carry the generation they started in.
    generation: Mapped[int] = mapped_column(Integer, server_default="1")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # When this definition was put to work in Temporal (its run started, its Schedule
    # written). NULL: applied while Temporal was unreachable; applying it again launches it.
    launched_at: Mapped[datetime | None]


class MessageRow(Base):
    """The message log. The unique idempotency key is what makes a second send impossible."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("idempotency_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(MESSAGE_KEY_LENGTH))
    channel: Mapped[str] = mapped_column(String(16))
    endpoint_id: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[str] = mapped_column(String(16))
    journey: Mapped[str | None] = mapped_column(String(100), index=True)
    journey_version: Mapped[int | None] = mapped_column(Integer)
    step_id: Mapped[str | None] = mapped_column(String(64))
    campaign: Mapped[str | None] = mapped_column(String(100), index=True)
    treatment: Mapped[str | None] = mapped_column(String(100))  # a campaign's treatment
    template: Mapped[str | None] = mapped_column(String(100))
    template_version: Mapped[int | None] = mapped_column(Integer)
    provider: Mapped[str | None] = mapped_column(String(32))
    provider_message_id: Mapped[str | None] = mapped_column(String(200))
    # The number or address it went from: a reply to it is routed to the journey that sent it.
    origin: Mapped[str | None] = mapped_column(String(320))
    # The address it was handed to the provider for: a late bounce or STOP suppresses this
    # one, whatever the endpoint's address is by then. NULL: not handed over (skipped,
    # failed first), or logged before revision 0018.
    address: Mapped[str | None] = mapped_column(String(320))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class OutboxRow(Base):
    """Messages kept by the local outbox provider (the embedded default channel)."""

    __tablename__ = "outbox"
    __table_args__ = (UniqueConstraint("idempotency_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(MESSAGE_KEY_LENGTH))
    channel: Mapped[str] = mapped_column(String(16))
    endpoint_id: Mapped[str] = mapped_column(String(200), index=True)
    address: Mapped[str] = mapped_column(String(320))
    content: Mapped[Json]
    journey: Mapped[str | None] = mapped_column(String(100))
    step_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]


class JourneyEntryRow(Base):
    """Each time a participant entered a journey: re-entry rules and lifecycle operations
    read this, not Temporal's eventually consistent visibility."""

    __tablename__ = "journey_entries"
    journey: Mapped[str] = mapped_column(String(100), primary_key=True)
    participant_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    entry_n: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    workflow_id: Mapped[str] = mapped_column(String(400))
    trigger: Mapped[str] = mapped_column(String(16))
    entered_at: Mapped[datetime] = mapped_column(index=True)


class SuppressionRow(Base):
    """Addresses nothing is sent to on a channel: invalid, bounced, or opted out at a provider."""

    __tablename__ = "suppressions"
    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    address: Mapped[str] = mapped_column(String(320), primary_key=True)
    reason: Mapped[str] = mapped_column(String(16))
    detail: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]


# An email suppression matches its address whatever the case of the local part (mail systems
# ignore it, endpoints keep it as imported), so every send looks it up by (channel,
# lower(address)): without this index that comparison reads the whole list on every send.
Index("ix_suppressions_address_lower", SuppressionRow.channel, func.lower(SuppressionRow.address))


class ProviderThrottleRow(Base):
    """One rate limiter per provider, shared by every worker: the next free send time (GCRA)."""

    __tablename__ = "provider_throttles"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    next_free_us: Mapped[int] = mapped_column(BigInteger)


class InAppMessageRow(Base):
    """In-app messages kept per endpoint until the app fetches and dismisses them."""

    __tablename__ = "in_app_messages"
    __table_args__ = (UniqueConstraint("idempotency_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    idempotency_key: Mapped[str] = mapped_column(String(MESSAGE_KEY_LENGTH))
    endpoint_id: Mapped[str] = mapped_column(String(200), index=True)
    content: Mapped[Json]
    priority: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime | None]
    journey: Mapped[str | None] = mapped_column(String(100))
    step_id: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    dismissed_at: Mapped[datetime | None]


# Segments: attribute values as rows, so a dimension is an indexed lookup with the same meaning
# on SQLite and PostgreSQL. Upserts rewrite an endpoint's or a user's rows with it.


class EndpointAttributeRow(Base):
    """One value of an endpoint's `Attributes` (scope attribute), or of a `Demographic` or
    `Location` field (scope demographic / location; names in snake_case).

    The key leads with what segments look up, so an include is a range of the key itself;
    on SQLite the table is its key (WITHOUT ROWID): half the b-trees for an import to fill.
    """

    __tablename__ = "endpoint_attributes"
    __table_args__ = (
        # Each endpoint's own values: what a correlated EXISTS probes, what an upsert deletes.
        Index("ix_endpoint_attributes_endpoint_id", "endpoint_id", "scope", "name", "value"),
        Index(
            "ix_endpoint_attributes_time",
            "scope",
            "name",
            "time_value",
            "endpoint_id",
            sqlite_where=text("time_value IS NOT NULL"),
            postgresql_where=text("time_value IS NOT NULL"),
        ),
        {"sqlite_with_rowid": False},
    )
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    time_value: Mapped[datetime | None]  # the value read as ISO 8601, see models.instants


class UserAttributeRow(Base):
    """One value of a user's `UserAttributes`, keyed like `EndpointAttributeRow`."""

    __tablename__ = "user_attributes"
    __table_args__ = (
        Index("ix_user_attributes_user_id", "user_id", "name", "value"),
        Index(
            "ix_user_attributes_time",
            "name",
            "time_value",
            "user_id",
            sqlite_where=text("time_value IS NOT NULL"),
            postgresql_where=text("time_value IS NOT NULL"),
        ),
        {"sqlite_with_rowid": False},
    )
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(String(300), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    time_value: Mapped[datetime | None]  # the value read as ISO 8601, see models.instants


class EndpointMetricRow(Base):
    __tablename__ = "endpoint_metrics"
    __table_args__ = (
        Index("ix_endpoint_metrics_value", "name", "value", "endpoint_id"),
        {"sqlite_with_rowid": False},
    )
    endpoint_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[float] = mapped_column(Float)


class SegmentMemberRow(Base):
    """Members of an imported static segment: endpoint ids, or user ids (all their endpoints).
    An import writes a new generation and the segment switches to it when it is complete."""

    __tablename__ = "segment_members"
    __table_args__ = {"sqlite_with_rowid": False}
    segment: Mapped[str] = mapped_column(String(100), primary_key=True)
    generation: Mapped[str] = mapped_column(String(64), primary_key=True)
    member_type: Mapped[str] = mapped_column(String(8), primary_key=True)
    member_id: Mapped[str] = mapped_column(String(200), primary_key=True)


# Each room's tables live in their own module; importing them here completes Base.metadata.
from herald.store import (  # noqa: E402,F401
    analytics_tables,
    campaigns_tables,
    transactional_tables,
    twoway_tables,
)
