"""One apply lists every problem: those of a document's own fields, and what the store's
checks find in the rest of the batch (unknown templates and segments), even in the steps of
a journey whose other fields were refused. Nothing of a refused batch is applied."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import yaml

from herald.client import HeraldClient
from herald.definitions import DefinitionError
from herald.settings import Settings
from herald.store import Database
from herald.store.journeys import get_journey
from herald.store.templates import get_template

BROKEN = """\
kind: Journey
name: broken
start: hello
steps:
  hello: {type: send, template: missing-hello, next: nap}
  nap: {type: wait, duration: three days, next: check}
  check:
    type: split
    conditions: [{kind: segment, segment: ghosts}]
    "yes": bye
  bye: {type: send, template: known}
"""

VALID_BUT_UNKNOWN = """\
kind: Journey
name: fine
start: hi
steps:
  hi: {type: send, template: missing-hi}
"""

ENDPOINT = """\
kind: Endpoint
Id: ann
ChannelType: EMAIL
Address: ann@example.com
"""

TEMPLATE = """\
kind: Template
name: known
channel: EMAIL
subject: Hi
text: Hello
"""


async def test_unknown_templates_and_segments_are_listed_with_field_problems(
    tmp_path: Path, sqlite_database: Database
) -> None:
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = tmp_path / "batch.yaml"
    path.write_text("---\n".join([ENDPOINT, TEMPLATE, BROKEN, VALID_BUT_UNKNOWN]))

    with pytest.raises(DefinitionError) as refused:
        await herald.apply_files([path])

    where = f"{path}: document 3 (Journey 'broken')"
    problems = refused.value.problems
    assert problems[0].startswith(f"{where}: steps.nap.duration: ")
    assert problems[1:] == [
        f"{path}: document 4 (Journey 'fine'): steps.hi.template: 'missing-hi' does not "
        "exist; apply the template first or with it",
        f"{where}: steps.hello.template: 'missing-hello' does not exist; "
        "apply the template first or with it",
        f"{where}: steps.check.conditions.0.segment: segment 'ghosts' does not "
        "exist; apply it first or with it",
    ], "the template `known`, applied in the same batch, is found; each names its file"
    assert await herald.get_endpoint("ann") is None, "nothing of a refused batch is applied"
    async with sqlite_database.session() as session:
        assert await get_template(session, "known", None) is None
        assert await get_journey(session, "fine") is None


async def test_a_batch_whose_only_problems_are_in_fields_lists_only_those(
    tmp_path: Path, sqlite_database: Database
) -> None:
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    path = tmp_path / "batch.yaml"
    journey = BROKEN.replace("missing-hello", "known").replace("segment: ghosts", "segment: vip")
    vip = "kind: Segment\nname: vip\nendpoint_ids: [ann]\n"
    path.write_text("---\n".join([ENDPOINT, TEMPLATE, vip, journey]))

    with pytest.raises(DefinitionError) as refused:
        await herald.apply_files([path])

    [problem] = refused.value.problems
    assert "steps.nap.duration" in problem


def test_the_http_api_lists_them_too(api: httpx.Client) -> None:
    documents = [yaml.safe_load(d) for d in (ENDPOINT, BROKEN)]
    refused = api.post("/v1/definitions", json=documents)
    assert refused.status_code == 422
    detail = refused.json()["detail"]
    assert any("steps.nap.duration" in p for p in detail)
    assert (
        "request body: document 2 (Journey 'broken'): steps.hello.template: 'missing-hello' "
        "does not exist; apply the template first or with it" in detail
    )
    assert any("segment 'ghosts' does not exist" in p for p in detail)
    assert api.get("/v1/endpoints/ann").status_code == 404


async def test_with_the_store_out_of_reach_the_field_problems_still_show(tmp_path: Path) -> None:
    unreachable = Database("postgresql://postgres@127.0.0.1:9/absent")  # nothing listens
    herald = HeraldClient(Settings(database_url=unreachable.url), unreachable)
    path = tmp_path / "batch.yaml"
    path.write_text("---\n".join([TEMPLATE, BROKEN]))
    try:
        with pytest.raises(DefinitionError) as refused:
            await herald.apply_files([path])
    finally:
        await unreachable.dispose()

    [problem] = refused.value.problems
    assert "steps.nap.duration" in problem


async def test_problems_found_in_the_store_name_the_file_and_document(
    tmp_path: Path, sqlite_database: Database
) -> None:
    """With every field right, the store's checks are the only problems: each still says
    which file and document to open, for `herald apply` and `herald journeys publish` alike."""
    herald = HeraldClient(Settings(database_url=sqlite_database.url), sqlite_database)
    first, second = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first.write_text(TEMPLATE)
    unknown_base = "kind: Segment\nname: fans\nrules: [{type: segment, name: nobody}]\n"
    second.write_text("---\n".join([ENDPOINT, VALID_BUT_UNKNOWN, unknown_base]))

    for submit in (herald.apply_files, herald.publish_files):
        with pytest.raises(DefinitionError) as refused:
            await submit([first, second])

        assert refused.value.problems == [
            f"{second}: document 3 (Segment 'fans'): rules.0.name: segment 'nobody' does "
            "not exist; apply it first or with this one",
            f"{second}: document 2 (Journey 'fine'): steps.hi.template: 'missing-hi' does not "
            "exist; apply the template first or with it",
        ], submit.__name__
    assert await herald.get_endpoint("ann") is None, "nothing of a refused batch is applied"
