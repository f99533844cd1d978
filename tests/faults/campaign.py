"""The campaign fault tests run, and what "each endpoint exactly once" means for it.

A campaign to `size` email endpoints (the outbox is the provider), sent once, at once, in
small batches so a kill has many batches to land in. A message is one endpoint of the run:
a duplicate would be a second row for it in the message log or in the outbox.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select

from herald.campaigns.status import RunStatus
from herald.client import HeraldClient
from herald.models import DEFINITION_ADAPTER, MessageStatus
from herald.store.tables import MessageRow, OutboxRow
from tests.campaigns.harness import SEGMENT, TEMPLATE, add_endpoints, campaign
from tests.helpers import eventually

BATCH_SIZE = 200


@dataclass
class FaultCampaign:
    herald: HeraldClient
    name: str
    size: int

    async def start(self) -> None:
        """Endpoints, segment, template, then the campaign: applying it starts the run."""
        await add_endpoints(self.herald.database, self.size)
        docs = [SEGMENT, TEMPLATE, campaign(self.name, batch_size=BATCH_SIZE)]
        await self.herald.apply([DEFINITION_ADAPTER.validate_python(d) for d in docs])

    async def _count(self, *statuses: MessageStatus) -> int:
        query = select(func.count()).where(
            MessageRow.campaign == self.name, MessageRow.status.in_([s.value for s in statuses])
        )
        async with self.herald.database.session() as session:
            return int((await session.execute(query)).scalar_one())

    async def claimed(self) -> int:
        """Messages a batch has claimed so far, finished or not (one query: cheap to poll)."""
        return await self._count(*MessageStatus)

    async def in_flight(self) -> int:
        """Messages claimed and not yet recorded: a batch in the provider's hands."""
        return await self._count(MessageStatus.PENDING)

    async def until_claimed(self, at_least: int, deadline_s: float) -> int:
        """A batch claims its messages before it hands them over: waiting for the claims
        lets a kill land while that batch is in flight."""
        return await eventually(
            self.claimed,
            lambda n: n >= at_least,
            deadline_s=deadline_s,
            what=f"{at_least} claimed",
            interval_s=0.002,  # a batch to the outbox is in flight for tens of milliseconds
        )

    async def until_completed(self, deadline_s: float) -> RunStatus:
        status = await eventually(
            lambda: self.herald.campaign_status(self.name),
            lambda s: bool(s.runs) and s.runs[0].state.value == "COMPLETED",
            deadline_s=deadline_s,
            what="the campaign run to complete",
        )
        return status.runs[0]

    async def assert_each_endpoint_once(self) -> None:
        """Every endpoint has one SENT message in the log and one message in the outbox,
        under the same idempotency key."""
        async with self.herald.database.session() as session:
            logged = (
                await session.execute(
                    select(
                        MessageRow.endpoint_id, MessageRow.idempotency_key, MessageRow.status
                    ).where(MessageRow.campaign == self.name)
                )
            ).all()
            kept = (
                await session.execute(
                    select(OutboxRow.endpoint_id, OutboxRow.idempotency_key).where(
                        OutboxRow.idempotency_key.startswith(f"campaign:{self.name}:")
                    )
                )
            ).all()
        expected = {f"e{i:06d}" for i in range(self.size)}
        for where, endpoints in (
            ("message log", [e for e, _, _ in logged]),
            ("outbox", [e for e, _ in kept]),
        ):
            counts = Counter(endpoints)
            doubled = sorted(e for e, n in counts.items() if n > 1)
            assert not doubled, f"{where}: {len(doubled)} sent twice, e.g. {doubled[:5]}"
            missing = sorted(expected - set(counts))
            assert not missing, f"{where}: {len(missing)} missing, e.g. {missing[:5]}"
        assert {s for _, _, s in logged} == {MessageStatus.SENT.value}
        assert sorted(k for _, k, _ in logged) == sorted(k for _, k in kept)
