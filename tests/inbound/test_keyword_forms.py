"""Keywords are compared as people type them on phones: ARRET (French for stop, in the
default opt-out words as AWS End User Messaging's list has it) autocorrected to "Arrêt",
STOP with an emoji or punctuation stuck to it. Each opts out; a keyword only inside a word
does not."""

from __future__ import annotations

import pytest

from herald.inbound.replies import first_word
from tests.inbound.conftest import TwoWay, call, sms_endpoint
from tests.inbound.test_twilio import post, sms

LEA = "+15145550101"
PATH = "/v1/webhooks/twilio/sms"


@pytest.mark.parametrize(
    ("body", "keyword"),
    [("Arrêt", "ARRET"), ("STOP🛑", "STOP"), ("Stop: no more please", "STOP")],
    ids=["accented", "emoji", "colon"],
)
def test_a_keyword_as_phones_write_it_opts_out(two_way: TwoWay, body: str, keyword: str) -> None:
    call(two_way.settings, lambda h: h.upsert_endpoints([sms_endpoint("lea-sms", LEA)]))
    assert post(two_way, PATH, sms("SM-fr-1", body, sender=LEA)).is_success

    [got] = call(two_way.settings, lambda h: h.inbound())
    assert (got.outcome, got.keyword) == ("OPTED_OUT", keyword)
    lea = call(two_way.settings, lambda h: h.get_endpoint("lea-sms"))
    assert lea is not None and lea.opt_out == "ALL"


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("  arrêt!", "ARRET"),
        ("❤️ START", ""),  # a symbol on its own is a word, no keyword: START is the second
        ("UNSTOP❤️", "UNSTOP"),
        ("¡Stop!", "STOP"),
        ("\uff33\uff34\uff2f\uff30", "STOP"),  # full-width letters
        ("stopping by later", "STOPPING"),
        ("opt-out.", "OPT-OUT"),
        ("🛑", ""),
    ],
    ids=["accent", "symbol-word", "emoji-with-selector", "inverted-mark", "full-width",
         "longer-word", "inner-hyphen", "emoji-only"],
)  # fmt: skip
def test_the_first_word_is_compared_without_accents_case_or_decoration(
    text: str, word: str
) -> None:
    assert first_word(text) == word
