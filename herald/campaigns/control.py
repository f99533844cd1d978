"""Pause, resume and cancel a campaign: its running runs get the update (whose validator may
refuse, with the reason), its Schedule is paused, unpaused or deleted, and its state kept."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.service import RPCError

from herald.campaigns.errors import CampaignError, CampaignNotFound
from herald.campaigns.status import campaign_status
from herald.models.campaign import RECURRING
from herald.models.campaign_run import (
    CANCEL_UPDATE,
    FINISHED,
    PAUSE_UPDATE,
    RESUME_UPDATE,
    CampaignState,
    ControlRequest,
    RunProgress,
    campaign_schedule_id,
    campaign_workflow_id,
    once_run,
)
from herald.store import Database
from herald.store import campaigns as store

ACTIONS = {
    "pause": (PAUSE_UPDATE, CampaignState.PAUSED),
    "resume": (RESUME_UPDATE, CampaignState.SCHEDULED),
    "cancel": (CANCEL_UPDATE, CampaignState.CANCELLED),
}


async def control(
    connect: Callable[[], Awaitable[Client]],
    database: Database,
    name: str,
    action: str,
    now: datetime,
) -> list[str]:
    """Apply `action` (pause | resume | cancel); returns what was done, one line each. The
    request is checked against the campaign's state before Temporal is reached."""
    if action not in ACTIONS:
        raise CampaignError(f"unknown action {action!r}; allowed: {', '.join(ACTIONS)}")
    update, new_state = ACTIONS[action]
    status = await campaign_status(database, name, now, runs=1)
    if status is None:
        raise CampaignNotFound(f"campaign {name!r} does not exist; `herald apply` it first")
    _check(name, action, status.state)
    async with database.session() as session:
        runs = [r.workflow_id for r in await store.list_runs(session, name) if _active(r.state)]
    frequency = status.frequency
    if frequency == "ONCE":  # its run may still wait for its start
        runs.append(campaign_workflow_id(name, once_run(status.generation)))
    done = []
    if runs or frequency in RECURRING:
        temporal = await connect()
        done = [await _update_run(temporal, w, update) for w in dict.fromkeys(runs)]
        if frequency in RECURRING:
            done.append(await _schedule(temporal, name, action))
    async with database.session() as session:
        await store.set_campaign_state(session, name, new_state)
    return [line for line in done if line]


def _check(name: str, action: str, state: CampaignState) -> None:
    if state in FINISHED:
        raise CampaignError(f"cannot {action} campaign {name!r}: it is {state.value.lower()}")
    if action == "pause" and state is CampaignState.PAUSED:
        raise CampaignError(f"campaign {name!r} is already paused")
    if action == "resume" and state is not CampaignState.PAUSED:
        raise CampaignError(f"cannot resume campaign {name!r}: it is not paused")


def _active(state: str) -> bool:
    return state in (CampaignState.EXECUTING.value, CampaignState.PAUSED.value)


async def _update_run(temporal: Client, workflow_id: str, update: str) -> str:
    handle = temporal.get_workflow_handle(workflow_id)
    try:
        progress = await handle.execute_update(update, ControlRequest(), result_type=RunProgress)
    except WorkflowUpdateFailedError as exc:
        return f"{workflow_id}: {update} refused: {exc.cause or exc}"
    except RPCError:
        return ""  # finished or never started: nothing to tell it
    return f"{workflow_id}: {progress.state.value.lower()}"


async def _schedule(temporal: Client, name: str, action: str) -> str:
    handle = temporal.get_schedule_handle(campaign_schedule_id(name))
    try:
        if action == "pause":
            await handle.pause(note="paused with herald campaigns pause")
        elif action == "resume":
            await handle.unpause(note="resumed with herald campaigns resume")
        else:
            await handle.delete()
    except RPCError as exc:
        return f"{handle.id}: {exc.message}"
    return f"{handle.id}: {_DONE[action]}"


_DONE = {"pause": "paused", "resume": "resumed", "cancel": "deleted"}
