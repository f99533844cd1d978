"""Template versions in the store: immutable, one active, rolled back by activating an older one."""

from __future__ import annotations

from herald.models import EmailTemplate, SmsTemplate
from herald.store import Database
from herald.store.templates import (
    activate_template,
    get_template,
    list_templates,
    list_versions,
    put_template,
)


def _hello(subject: str) -> EmailTemplate:
    return EmailTemplate(name="hello", channel="EMAIL", subject=subject, text="Hi {{ Address }}")


async def test_each_change_is_a_new_version_and_old_ones_stay_as_they_were(
    database: Database,
) -> None:
    async with database.session() as session:
        assert await put_template(session, _hello("v1")) == (1, True)
        assert await put_template(session, _hello("v2")) == (2, True)
        assert await put_template(session, _hello("v2")) == (2, False)
    async with database.session() as session:
        versions = await list_versions(session, "hello")
    assert versions is not None
    assert [(v.version, v.active) for v in versions] == [(1, False), (2, True)]
    assert [v.template for v in versions] == [_hello("v1"), _hello("v2")]


async def test_activating_an_older_version_rolls_sends_back_to_it(database: Database) -> None:
    async with database.session() as session:
        await put_template(session, _hello("first"))
        await put_template(session, _hello("broken"))
    async with database.session() as session:
        assert await activate_template(session, "hello", 1) == 2
    async with database.session() as session:
        active = await get_template(session, "hello")
        pinned = await get_template(session, "hello", 2)
    assert active is not None and active.version == 1 and active.active
    assert isinstance(active.template, EmailTemplate) and active.template.subject == "first"
    assert pinned is not None and not pinned.active


async def test_applying_after_a_roll_back_makes_the_applied_definition_active(
    database: Database,
) -> None:
    async with database.session() as session:
        await put_template(session, _hello("first"))
        await put_template(session, _hello("second"))
        await activate_template(session, "hello", 1)
        assert await put_template(session, _hello("first")) == (1, False)
        assert await put_template(session, _hello("second")) == (3, True)


async def test_activating_what_does_not_exist_changes_nothing(database: Database) -> None:
    async with database.session() as session:
        await put_template(session, _hello("only"))
        assert await activate_template(session, "hello", 2) is None
        assert await activate_template(session, "nope", 1) is None
    async with database.session() as session:
        active = await get_template(session, "hello")
        assert await list_versions(session, "nope") is None
    assert active is not None and active.version == 1


async def test_the_list_shows_active_and_latest_versions(database: Database) -> None:
    sms = SmsTemplate(name="alert", channel="SMS", body="x", description="Alerts")
    async with database.session() as session:
        await put_template(session, _hello("a"))
        await put_template(session, _hello("b"))
        await put_template(session, sms)
        await activate_template(session, "hello", 1)
    async with database.session() as session:
        summaries = await list_templates(session)
    rows = [
        (s.name, s.channel, s.active_version, s.latest_version, s.description) for s in summaries
    ]
    assert rows == [("alert", "SMS", 1, 1, "Alerts"), ("hello", "EMAIL", 1, 2, "")]
