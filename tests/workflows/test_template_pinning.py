"""A send step pinned to a template version keeps sending that version's content after the
template gets a new one; an unpinned step sends the new active version."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.workflows.engine import Engine, endpoint, journey


def newsletter(text: str) -> dict[str, Any]:
    return {"kind": "Template", "name": "news", "channel": "EMAIL", "subject": "News", "text": text}


async def test_pinned_version_sends_v1_after_v2_is_applied(engine: Engine) -> None:
    steps = {
        "later": {"type": "wait", "duration": "P1D", "next": "pinned"},
        "pinned": {"type": "send", "template": "news", "template_version": 1, "next": "live"},
        "live": {"type": "send", "template": "news"},
    }
    await engine.apply(
        endpoint("reader"), newsletter("first issue"), journey("pin", "later", steps)
    )
    await engine.herald.enter("pin", "reader")
    await engine.waiting("pin", "reader", on="later")
    await engine.apply(newsletter("second issue"))
    assert [v.version for v in await engine.herald.template_versions("news")] == [1, 2]

    await engine.skip(timedelta(days=1, minutes=1))
    result = await engine.finish("pin", "reader")
    assert [v.outcome for v in result.visits[1:]] == ["sent", "sent"]
    sent = {m.step_id: m.content.text for m in await engine.outbox("pin")}
    assert sent == {"pinned": "first issue", "live": "second issue"}
    logged = {m.step_id: m.template_version for m in await engine.herald.messages(journey="pin")}
    assert logged == {"pinned": 1, "live": 2}
