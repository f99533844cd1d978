"""The transactional half of `HeraldClient`: send now, look results up by request id.

A request is resolved and kept under its request id in one transaction, then one workflow
(`message:{request_id}`) sends it. The caller waits for the results up to a deadline; a
request still sending then (a provider outage being retried) answers PENDING, and its results
are read later by id. Asking again with the same id never sends again.

A request whose workflow cannot be started (Temporal unreachable) is refused (the API's 503)
and not kept: the caller's retry under the same id is then a new request, sent once.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import Protocol

from temporalio.client import Client, WorkflowHandle
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from herald.models.transactional import (
    MESSAGE_WORKFLOW,
    MessagePlan,
    MessageRequest,
    MessageResponse,
    RequestState,
    message_workflow_id,
)
from herald.settings import Settings
from herald.store import Database
from herald.temporal import TemporalUnavailable, unreachable
from herald.transactional.plan import plan_request
from herald.transactional.store import claim_request, get_request, release_request

DEFAULT_WAIT = 5.0  # seconds a caller waits for the results before a PENDING answer


class _Host(Protocol):
    database: Database
    settings: Settings

    async def temporal(self) -> Client: ...


class TransactionalMethods:
    database: Database
    settings: Settings

    async def send_messages(
        self: _Host, request: MessageRequest, *, wait: float = DEFAULT_WAIT
    ) -> MessageResponse:
        """Send `request` now; one result per recipient, or PENDING after `wait` seconds.

        Raises MessageRequestError (a template that does not exist) before anything is kept."""
        request_id = request.request_id or uuid.uuid4().hex
        async with self.database.session() as session:
            kept = await get_request(session, request_id)
            if kept is not None and kept.state is RequestState.COMPLETE:
                return kept.model_copy(update={"duplicate": True})
            plan = await plan_request(session, request, request_id)
            plan, new = await claim_request(session, plan)
        try:
            handle = await _start(await self.temporal(), plan, self.settings.task_queue)
        except TemporalUnavailable:
            if new:  # a claim made before this call is left to the call that made it
                async with self.database.session() as session:
                    await release_request(session, request_id)
            raise
        return await _results(self, handle, request_id, wait, duplicate=not new)

    async def message_results(
        self: _Host, request_id: str, *, wait: float = 0.0
    ) -> MessageResponse:
        """A request's results (PENDING while it is still sending), waiting up to `wait`."""
        async with self.database.session() as session:
            kept = await get_request(session, request_id)
        if kept is None:
            from herald.client import NotFoundError  # HeraldClient is built on this class

            raise NotFoundError(f"no message request {request_id!r}")
        if kept.state is RequestState.COMPLETE or wait <= 0:
            return kept
        handle = (await self.temporal()).get_workflow_handle(
            message_workflow_id(request_id), result_type=MessageResponse
        )
        return await _results(self, handle, request_id, wait, duplicate=False)


async def _start(
    client: Client, plan: MessagePlan, task_queue: str
) -> WorkflowHandle[object, MessageResponse]:
    workflow_id = message_workflow_id(plan.request_id)
    try:
        return await client.start_workflow(
            MESSAGE_WORKFLOW,
            plan,
            id=workflow_id,
            task_queue=task_queue,
            result_type=MessageResponse,
            # A second request with the id joins the first run; a finished one is not rerun.
            id_conflict_policy=WorkflowIDConflictPolicy.USE_EXISTING,
            id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            # With a worker in this process the first workflow task runs here, saving a trip.
            request_eager_start=True,
            static_summary=f"transactional request {plan.request_id}",
        )
    except WorkflowAlreadyStartedError:
        return client.get_workflow_handle(workflow_id, result_type=MessageResponse)
    except RPCError as exc:
        # Only a server that could not be reached at all: nothing was started, so the
        # claim may go. Any other error may follow a start; the kept plan is then what a
        # retry under the same id joins.
        if not unreachable(exc):
            raise
        raise TemporalUnavailable(f"Temporal is not reachable: {exc}") from exc


async def _results(
    host: _Host,
    handle: WorkflowHandle[object, MessageResponse],
    request_id: str,
    wait: float,
    *,
    duplicate: bool,
) -> MessageResponse:
    try:
        done = await asyncio.wait_for(handle.result(), timeout=wait)
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        raise _never_started(request_id) from None
    except TimeoutError:
        async with host.database.session() as session:
            kept = await get_request(session, request_id)
        assert kept is not None
        return kept.model_copy(update={"duplicate": duplicate})
    async with host.database.session() as session:
        kept = await get_request(session, request_id)
    accepted_at = kept.accepted_at if kept else None
    return done.model_copy(update={"duplicate": duplicate, "accepted_at": accepted_at})


def _never_started(request_id: str) -> LookupError:
    """A kept request no workflow sends: the process stopped between keeping it and starting
    its workflow. Reading it does not send it (a GET is no send, and the caller may have
    given up on it); a POST under the same id starts the kept plan, once."""
    from herald.client import NotFoundError  # HeraldClient is built on this module

    return NotFoundError(
        f"message request {request_id!r} was kept but never started, so nothing was sent: "
        "send it again with the same request_id"
    )
