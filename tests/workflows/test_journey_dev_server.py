"""The slice on the real dev server: what a user sees in the Temporal UI."""

from __future__ import annotations

from temporalio.client import Client

from herald.client import HeraldClient
from herald.settings import Settings
from herald.store import Database
from tests.helpers import definitions, eventually
from worker import build_worker


async def test_journey_is_searchable_and_described_in_the_ui(
    dev_client: Client, database: Database, task_queue: str
) -> None:
    herald = HeraldClient(
        Settings(database_url=database.url, task_queue=task_queue), database, dev_client
    )
    journey = f"ui-{task_queue[-8:]}"
    await herald.apply(definitions(wait="PT1S", journey=journey))
    async with build_worker(dev_client, task_queue=task_queue, database=database):
        entered = await herald.enter(journey, "ann")
        handle = dev_client.get_workflow_handle(entered.workflow_id)
        await handle.result()

    assert entered.workflow_id == f"journey:{journey}:ann"
    query = f'HeraldJourney = "{journey}" AND HeraldParticipant = "ann"'

    async def listed() -> list[str]:
        return [w.id async for w in dev_client.list_workflows(query)]

    await eventually(listed, lambda ids: ids == [entered.workflow_id], what="visibility")
    description = await handle.describe()
    assert await description.static_summary() == f"journey {journey} v1 for ann"
    step = description.typed_search_attributes
    assert [p.value for p in step if p.key.name == "HeraldStep"] == ["bye"]
    sent = await herald.outbox(journey=journey)
    assert [m.step_id for m in sent] == ["first", "second"]
