"""An EMAIL template's `from_address` and `reply_to` are checked as addresses when applied.

A malformed Reply-To would otherwise reach the provider, which refuses the whole request
("Missing final '@domain'") without saying which address. Data read back from the store
(the `stored` validation context) is not checked again.
"""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import TypeAdapter

from herald.definitions import DefinitionError, validate_documents
from herald.models import EmailTemplate, Template
from herald.models.endpoint import STORED


def _document(**fields: Any) -> dict[str, Any]:
    return {"kind": "Template", "name": "hello", "channel": "EMAIL", "subject": "Hi"} | {
        "text": "Hello",
        **fields,
    }


def test_a_malformed_reply_to_or_sender_is_refused_naming_the_field() -> None:
    document = _document(
        from_address="news at example.com", reply_to=["help@example.com", "support-at-example"]
    )
    with pytest.raises(DefinitionError) as raised:
        validate_documents([document], "hello.yaml")

    where = "hello.yaml: document 1 (Template 'hello')"
    allowed = "allowed: news@example.com, or with a name: Acme News <news@example.com>"
    assert raised.value.problems == [
        f"{where}: from_address: 'news at example.com' is not an email address; {allowed}",
        f"{where}: reply_to.1: 'support-at-example' is not an email address; {allowed}",
    ]


@pytest.mark.parametrize(
    "address",
    [
        "a@b.com, c@d.com",  # two addresses in one entry
        "Acme, Inc. <news@example.com>",  # a name with a comma, unquoted: two addresses
        "help@example.com\r\nBcc: x@example.com",  # a header injected
        "news@example.com (newsletter)",
    ],
)
def test_what_a_header_would_read_otherwise_is_refused(address: str) -> None:
    with pytest.raises(DefinitionError) as raised:
        validate_documents([_document(reply_to=[address])], "hello.yaml")

    [problem] = raised.value.problems
    assert "reply_to.0:" in problem and "is not an email address" in problem


@pytest.mark.parametrize(
    "address",
    [
        "news@example.com",
        "Acme News <news@example.com>",
        '"Acme, Inc." <news@example.com>',
        "zoë@example.com",  # an internationalised mailbox, as endpoints accept
    ],
)
def test_an_address_alone_or_with_a_name_is_accepted(address: str) -> None:
    [template] = validate_documents(
        [_document(from_address=address, reply_to=[address])], "hello.yaml"
    )

    assert isinstance(template, EmailTemplate)
    assert (template.from_address, template.reply_to) == (address, [address])


def test_a_stored_template_reads_as_it_was_stored() -> None:
    document = _document(from_address="news", reply_to=["support-at-example.com"])
    template = TypeAdapter(Template).validate_python(document, context=STORED)

    assert isinstance(template, EmailTemplate)
    assert template.reply_to == ["support-at-example.com"]
