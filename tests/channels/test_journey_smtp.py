"""End to end: a journey on the time-skipping server sends each step exactly once through a
real provider, SMTP to an aiosmtpd server, with the provider's id in the message log."""

from __future__ import annotations

from datetime import timedelta

from temporalio.testing import WorkflowEnvironment

from herald.channels import ChannelRegistry
from herald.channels.config import ChannelSettings
from herald.client import HeraldClient
from herald.models import MessageStatus
from herald.settings import Settings
from herald.store import Database
from tests.channels.fakes.smtp import SmtpHandler, smtp_settings
from tests.channels.keys import Tls
from tests.helpers import definitions, until_waiting
from worker import build_worker


async def test_each_step_of_a_journey_is_one_email(
    time_skipping_env: WorkflowEnvironment,
    sqlite_database: Database,
    task_queue: str,
    smtp_server: tuple[SmtpHandler, int],
    tls: Tls,
) -> None:
    handler, port = smtp_server
    env = time_skipping_env
    herald = HeraldClient(
        Settings(database_url=sqlite_database.url, task_queue=task_queue),
        sqlite_database,
        env.client,
    )
    channels = ChannelRegistry.from_settings(
        ChannelSettings(email=smtp_settings(port, tls)), sqlite_database
    )
    await herald.apply(definitions(wait="P3D", journey="by-smtp"))
    async with build_worker(
        env.client, task_queue=task_queue, database=sqlite_database, channels=channels
    ):
        entered = await herald.enter("by-smtp", "ann")
        await until_waiting(herald, "by-smtp", "ann")
        assert [r.message["Subject"] for r in handler.received] == ["Hello Ann"]
        await env.sleep(timedelta(days=3, minutes=1))
        await env.client.get_workflow_handle(entered.workflow_id).result()
    await channels.aclose()

    assert [(r.rcpt_tos, r.message.get_content().strip()) for r in handler.received] == [
        (["ann@example.com"], "Plan: pro. Welcome!"),
        (["ann@example.com"], "Plan: pro. Still here?"),
    ]
    logged = await herald.messages(journey="by-smtp")
    assert [(m.status, m.provider) for m in logged] == [(MessageStatus.SENT, "smtp")] * 2
    assert [f"<{m.provider_message_id}>" for m in logged] == [
        r.message["Message-ID"] for r in handler.received
    ]
    assert await herald.outbox(journey="by-smtp") == []
