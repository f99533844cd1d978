"""Sending one message, exactly once: the domain logic behind the send activity.

claim the idempotency key -> load the endpoint -> check it can be reached -> load and render
the template -> hand the message to the channel's provider -> record the outcome and the
engagement event. A retry after a crash finds the claimed key: if the message was sent it is
not sent again; if it was only claimed, the provider gets the same key, and its own
idempotency (the outbox's unique key, SES/Twilio tokens) absorbs a possible double.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics import record_send
from herald.channels import ChannelRegistry
from herald.channels.base import DatabaseProvider
from herald.channels.throttle import Throttle
from herald.journeys import policy
from herald.models import (
    DeliveryResult,
    DeliveryStatus,
    Endpoint,
    MessageRecord,
    MessageStatus,
    OutgoingMessage,
    SendOutcome,
    SendRequest,
    SendResult,
    TemplateVersion,
)
from herald.store import Database
from herald.store.endpoints import get_endpoint
from herald.store.journey_progress import record_progress
from herald.store.messages import claim_message, finish_message
from herald.store.suppressions import find_suppression, mark_unreachable
from herald.store.templates import get_template
from herald.templates import TemplateRenderError, journey_variables, render_message


class PermanentSendError(Exception):
    """The message can never be sent as asked; retrying will not help. Says what to fix."""


class EndpointMissing(PermanentSendError):
    """The endpoint a send names does not exist: never upserted, or deleted since (a
    journey's participant erased while it waited)."""

    def __init__(self, endpoint_id: str) -> None:
        super().__init__(
            f"endpoint {endpoint_id!r} does not exist; upsert it (herald apply, or "
            "client.upsert_endpoints) before it enters a journey"
        )
        self.endpoint_id = endpoint_id


class RetryableSendError(Exception):
    """The provider could not take the message now; the same request may succeed later."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after  # seconds the provider asked for (Retry-After, throttle)


_TERMINAL = {MessageStatus.SENT, MessageStatus.SKIPPED, MessageStatus.FAILED}


async def deliver(database: Database, channels: ChannelRegistry, req: SendRequest) -> SendResult:
    """Send `req` once. Raises PermanentSendError (recorded as FAILED) or RetryableSendError."""
    try:
        return await _deliver(database, channels, req)
    except PermanentSendError as exc:
        async with database.session() as session:
            # Claimed again: a delivery inside one transaction rolled its claim back.
            await _claim(session, req)
            await finish_message(
                session, req.idempotency_key, MessageStatus.FAILED, reason=str(exc)
            )
        raise


@dataclass(frozen=True)
class _Ready:
    endpoint: Endpoint
    stored: TemplateVersion


async def _deliver(database: Database, channels: ChannelRegistry, req: SendRequest) -> SendResult:
    provider = channels.for_channel(req.channel)
    if isinstance(provider, DatabaseProvider) and not _rate(req):
        # The delivery is a write to this database (outbox, in-app): claim, delivery and
        # record commit together, in one transaction instead of three.
        async with database.session() as session:
            ready = await _prepare(session, req)
            if isinstance(ready, SendResult):
                return await _settled(session, req, ready)
            message = _render(ready.endpoint, req, ready.stored)
            [result] = await provider.send_in(session, [message])
            return await _settled(session, req, await _record(session, req, message, result, ready))
    async with database.session() as session:
        ready = await _prepare(session, req)
        if isinstance(ready, SendResult):
            return await _settled(session, req, ready)
    if rate := _rate(req):
        await _journey_rate(database, f"journey:{req.journey}", rate)
    message = _render(ready.endpoint, req, ready.stored)
    [result] = await provider.send([message])
    async with database.session() as session:
        return await _settled(session, req, await _record(session, req, message, result, ready))


async def _settled(session: AsyncSession, req: SendRequest, result: SendResult) -> SendResult:
    """The journey progress riding with the send, committed with its outcome. A deferred
    send has none yet: the workflow asks again later, with the same progress."""
    if req.progress is not None:
        held = result.outcome is SendOutcome.DEFERRED
        await record_progress(session, req.progress.held() if held else req.progress)
    return result


async def _claim(session: AsyncSession, req: SendRequest) -> MessageRecord:
    return await claim_message(
        session,
        idempotency_key=req.idempotency_key,
        channel=req.channel,
        endpoint_id=req.endpoint_id,
        journey=req.journey,
        journey_version=req.journey_version,
        step_id=req.step_id,
        template=req.template,
        at=req.at,
    )


async def _prepare(session: AsyncSession, req: SendRequest) -> _Ready | SendResult:
    """Claim the key and decide whether the message may go now: the endpoint and template to
    render it with, or the result (already sent, skipped, deferred) when it may not."""
    record = await _claim(session, req)
    if record.status in _TERMINAL:
        return _result_of(record, duplicate=True)
    endpoint = req.endpoint or await get_endpoint(session, req.endpoint_id)
    if endpoint is None:
        raise EndpointMissing(req.endpoint_id)
    stored = (
        _inline(req)
        if req.content is not None
        else await get_template(session, req.template, req.template_version)
    )
    if stored is None:
        pinned = f" version {req.template_version}" if req.template_version else ""
        raise PermanentSendError(
            f"template {req.template!r}{pinned} does not exist; apply it first"
        )
    skip = _skip_reason(endpoint, req, stored)
    # Checked at send time, so a bounce or STOP recorded a second ago is honoured.
    suppressed = None if skip else await find_suppression(session, req.channel, endpoint.address)
    if suppressed is not None:
        skip = f"address suppressed on {req.channel.value}: {suppressed.reason}"
    if skip:
        return await _finish(session, req, MessageStatus.SKIPPED, stored.version, reason=skip)
    if req.policy is not None and req.journey is not None:
        held = await _apply_policy(session, req, endpoint, stored.version)
        if held is not None:
            return held
    return _Ready(endpoint, stored)


def _inline(req: SendRequest) -> TemplateVersion:
    """Inline content as a version of its own: version 1 of nothing stored."""
    assert req.content is not None
    return TemplateVersion(template=req.content, version=1, created_at=req.at or datetime.now(UTC))


async def _apply_policy(
    session: AsyncSession, req: SendRequest, endpoint: Endpoint, template_version: int
) -> SendResult | None:
    """The journey's caps, quiet time, open hours and closed days."""
    assert req.policy is not None and req.journey is not None
    now = req.at or datetime.now(UTC)
    user_send = (
        policy.UserSend(endpoint.user_id, req.user_send_key)
        if req.user_send_key and endpoint.user_id
        else None
    )
    decision = await policy.decide(
        session, req.policy, endpoint, req.journey, req.channel.value, now, user_send
    )
    if decision.skip:
        reason = decision.skip
        return await _finish(session, req, MessageStatus.SKIPPED, template_version, reason=reason)
    if decision.defer_until:
        # Not finished: the claim stays PENDING and the workflow asks again at that time.
        return SendResult(
            outcome=SendOutcome.DEFERRED,
            idempotency_key=req.idempotency_key,
            reason=decision.reason,
            not_before=decision.defer_until,
        )
    return None


def _rate(req: SendRequest) -> int | None:
    """The journey's messages per second, if it has one."""
    return req.policy.limits.messages_per_second if req.policy and req.journey else None


async def _journey_rate(database: Database, name: str, rate: int) -> None:
    slot = await Throttle(database, name, rate_per_second=rate).reserve()
    if not slot.granted:
        delay = slot.retry_after_us / 1_000_000
        raise RetryableSendError(f"{name} is limited to {rate} messages/s", retry_after=delay)
    if slot.wait_us:
        await asyncio.sleep(slot.wait_us / 1_000_000)


def _skip_reason(endpoint: Endpoint, req: SendRequest, stored: TemplateVersion) -> str | None:
    if endpoint.opt_out != "NONE":
        return "endpoint opted out"
    if endpoint.endpoint_status != "ACTIVE":
        return "endpoint inactive"
    if endpoint.channel_type.family != req.channel:
        return f"endpoint is {endpoint.channel_type.value}, step sends {req.channel.value}"
    if stored.template.channel != req.channel.value:
        raise PermanentSendError(
            f"template {req.template!r} is a {stored.template.channel} template; "
            f"the step sends {req.channel.value}"
        )
    return None


def _render(endpoint: Endpoint, req: SendRequest, stored: TemplateVersion) -> OutgoingMessage:
    journey = journey_variables(
        req.journey, req.journey_version, req.step_id, req.event_type, req.event
    )
    try:
        # The same call `herald templates render` makes, so a preview is the message sent.
        content = render_message(
            stored.template, endpoint, substitutions=req.substitutions, journey=journey
        )
    except TemplateRenderError as exc:
        raise PermanentSendError(str(exc)) from exc
    return OutgoingMessage(
        idempotency_key=req.idempotency_key,
        channel=req.channel,
        endpoint_id=endpoint.id,
        address=endpoint.address,
        content=content,
        journey=req.journey,
        step_id=req.step_id,
        channel_type=endpoint.channel_type,
    )


async def _record(
    session: AsyncSession,
    req: SendRequest,
    message: OutgoingMessage,
    result: DeliveryResult,
    ready: _Ready,
) -> SendResult:
    """The provider's answer, recorded: a retryable refusal raises (nothing is finished)."""
    if result.status is DeliveryStatus.RETRYABLE:
        raise RetryableSendError(
            f"{result.provider}: {result.reason or 'try again later'}", result.retry_after
        )
    if result.address_problem is not None:
        await mark_unreachable(
            session,
            endpoint_id=message.endpoint_id,
            channel=message.channel,
            address=message.address,
            problem=result.address_problem,
            detail=result.reason,
        )
    status = (
        MessageStatus.SENT if result.status is DeliveryStatus.ACCEPTED else MessageStatus.FAILED
    )
    finished = await _finish(
        session,
        req,
        status,
        ready.stored.version,
        user_id=ready.endpoint.user_id,
        provider=result.provider,
        provider_message_id=result.provider_message_id,
        origin=result.origin,
        reason=result.reason,
        address=message.address,  # what its receipts suppress, should the endpoint change
    )
    # Carried for the caller: a transactional result reports a STOP as OPTED_OUT, not FAILED.
    return finished.model_copy(update={"address_problem": result.address_problem})


async def _finish(
    session: AsyncSession,
    req: SendRequest,
    status: MessageStatus,
    template_version: int,
    *,
    user_id: str | None = None,
    **fields: str | None,
) -> SendResult:
    """`user_id`: the endpoint's user, for the send event (None: the endpoint has none)."""
    record = await finish_message(
        session, req.idempotency_key, status, template_version=template_version, **fields
    )
    if status is MessageStatus.SENT:
        await record_send(session, record, user_id=user_id)
    return _result_of(record, duplicate=False)


def _result_of(record: MessageRecord, *, duplicate: bool) -> SendResult:
    outcome = {
        MessageStatus.SENT: SendOutcome.SENT,
        MessageStatus.SKIPPED: SendOutcome.SKIPPED,
    }.get(record.status, SendOutcome.FAILED)
    return SendResult(
        outcome=outcome,
        idempotency_key=record.idempotency_key,
        provider_message_id=record.provider_message_id,
        reason=record.reason,
        duplicate=duplicate,
    )
