"""Saved histories replay against today's workflow code.

A change to JourneyWorkflow that would break participants already waiting (they could be
mid-journey for months) fails here; such changes go behind `workflow.patched`. To add a
history after a deliberate, patched change: `python -m tests.replay.record NAME
[SCENARIO]` (see tests/replay/record.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from tests.replay.record import HISTORIES
from worker.build import SANDBOX
from workflows.registry import WORKFLOWS


@pytest.mark.parametrize("path", sorted(HISTORIES.glob("*.json")), ids=lambda p: p.stem)
async def test_saved_history_replays(path: Path) -> None:
    history = WorkflowHistory.from_json(path.stem, path.read_text())
    replayer = Replayer(
        workflows=WORKFLOWS, workflow_runner=SANDBOX, data_converter=pydantic_data_converter
    )
    await replayer.replay_workflow(history)


def test_there_is_a_history_to_replay() -> None:
    assert list(HISTORIES.glob("*.json")), "no saved histories: the replay test checks nothing"
