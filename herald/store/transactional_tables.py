"""Tables of transactional messages and one-time passwords (migration 0006)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from herald.store.tables import Base, Json


class MessageRequestRow(Base):
    """One accepted transactional request: its resolved plan, then its results. The request id
    is the key, so a repeated request finds the first one instead of sending again."""

    __tablename__ = "message_requests"
    request_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    plan: Mapped[Json]
    results: Mapped[list[Json] | None] = mapped_column(JSON)
    accepted_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class OtpCodeRow(Base):
    """The live one-time password of a destination (canonical: E.164, normalised email) and
    a reference id: a new send to both replaces it (migration 0020). Only a salted, peppered
    scrypt hash of the code is kept."""

    __tablename__ = "otp_codes"
    destination: Mapped[str] = mapped_column(String(320), primary_key=True)
    reference_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    code_hash: Mapped[str] = mapped_column(String(64))
    salt: Mapped[str] = mapped_column(String(32))
    attempts_left: Mapped[int] = mapped_column(Integer)
    expires_at: Mapped[datetime]
    message_key: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime]
