"""Template render: Herald's whole render path vs the same template in plain Jinja2.

Herald's side is what a send does for each message: the context from the stored Endpoint
model, defaults applied, the sandboxed render, the RenderedMessage built. The baseline is the
same source compiled once in a plain `jinja2.Environment`, given the same values as
ready-made dicts: the least any Jinja2-based sender could do.
"""

from __future__ import annotations

import jinja2

from bench.timing import Result, best_of
from herald.models import Endpoint, EndpointUser, SmsTemplate
from herald.templates import render_message

SOURCE = "Hi {{ User.UserAttributes.FirstName }}, your {{ Attributes.Plan }} plan renews {{ d }}."


def run(n: int, repeats: int) -> Result:
    template = SmsTemplate(
        name="b", channel="SMS", body=SOURCE, default_substitutions={"d": "soon"}
    )
    endpoint = Endpoint(
        id="e",
        channel_type="SMS",
        address="+15555550100",
        user=EndpointUser(user_id="u", user_attributes={"FirstName": ["Ann"]}),
        attributes={"Plan": ["pro"]},
    )
    plain = jinja2.Environment().from_string(SOURCE)
    plain_ctx = {"User": {"UserAttributes": {"FirstName": "Ann"}}, "Attributes": {"Plan": "pro"}}
    expected = "Hi Ann, your pro plan renews soon."
    assert render_message(template, endpoint).body == expected == plain.render(plain_ctx, d="soon")

    def herald() -> None:
        for _ in range(n):
            render_message(template, endpoint)

    def baseline() -> None:
        for _ in range(n):
            plain.render({**plain_ctx, "d": "soon"})

    # Alternated, so a neighbour's load that comes and goes weighs on both sides alike.
    herald_s = baseline_s = float("inf")
    for _ in range(repeats):
        herald_s = min(herald_s, best_of(1, herald))
        baseline_s = min(baseline_s, best_of(1, baseline))
    return Result("template render (SMS)", "plain compiled Jinja2", n, herald_s, baseline_s)
