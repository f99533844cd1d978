"""Sending one batch of a campaign run: the same checks, rendering, providers and message
log as a journey's send (`herald.delivery`), done for hundreds of endpoints at a time.

load the due endpoints and all they need -> decide each (send, skip, fail, wait) -> check
the daily and total caps and claim the idempotency keys (`campaign:{name}:{run}:{endpoint}`),
in one transaction -> hand the messages to the providers, a batch per channel (paced at the
campaign's messages per second) -> record outcomes, send events and the assignments. A batch
retried after a crash finds its claimed keys: what was finished is not sent again; what was
only claimed goes to the provider with the same key, whose idempotency absorbs a double.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import cast

from sqlalchemy import Table, and_, bindparam, case, func, literal, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from herald.analytics.record import record_sends
from herald.campaigns.decide import Decision, Known, Resolved, decide
from herald.campaigns.hand_over import hand_over, until
from herald.channels import ChannelRegistry
from herald.models import (
    DeliveryResult,
    DeliveryStatus,
    MessageChannel,
    MessageRecord,
    MessageStatus,
)
from herald.models.campaign import Campaign
from herald.models.campaign_run import BatchCounts, SendBatchRequest, SendBatchResult
from herald.store import Database
from herald.store import campaigns as store
from herald.store.bulk import insert_rows, time_value
from herald.store.clock import utcnow
from herald.store.endpoints import get_endpoints
from herald.store.suppressions import mark_unreachable, suppressions_of
from herald.store.tables import EndpointRow, MessageRow, SuppressionRow
from herald.store.templates import get_template

RETRY_LATER = timedelta(seconds=30)  # a provider that said "later" without saying when
DAY = timedelta(days=1)  # the daily cap's window
_TERMINAL = {MessageStatus.SENT.value, MessageStatus.SKIPPED.value, MessageStatus.FAILED.value}


async def send_batch(
    database: Database, channels: ChannelRegistry, req: SendBatchRequest
) -> SendBatchResult:
    async with database.session() as session:
        run = await store.get_run(session, req.campaign, req.run)
        if run is None:
            raise LookupError(f"campaign {req.campaign!r} has no run {req.run!r}")
        campaign = store.stored_campaign(run.definition)
        due = await store.due_assignments(session, req.campaign, req.run, req.now, req.limit)
        if not due:
            return SendBatchResult(
                processed=0, next_due=await store.next_due(session, req.campaign, req.run)
            )
        known = await _load(session, campaign, [e for e, _ in due])
    decisions = [_decide(campaign, known, req, e, t) for e, t in due]
    decisions, finished = await _claim(database, campaign, known, req, decisions)
    results, free_at = await hand_over(
        channels,
        [d for d in decisions if d.endpoint_id not in finished],
        campaign.limits.messages_per_second,
    )
    counts = await _record(database, campaign, req, decisions, finished, results)
    # The next batch of the run starts when the rate lets its first message go.
    await until(free_at)
    waiting = [d.wait_until for d in decisions if d.wait_until] + [
        req.now + RETRY_LATER for r in results.values() if r.status is DeliveryStatus.RETRYABLE
    ]
    return SendBatchResult(
        processed=len(decisions),
        counts=counts,
        deferred=len(waiting),
        next_due=min(waiting) if waiting else None,
    )


def _decide(
    campaign: Campaign, known: Known, req: SendBatchRequest, endpoint_id: str, treatment: str
) -> Decision:
    key = req.key_of(endpoint_id)
    return decide(
        campaign, known, endpoint_id, treatment, key=key, nominal=req.nominal, now=req.now
    )


async def _load(session: AsyncSession, campaign: Campaign, ids: Sequence[str]) -> Known:
    """All the batch decides on, but what it has sent: the caps are counted when the batch
    claims (`_claim`), so the count and the claim are one step."""
    endpoints = {e.id: e for e in await get_endpoints(session, ids)}
    email = [e.id for e in endpoints.values() if e.channel_type.family is MessageChannel.EMAIL]
    pairs = {
        (e.channel_type.family.value, e.address)
        for e in endpoints.values()
        if e.channel_type.family is not MessageChannel.EMAIL
    }
    # Keyed by the endpoint's own address, as `decide` looks it up.
    suppressed: dict[tuple[str, str], str] = {}
    if email:
        # An email suppression matches whatever the case (see herald.store.suppressions),
        # folded by the database, so the endpoints' own rows are compared there. A correlated
        # subquery, not a join: given a join, both planners chose to read every EMAIL
        # suppression and probe the endpoints; this way each endpoint of the batch is one
        # look-up of its lower(address) in ix_suppressions_address_lower, however long the
        # list grows.
        reason = (
            select(SuppressionRow.reason)
            .where(suppressions_of(MessageChannel.EMAIL, EndpointRow.address))
            .limit(1)
            .scalar_subquery()
        )
        found = await session.execute(
            select(EndpointRow.id, reason).where(EndpointRow.id.in_(email))
        )
        for endpoint_id, why in found.all():
            if why is not None:
                suppressed[(MessageChannel.EMAIL.value, endpoints[endpoint_id].address)] = why
    if pairs:
        rows = await session.execute(
            select(SuppressionRow.channel, SuppressionRow.address, SuppressionRow.reason).where(
                tuple_(SuppressionRow.channel, SuppressionRow.address).in_(list(pairs))
            )
        )
        suppressed |= {(c, a): r for c, a, r in rows.all()}
    return Known(endpoints, suppressed, {}, {}, await _messages(session, campaign))


async def _messages(session: AsyncSession, campaign: Campaign) -> dict[tuple[str, str], Resolved]:
    out: dict[tuple[str, str], Resolved] = {}
    for treatment, _ in campaign.shares():
        for message in campaign.messages_of(treatment):
            if message.inline is not None:
                resolved = Resolved(message, message.inline, None)
            else:
                assert message.template is not None
                stored = await get_template(session, message.template, message.template_version)
                pinned = f" version {message.template_version}" if message.template_version else ""
                resolved = (
                    Resolved(message, stored.template, stored.version)
                    if stored is not None
                    else Resolved(
                        message, None, None, f"template {message.template!r}{pinned} is gone"
                    )
                )
            out[(treatment, message.channel.value)] = resolved
    return out


async def _claim(
    database: Database,
    campaign: Campaign,
    known: Known,
    req: SendBatchRequest,
    decisions: list[Decision],
) -> tuple[list[Decision], dict[str, str]]:
    """Claim a key for every decision that ends now. Returns the decisions (those the caps
    stop turned into skips) and endpoint -> status of those a previous attempt already
    finished (they are not sent again).

    A campaign's daily and total limits are checked here, in the claim's transaction, with
    the endpoints' caps held (`store.lock_caps`), and a message another run claimed counts
    (`_counted`): each event starts a run of its own, and runs of one endpoint that counted
    before the others claimed, or before their messages were recorded sent, would all find
    it under its cap. Without daily or total limits this is the claim alone, as ever."""
    limits = campaign.limits
    capped = (
        [d.endpoint_id for d in decisions if d.skip is None and d.resolved is not None]
        if limits.daily or limits.total
        else []
    )
    if not capped and not any(_ends_now(d) for d in decisions):
        return decisions, {}
    async with database.session() as session:
        if capped:
            decisions = await _check_caps(session, campaign, known, req, decisions, capped)
        claims = [d for d in decisions if _ends_now(d)]
        if not claims:
            return decisions, {}
        rows = [_claim_row(campaign, req, d) for d in claims]
        stamp = time_value(session, req.now)
        for row in rows:
            row["created_at"] = row["updated_at"] = stamp
        await insert_rows(session, "messages", rows, conflict=("idempotency_key",))
        keys = [str(r["idempotency_key"]) for r in rows]
        found = await session.execute(
            select(MessageRow.endpoint_id, MessageRow.status).where(
                MessageRow.idempotency_key.in_(keys)
            )
        )
        return decisions, {str(e): str(s) for e, s in found.all() if s in _TERMINAL}


def _ends_now(d: Decision) -> bool:
    """Whether the decision ends the endpoint's turn now (its message is claimed)."""
    return d.wait_until is None and d.resolved is not None


async def _check_caps(
    session: AsyncSession,
    campaign: Campaign,
    known: Known,
    req: SendBatchRequest,
    decisions: list[Decision],
    capped: list[str],
) -> list[Decision]:
    """Hold the caps of `capped` (the endpoints a cap would stop: those not skipped for
    another reason) and decide again, counted, those at a cap: `decide` skips them, with
    its reason, as it would have with the counts loaded."""
    await store.lock_caps(session, campaign.name, capped)
    total, today = await _counted(session, campaign.name, req, capped)
    limits = campaign.limits
    full = {
        e
        for e in capped
        if (limits.total and total.get(e, 0) >= limits.total)
        or (limits.daily and today.get(e, 0) >= limits.daily)
    }
    if not full:
        return decisions
    counted = replace(known, sent_total=total, sent_today=today)
    return [
        _decide(campaign, counted, req, d.endpoint_id, d.treatment) if d.endpoint_id in full else d
        for d in decisions
    ]


async def _counted(
    session: AsyncSession, campaign: str, req: SendBatchRequest, ids: Sequence[str]
) -> tuple[dict[str, int], dict[str, int]]:
    """Messages of this campaign to each endpoint in every run, and those of the last day:
    those sent, and those another run claimed and has not finished (in flight: it may be
    with the provider now; not counting it, a second run would send as well). This run's own
    claim of the endpoint is not counted: a retried batch finds it."""
    m = MessageRow
    own = literal(req.key_of("")) + m.endpoint_id
    in_flight = and_(m.status == MessageStatus.PENDING.value, m.idempotency_key != own)
    recent = func.sum(case((m.created_at > req.now - DAY, 1), else_=0))
    query = (
        select(m.endpoint_id, func.count(), recent)
        .where(
            m.campaign == campaign,
            m.endpoint_id.in_(list(ids)),
            or_(m.status == MessageStatus.SENT.value, in_flight),
        )
        .group_by(m.endpoint_id)
    )
    rows = (await session.execute(query)).all()
    return {str(e): int(n) for e, n, _ in rows}, {str(e): int(r or 0) for e, _, r in rows}


def _claim_row(campaign: Campaign, req: SendBatchRequest, d: Decision) -> dict[str, object]:
    assert d.resolved is not None
    message = d.resolved.message
    return {
        "idempotency_key": req.key_of(d.endpoint_id),
        "channel": message.channel.value,
        "endpoint_id": d.endpoint_id,
        "status": MessageStatus.PENDING.value,
        "campaign": campaign.name,
        "treatment": d.treatment,
        "template": message.template or "(inline)",
        "template_version": d.resolved.version,
    }


async def _record(
    database: Database,
    campaign: Campaign,
    req: SendBatchRequest,
    decisions: list[Decision],
    finished: dict[str, str],
    results: dict[str, DeliveryResult],
) -> BatchCounts:
    done: list[tuple[str, str, str | None]] = []
    deferred: list[tuple[str, datetime]] = []
    updates: list[dict[str, object]] = []
    unreachable: list[tuple[Decision, DeliveryResult]] = []
    for d in decisions:
        key = req.key_of(d.endpoint_id)
        if d.endpoint_id in finished:
            done.append((d.endpoint_id, finished[d.endpoint_id], "already sent in this run"))
            continue
        if d.wait_until is not None:
            deferred.append((d.endpoint_id, d.wait_until))
            continue
        result = results.get(d.endpoint_id)
        if result is not None and result.status is DeliveryStatus.RETRYABLE:
            deferred.append((d.endpoint_id, req.now + timedelta(seconds=result.retry_after or 30)))
            continue
        status, reason = _outcome(d, result)
        done.append((d.endpoint_id, status, reason))
        if d.resolved is not None:
            handed = d.outgoing.address if result is not None and d.outgoing else None
            updates.append(_finish_values(key, status, reason, result, handed))
        if result is not None and result.address_problem is not None:
            unreachable.append((d, result))
    async with database.session() as session:
        await _finish_messages(session, updates)
        await record_sends(session, _sent_records(campaign, req, decisions, results))
        for d, result in unreachable:
            assert d.outgoing is not None and result.address_problem is not None
            await mark_unreachable(
                session,
                endpoint_id=d.endpoint_id,
                channel=d.outgoing.channel,
                address=d.outgoing.address,
                problem=result.address_problem,
                detail=result.reason,
            )
        await store.finish_assignments(session, campaign.name, req.run, done, deferred)
    return BatchCounts(
        sent=sum(1 for _, s, _ in done if s == "SENT"),
        skipped=sum(1 for _, s, _ in done if s == "SKIPPED"),
        failed=sum(1 for _, s, _ in done if s == "FAILED"),
    )


def _sent_records(
    campaign: Campaign,
    req: SendBatchRequest,
    decisions: list[Decision],
    results: dict[str, DeliveryResult],
) -> list[MessageRecord]:
    """The message log's view of what was sent now, for the send events."""
    records = []
    for d in decisions:
        result = results.get(d.endpoint_id)
        if result is None or result.status is not DeliveryStatus.ACCEPTED or not d.outgoing:
            continue
        assert d.resolved is not None
        records.append(
            MessageRecord(
                idempotency_key=d.outgoing.idempotency_key,
                channel=d.outgoing.channel,
                endpoint_id=d.endpoint_id,
                status=MessageStatus.SENT,
                campaign=campaign.name,
                treatment=d.treatment,
                template=d.resolved.message.template,
                template_version=d.resolved.version,
                provider=result.provider,
                provider_message_id=result.provider_message_id,
                origin=result.origin,
                created_at=req.now,
            )
        )
    return records


def _outcome(d: Decision, result: DeliveryResult | None) -> tuple[str, str | None]:
    if d.skip is not None:
        return MessageStatus.SKIPPED.value, d.skip
    if result is None:
        return MessageStatus.FAILED.value, d.fail
    if result.status is DeliveryStatus.ACCEPTED:
        return MessageStatus.SENT.value, None
    return MessageStatus.FAILED.value, result.reason


def _finish_values(
    key: str, status: str, reason: str | None, result: DeliveryResult | None, address: str | None
) -> dict[str, object]:
    """`address`: what the message was handed to the provider for (its receipts suppress it)."""
    return {
        "k": key,
        "s": status,
        "r": reason,
        "p": result.provider if result else None,
        "pm": result.provider_message_id if result else None,
        "o": result.origin if result else None,
        "a": address,
    }


async def _finish_messages(session: AsyncSession, updates: list[dict[str, object]]) -> None:
    if not updates:
        return
    table = cast(Table, MessageRow.__table__)
    stamp = utcnow()
    connection = await session.connection()
    await connection.execute(
        update(table)
        .where(table.c.idempotency_key == bindparam("k"))
        .values(
            status=bindparam("s"),
            reason=bindparam("r"),
            provider=bindparam("p"),
            provider_message_id=bindparam("pm"),
            origin=bindparam("o"),
            address=bindparam("a"),
            updated_at=stamp,
        ),
        updates,
    )
