"""Addresses normalised per channel; the fast email path agrees with email-validator."""

from __future__ import annotations

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email
from hypothesis import given, settings
from hypothesis import strategies as st

from herald.models import Endpoint
from herald.models.addresses import AddressError, normalise_address, normalise_email
from herald.models.channel import ChannelType


@pytest.mark.parametrize(
    ("channel", "address", "country", "normalised"),
    [
        ("EMAIL", " Ann.Lee@Example.COM ", None, "Ann.Lee@example.com"),
        ("EMAIL", "caf\u00e9@exampl\u00e9.fr", None, "caf\u00e9@exampl\u00e9.fr"),
        ("SMS", "+1 (415) 555-0101", None, "+14155550101"),
        ("SMS", "06 12 34 56 78", "FR", "+33612345678"),
        ("VOICE", "020 7946 0018", "gb", "+442079460018"),
        ("APNS", "  a1b2c3  ", None, "a1b2c3"),
    ],
)
def test_addresses_are_normalised(
    channel: str, address: str, country: str | None, normalised: str
) -> None:
    assert normalise_address(ChannelType(channel), address, country) == normalised


@pytest.mark.parametrize(
    ("channel", "address", "says"),
    [
        ("EMAIL", "ann.example.com", "is not an email address"),
        ("EMAIL", "ann@localhost", "is not an email address"),
        ("SMS", "4155550101", "not in E.164 form"),
        ("SMS", "+1415", "too short"),
        ("SMS", "+999123456789", "is not a phone number"),
        ("GCM", "   ", "must not be empty"),
    ],
)
def test_bad_addresses_say_why(channel: str, address: str, says: str) -> None:
    with pytest.raises(AddressError, match=says):
        normalise_address(ChannelType(channel), address, None)


def test_an_endpoint_reads_a_local_number_in_its_country() -> None:
    endpoint = Endpoint.model_validate(
        {"Id": "e", "ChannelType": "SMS", "Address": "0612345678", "Location": {"Country": "fr"}}
    )
    assert (endpoint.address, endpoint.location.country) == ("+33612345678", "FR")


LOCAL = st.text("abcXYZ019._+-=", min_size=1, max_size=12)
DOMAIN = st.lists(st.text("abc019-", min_size=1, max_size=8), min_size=1, max_size=3)
TLD = st.sampled_from(["com", "fr", "io", "test", "local", "c0m", "x", "info"])


@settings(max_examples=300, derandomize=True, database=None, deadline=None)
@given(local=LOCAL, labels=DOMAIN, tld=TLD, upper=st.booleans())
def test_fast_path_agrees_with_email_validator(
    local: str, labels: list[str], tld: str, upper: bool
) -> None:
    address = f"{local}@{'.'.join([*labels, tld])}"
    address = address.upper() if upper else address
    try:
        expected: str | None = validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        expected = None
    try:
        found: str | None = normalise_email(address)
    except AddressError:
        found = None
    assert found == expected


def _phonenumbers_verdict(text: str) -> str | None:
    """What phonenumbers itself makes of a number: its E.164 form, or None if refused."""
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    reason = phonenumbers.is_possible_number_with_reason(number)
    if reason not in (
        phonenumbers.ValidationResult.IS_POSSIBLE,
        phonenumbers.ValidationResult.IS_POSSIBLE_LOCAL_ONLY,
    ):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@settings(max_examples=500, derandomize=True, database=None, deadline=None)
@given(digits=st.text("0123456789", min_size=8, max_size=12), prefix=st.sampled_from(["+1", "+"]))
def test_fast_phone_path_agrees_with_phonenumbers(digits: str, prefix: str) -> None:
    text = prefix + digits
    try:
        found: str | None = normalise_address(ChannelType.SMS, text, None)
    except AddressError:
        found = None
    assert found == _phonenumbers_verdict(text)
