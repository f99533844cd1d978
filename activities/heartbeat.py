"""Heartbeating while a long activity's work runs, so a dead worker is noticed in seconds.

Without a heartbeat the server learns that the worker running an activity died only when
the start-to-close timeout ends, minutes later; with one it retries on another worker once a
heartbeat is missed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import timedelta
from typing import TypeVar

from temporalio import activity

T = TypeVar("T")


async def heartbeating(work: Awaitable[T], every: timedelta) -> T:
    """Await `work`, heartbeating every `every` until it is done (cancelled with it)."""
    task = asyncio.ensure_future(work)
    try:
        while True:
            done, _ = await asyncio.wait({task}, timeout=every.total_seconds())
            if done:
                return task.result()
            activity.heartbeat()
    finally:
        task.cancel()
