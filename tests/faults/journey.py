"""The journey every fault test runs, and what "each message exactly once" means for it.

send -> short wait -> send, entered from a segment (so admission runs in the worker too).
A message is one (participant, send step) pair: a duplicate would be a second row for the
pair under any key, in the message log or in the outbox.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select

from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, MessageStatus
from herald.models.journey_run import journey_run_workflow_id
from herald.store.tables import MessageRow
from tests.helpers import eventually
from tests.workflows.engine import endpoint, journey, template

SEND_STEPS = ("first", "second")
PAGE_SIZE = 50


def _custom_endpoint(endpoint_id: str) -> dict[str, Any]:
    return endpoint(endpoint_id, ChannelType="CUSTOM", Address=f"crm:{endpoint_id}")


def _custom_template(name: str) -> dict[str, Any]:
    return {"kind": "Template", "name": name, "channel": "CUSTOM", "data": {"for": "{{ Id }}"}}


@dataclass
class FaultJourney:
    """A journey of `size` participants on `channel` (EMAIL goes to the outbox)."""

    herald: HeraldClient
    name: str
    size: int
    channel: str = "EMAIL"
    wait: str = "PT2S"

    @property
    def participants(self) -> list[str]:
        return [f"{self.name}-{i:04}" for i in range(self.size)]

    @property
    def messages(self) -> int:
        return self.size * len(SEND_STEPS)

    async def start(self) -> None:
        """Apply endpoints, template, segment and journey: the segment walk starts at once."""
        custom = self.channel == "CUSTOM"
        people = [(_custom_endpoint if custom else endpoint)(p) for p in self.participants]
        note = _custom_template("note") if custom else template("note")
        segment = {"kind": "Segment", "name": self.name, "endpoint_ids": self.participants}
        send = {"type": "send", "channel": self.channel, "template": "note"}
        steps = {
            "first": {**send, "next": "pause"},
            "pause": {"type": "wait", "duration": self.wait, "next": "second"},
            "second": {**send, "next": "bye"},
            "bye": {"type": "exit"},
        }
        entry = {"segment": {"segment": self.name, "page_size": PAGE_SIZE}}
        docs = [*people, note, segment, journey(self.name, "first", steps, entry=entry)]
        await self.herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])

    async def sent(self) -> int:
        """Messages the log records as SENT (one query: cheap enough to poll)."""
        query = select(func.count()).where(
            MessageRow.journey == self.name, MessageRow.status == MessageStatus.SENT.value
        )
        async with self.herald.database.session() as session:
            return int((await session.execute(query)).scalar_one())

    async def until_sent(self, at_least: int, deadline_s: float) -> int:
        return await eventually(
            self.sent, lambda n: n >= at_least, deadline_s=deadline_s, what=f"{at_least} sent"
        )

    async def assert_everyone_finished(self, deadline_s: float) -> None:
        await self.until_sent(self.messages, deadline_s)
        temporal = await self.herald.temporal()
        run = temporal.get_workflow_handle(journey_run_workflow_id(self.name))
        # Its count is of pages' new entries; a page retried after a crash finds some of its
        # members already in, so the entries are what says everyone was admitted once.
        await run.result()
        status = await eventually(
            lambda: self.herald.journey_status(self.name),
            lambda s: s.finished == self.size,
            deadline_s=deadline_s,
            what="every participant to finish",
        )
        assert status.entered == self.size
        assert status.by_status == {"COMPLETED": self.size}, status
        assert status.outcomes == {"completed at bye": self.size}, status

    async def assert_each_message_once(self, *, outbox: bool) -> list[str]:
        """Every (participant, step) sent exactly once; returns the messages' keys."""
        log = await self.herald.messages(journey=self.name)
        self._assert_pairs("message log", ((m.endpoint_id, m.step_id) for m in log))
        assert {m.status for m in log} == {MessageStatus.SENT}
        keys = [m.idempotency_key for m in log]
        if outbox:
            kept = await self.herald.outbox(journey=self.name, limit=2 * self.messages)
            self._assert_pairs("outbox", ((m.endpoint_id, m.step_id) for m in kept))
            assert sorted(m.idempotency_key for m in kept) == sorted(keys)
            recorded = {m.idempotency_key: m.provider_message_id for m in log}
            assert all(recorded[m.idempotency_key] == f"outbox-{m.id}" for m in kept)
        return keys

    def _assert_pairs(self, where: str, pairs: Iterable[tuple[str, str | None]]) -> None:
        counts = Counter(pairs)
        doubled = sorted(p for p, n in counts.items() if n > 1)
        assert not doubled, f"{where}: {len(doubled)} messages sent twice, e.g. {doubled[:5]}"
        expected = {(p, s) for p in self.participants for s in SEND_STEPS}
        missing = sorted(expected - set(counts))
        assert not missing, f"{where}: {len(missing)} messages missing, e.g. {missing[:5]}"
        assert set(counts) == expected
