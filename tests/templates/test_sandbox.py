"""Bad input: templates that reach for Python internals are refused, clearly, at apply and send."""

from __future__ import annotations

import pytest
from jinja2.exceptions import SecurityError

from herald.models import Endpoint, SmsTemplate
from herald.templates import TemplateRenderError, render_message, template_problems

ANN = Endpoint.model_validate(
    {"Id": "ann", "ChannelType": "SMS", "Address": "+14155550100", "Attributes": {"Plan": ["pro"]}}
)

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ cycler.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ ''|attr('__class__') }}",
    "{{ ''['__class__'] }}",
    "{{ '{0.__class__}'.format('') }}",
    "{{ self._TemplateReference__context }}",
    "{{ namespace.__init__.__globals__ }}",
]


@pytest.mark.parametrize("source", ESCAPES)
def test_rendering_an_escape_fails_and_says_why(source: str) -> None:
    sms = SmsTemplate(name="evil", channel="SMS", body=source)
    with pytest.raises(TemplateRenderError) as raised:
        render_message(sms, ANN)
    assert "'evil' (body)" in str(raised.value)
    assert "unsafe" in str(raised.value)
    assert "cannot reach Python internals" in str(raised.value)
    assert isinstance(raised.value.__cause__, SecurityError)


@pytest.mark.parametrize("source", [s for s in ESCAPES if "format" not in s])
def test_applying_an_escape_is_refused_naming_the_attribute(source: str) -> None:
    [problem] = template_problems(SmsTemplate(name="evil", channel="SMS", body=source))[:1]
    assert problem.startswith("body: line 1 column ")
    assert "is refused: templates cannot reach Python internals" in problem


def test_a_template_cannot_change_the_values_it_is_given() -> None:
    sms = SmsTemplate(name="t", channel="SMS", body="{{ Attributes.Plan.append('x') }}")
    with pytest.raises(TemplateRenderError, match="unsafe"):
        render_message(sms, ANN)
