"""Resolving a request's recipients when it is accepted: the workflow's input.

Addresses become unsaved endpoints (normalised, or refused as invalid); endpoint ids are
looked up; a user becomes each of their endpoints on a channel the request has content for.
A recipient that cannot be resolved is settled at once as FAILED with the reason, and the
rest are still sent. Templates are checked here, so a wrong name is a 422 naming the field.
"""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from herald.models import Endpoint, MessageChannel
from herald.models.transactional import (
    AddressTarget,
    Delivery,
    MessagePlan,
    MessageRequest,
    RecipientResult,
    RecipientStatus,
    Target,
)
from herald.store.endpoints import get_endpoints, list_user_endpoints
from herald.store.templates import get_template


class MessageRequestError(ValueError):
    """The request names something that does not exist; the message names the field."""


async def plan_request(
    session: AsyncSession, request: MessageRequest, request_id: str
) -> MessagePlan:
    await _check_templates(session, request)
    plan = MessagePlan(request_id=request_id)
    for address, target in request.addresses.items():
        _plan_address(plan, request, address, target)
    found = {e.id: e for e in await get_endpoints(session, list(request.endpoints))}
    for endpoint_id, wanted in request.endpoints.items():
        endpoint = found.get(endpoint_id)
        if endpoint is None:
            plan.settled.append(_failed(endpoint_id, "endpoint", "endpoint does not exist"))
        elif endpoint.channel_type.family not in request.channels:
            reason = _no_content(request, endpoint.channel_type.family)
            plan.settled.append(_failed(endpoint_id, "endpoint", reason, endpoint))
        else:
            plan.deliveries.append(_delivery(request, endpoint_id, "endpoint", endpoint, wanted))
    for user_id, wanted in request.users.items():
        await _plan_user(session, plan, request, user_id, wanted)
    return plan


async def _check_templates(session: AsyncSession, request: MessageRequest) -> None:
    for channel, ref in request.templates.items():
        stored = await get_template(session, ref.name, ref.version)
        pinned = f" version {ref.version}" if ref.version else ""
        if stored is None:
            raise MessageRequestError(
                f"templates.{channel.value}: template {ref.name!r}{pinned} does not exist"
            )
        if stored.template.channel != channel.value:
            raise MessageRequestError(
                f"templates.{channel.value}: template {ref.name!r} is a "
                f"{stored.template.channel} template"
            )


def _plan_address(
    plan: MessagePlan, request: MessageRequest, address: str, target: AddressTarget
) -> None:
    try:
        endpoint = Endpoint(id=address[:200], channel_type=target.channel, address=address)
    except ValidationError as exc:
        reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in exc.errors())
        plan.settled.append(_failed(address, "address", f"invalid address: {reason}"))
        return
    # The message log names a raw address by the address itself.
    endpoint = endpoint.model_copy(update={"id": endpoint.address[:200]})
    plan.deliveries.append(_delivery(request, address, "address", endpoint, target, transient=True))


async def _plan_user(
    session: AsyncSession,
    plan: MessagePlan,
    request: MessageRequest,
    user_id: str,
    target: Target,
) -> None:
    endpoints = await list_user_endpoints(session, user_id)
    if not endpoints:
        plan.settled.append(_failed(user_id, "user", "user does not exist or has no endpoints"))
        return
    usable = [e for e in endpoints if e.channel_type.family in request.channels]
    if not usable:
        has = ", ".join(sorted({e.channel_type.family.value for e in endpoints}))
        wanted = ", ".join(sorted(request.channels))
        reason = f"user has no endpoint on {wanted} (has: {has})"
        plan.settled.append(_failed(user_id, "user", reason))
    for endpoint in usable:
        plan.deliveries.append(_delivery(request, user_id, "user", endpoint, target))


def _delivery(
    request: MessageRequest,
    recipient: str,
    kind: str,
    endpoint: Endpoint,
    target: Target,
    *,
    transient: bool = False,
) -> Delivery:
    channel = endpoint.channel_type.family
    ref = request.templates.get(channel)
    content = request.content.get(channel)
    return Delivery.model_validate(
        {
            "recipient": recipient,
            "kind": kind,
            "channel": channel,
            "endpoint_id": endpoint.id,
            "endpoint": endpoint if transient else None,
            "template": ref.name if ref else f"inline-{channel.value.lower()}",
            "template_version": ref.version if ref else None,
            "content": content,
            "substitutions": {**request.substitutions, **target.substitutions},
        }
    )


def _no_content(request: MessageRequest, channel: MessageChannel) -> str:
    has = ", ".join(sorted(request.channels))
    return (
        f"no content for {channel.value}: give templates.{channel.value} or "
        f"content.{channel.value} (the request has: {has})"
    )


def _failed(
    recipient: str, kind: str, reason: str, endpoint: Endpoint | None = None
) -> RecipientResult:
    return RecipientResult.model_validate(
        {
            "recipient": recipient,
            "kind": kind,
            "channel": endpoint.channel_type.family if endpoint else None,
            "endpoint_id": endpoint.id if endpoint else None,
            "status": RecipientStatus.FAILED,
            "reason": reason,
        }
    )
