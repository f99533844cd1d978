"""Segment files: what is accepted, and bad input named by file, field path and allowed values."""

from __future__ import annotations

from pathlib import Path

import pytest

from herald.apply import apply_definitions
from herald.definitions import DefinitionError, load_files
from herald.models import Segment
from herald.store import Database
from herald.store.segments import get_segment_version, put_segment

GOOD = """
kind: Segment
name: engaged-pros
description: Pro plan, active in France, bought twice this month
rules:
  - {type: attribute, name: Plan, values: [pro]}
  - {type: location, field: country, values: [fr]}
  - type: group
    match: any
    rules:
      - {type: performed, event: purchase, at_least: 2, within: P30D, where: {currency: [EUR]}}
      - {type: metric, name: visits, op: ">=", value: 10}
---
kind: Segment
name: beta
endpoint_ids: [ann, bob]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "segments.yaml"
    path.write_text(text)
    return path


def _problems(path: Path) -> list[str]:
    with pytest.raises(DefinitionError) as caught:
        load_files([path])
    return caught.value.problems


def test_dynamic_and_static_segments_load(tmp_path: Path) -> None:
    dynamic, static = load_files([_write(tmp_path, GOOD)])
    assert isinstance(dynamic, Segment) and isinstance(static, Segment)
    assert (dynamic.type, len(dynamic.rules)) == ("dynamic", 3)
    assert (static.type, static.endpoint_ids) == ("static", ["ann", "bob"])


@pytest.mark.parametrize(
    ("rule", "field", "says"),
    [
        ("{type: atribute, name: Plan}", "rules.0", "'attribute', 'user_attribute'"),
        ("{type: metric, name: v, op: '>', value: lots}", "rules.0.value", "valid number"),
        ("{type: metric, name: v, op: '!=', value: 1}", "rules.0.op", "'=', '<', '<=', '>'"),
        (
            "{type: attribute, name: Signup, op: before, values: [2026-13-01]}",
            "rules.0.values",
            "'2026-13-01' is not a date",
        ),
        ("{type: attribute, name: Plan, op: sometimes, values: [a]}", "rules.0.op", "'include'"),
        ("{type: performed, event: buy, within: soon}", "rules.0.within", "duration"),
        ("{type: group, rules: [{type: segment, name: mine}]}", "rules", "refers to itself"),
        ("{type: near, latitude: 91, longitude: 0, within_km: 5}", "rules.0.latitude", "90"),
    ],
)
def test_bad_rules_name_the_file_and_field(
    tmp_path: Path, rule: str, field: str, says: str
) -> None:
    path = _write(tmp_path, f"kind: Segment\nname: mine\nrules:\n  - {rule}\n")
    [problem] = _problems(path)
    assert problem.startswith(f"{path}: document 1 (Segment 'mine'): {field}: "), problem
    assert says in problem


def test_static_and_dynamic_do_not_mix(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "kind: Segment\nname: x\nendpoint_ids: [a]\nrules: [{type: channel, values: [SMS]}]",
    )
    [problem] = _problems(path)
    assert "rules: a static segment (endpoint_ids / user_ids) has no rules" in problem


async def test_apply_refuses_a_missing_base_or_a_loop_and_applies_nothing(
    database: Database,
) -> None:
    def segment(name: str, refers_to: str) -> Segment:
        return Segment.model_validate(
            {"name": name, "rules": [{"type": "segment", "name": refers_to}]}
        )

    with pytest.raises(DefinitionError) as missing:
        async with database.session() as session:
            await apply_definitions(session, [segment("a", "nowhere")])
    assert missing.value.problems == [
        "Segment 'a': rules.0.name: segment 'nowhere' does not exist; "
        "apply it first or with this one"
    ]
    with pytest.raises(DefinitionError) as loop:
        async with database.session() as session:
            await apply_definitions(session, [segment("a", "b"), segment("b", "a")])
    assert "segments refer to each other in a loop (a -> b -> a)" in loop.value.problems[0]
    async with database.session() as session:
        assert await get_segment_version(session, "a") is None
        applied = await apply_definitions(session, [segment("c", "d"), Segment(name="d")])
    assert {(r.name, r.changed) for r in applied} == {("c", True), ("d", True)}


async def test_versions_change_only_with_content(database: Database) -> None:
    async with database.session() as session:
        assert await put_segment(session, Segment(name="v", endpoint_ids=["a"])) == (1, True)
        assert await put_segment(session, Segment(name="v", endpoint_ids=["a"])) == (1, False)
        assert await put_segment(session, Segment(name="v", endpoint_ids=["b"])) == (2, True)
