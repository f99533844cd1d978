"""Template render: Herald's sandboxed, cached, Pinpoint-context render vs plain Jinja2."""

from __future__ import annotations

import jinja2

from bench.timing import Result, best_of
from herald.models import Endpoint, EndpointUser, SmsTemplate
from herald.templates import build_context, render_template

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

    def herald() -> None:
        for _ in range(n):
            render_template(
                template, build_context(endpoint, defaults=template.default_substitutions)
            )

    def baseline() -> None:
        for _ in range(n):
            plain.render({**plain_ctx, "d": "soon"})

    return Result(
        "template render (SMS)",
        "plain compiled Jinja2",
        n,
        best_of(repeats, herald),
        best_of(repeats, baseline),
    )
