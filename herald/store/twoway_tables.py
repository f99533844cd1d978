"""Tables of two-way messaging: API keys, inbound messages, and the signing secret."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from herald.store.tables import Base, Json, MessageRow


class ApiKeyRow(Base):
    """An API key: only a SHA-256 of its secret is kept, so the table leaks no usable key."""

    __tablename__ = "api_keys"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    scope: Mapped[str] = mapped_column(String(8))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class InboundMessageRow(Base):
    """Every reply that came in, once per provider message id, whatever became of it."""

    __tablename__ = "inbound_messages"
    __table_args__ = (UniqueConstraint("provider", "provider_message_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    provider: Mapped[str] = mapped_column(String(32))
    provider_message_id: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    from_address: Mapped[str] = mapped_column(String(320), index=True)
    to_address: Mapped[str | None] = mapped_column(String(320))
    text: Mapped[str] = mapped_column(Text)
    keyword: Mapped[str | None] = mapped_column(String(32))
    outcome: Mapped[str] = mapped_column(String(16))
    endpoint_ids: Mapped[Json]
    routed_to: Mapped[int] = mapped_column(Integer)
    received_at: Mapped[datetime] = mapped_column(index=True)


class SigningSecretRow(Base):
    """Secrets Herald makes for itself (tracking links, in-app tokens), shared by every
    process through the database; HERALD_TWO_WAY__SIGNING_SECRET overrides them."""

    __tablename__ = "signing_secrets"
    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    secret: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime]


# Delivery receipts from SES and End User Messaging name the provider's message id.
Index("ix_messages_provider_message_id", MessageRow.provider_message_id)
