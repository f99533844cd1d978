"""Sending to a user: one message to each of their endpoints on the request's channel.

Each endpoint's message is an ordinary send under its own key (`user_endpoint_key`), so the
message log makes every one of them exactly-once, and a retry after a crash part-way through
sends only to the endpoints not yet reached.
"""

from __future__ import annotations

from herald.channels import ChannelRegistry
from herald.delivery import PermanentSendError, deliver
from herald.journeys.participants import Participant
from herald.journeys.waits import participant_zone
from herald.models import Endpoint, SendOutcome, SendRequest, SendResult
from herald.models.send import SendPolicy, user_endpoint_key
from herald.store import Database
from herald.store.endpoints import list_user_endpoints
from herald.store.journey_progress import record_progress


async def deliver_to_user(
    database: Database, channels: ChannelRegistry, req: SendRequest
) -> SendResult:
    # The step's progress is recorded once, for the combined outcome, not with each endpoint's.
    progress, req = req.progress, req.model_copy(update={"progress": None})
    result = await _deliver_each(database, channels, req)
    if progress is not None:
        held = result.outcome is SendOutcome.DEFERRED
        async with database.session() as session:
            await record_progress(session, progress.held() if held else progress)
    return result


async def _deliver_each(
    database: Database, channels: ChannelRegistry, req: SendRequest
) -> SendResult:
    async with database.session() as session:
        endpoints = await list_user_endpoints(session, req.endpoint_id)
    on_channel = [e for e in endpoints if e.channel_type.family == req.channel]
    if not on_channel:
        return SendResult(
            outcome=SendOutcome.SKIPPED,
            idempotency_key=req.idempotency_key,
            reason=f"user {req.endpoint_id!r} has no {req.channel.value} endpoint",
        )
    policy = _in_users_zone(req, endpoints)
    results: list[SendResult] = []
    failures: list[PermanentSendError] = []
    for endpoint in on_channel:
        one = req.model_copy(
            update={
                "endpoint_id": endpoint.id,
                "participant": "endpoint",
                "idempotency_key": user_endpoint_key(req.idempotency_key, endpoint.id),
                "user_send_key": req.idempotency_key,
                "policy": policy,
            }
        )
        try:
            results.append(await deliver(database, channels, one))
        except PermanentSendError as exc:
            failures.append(exc)  # recorded as FAILED for that endpoint; the others still go
    if not results:
        raise failures[0]
    return combine(req.idempotency_key, results, failed=len(failures))


def _in_users_zone(req: SendRequest, endpoints: list[Endpoint]) -> SendPolicy | None:
    """The journey's rules, with the user's timezone (the one their waits use) standing for
    an endpoint that has none: a phone with no timezone must not be texted at 23:00 in the
    city the user's other endpoints say they live in."""
    if req.policy is None or not endpoints:
        return req.policy
    primary = Participant("user", req.endpoint_id, sorted(endpoints, key=lambda e: e.id)).primary
    _, zone = participant_zone(primary, req.policy.default_timezone)
    return req.policy.model_copy(update={"default_timezone": zone})


def combine(key: str, results: list[SendResult], failed: int = 0) -> SendResult:
    """One outcome for the step: DEFERRED while any endpoint must wait (asking again later
    re-sends nothing already sent), else SENT when any endpoint got it."""
    deferred = [
        (r.not_before, r)
        for r in results
        if r.outcome is SendOutcome.DEFERRED and r.not_before is not None
    ]
    if deferred:
        _, first = min(deferred, key=lambda pair: pair[0])
        return first.model_copy(update={"idempotency_key": key})
    sent = [r for r in results if r.outcome is SendOutcome.SENT]
    others = [r.reason for r in results if r.outcome is not SendOutcome.SENT and r.reason]
    notes = [*others, *([f"{failed} endpoint(s) failed"] if failed else [])]
    if sent:
        return SendResult(
            outcome=SendOutcome.SENT,
            idempotency_key=key,
            provider_message_id=sent[0].provider_message_id,
            reason="; ".join(notes) or None,
            duplicate=all(r.duplicate for r in sent),
        )
    return results[0].model_copy(update={"idempotency_key": key})
