"""Endpoint addresses, normalised per channel so one person is one address.

- EMAIL: `email-validator`'s normalised form (domain lower-cased, Unicode NFC), no DNS look-up.
- SMS and VOICE: E.164 via `phonenumbers`. A number without `+` is read in the endpoint's
  `Location.Country` (as Pinpoint's CSV imports allow); without a country it must start with `+`.
  Numbers are checked for a possible length, not against the carriers' current ranges, which
  lag new allocations and reject the reserved demo ranges (+1 555 01xx) people test with.
- Push tokens and the other channels: surrounding whitespace removed, must not be empty.
"""

from __future__ import annotations

import re

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from email_validator.rfc_constants import CASE_INSENSITIVE_MAILBOX_NAMES

from herald.models.channel import ChannelType

PHONE_TYPES = frozenset({ChannelType.SMS, ChannelType.VOICE})
SPECIAL_USE_TLDS = frozenset({"arpa", "invalid", "local", "localhost", "onion", "test"})

# Plain ASCII addresses are most of any import; for them email-validator's answer is the
# address with its domain lower-cased, and checking that here is ten times faster. Anything
# else (Unicode, quotes, IDNA, role mailboxes, odd lengths) goes to email-validator itself.
# tests/audience/test_addresses.py checks both paths agree.
# An address as every email provider takes it (not RFC 5322 in full): one @, no spaces or
# specials, a dotted domain. Providers check it before a call; templates' From and Reply-To.
PROVIDER_EMAIL = re.compile(
    r"^[^@\s<>(),;:\"\[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)+$"
)
_SIMPLE_LOCAL = re.compile(r"[A-Za-z0-9_+=-]{1,64}(?:\.[A-Za-z0-9_+=-]{1,64})*")
_SIMPLE_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_SIMPLE_TLD = re.compile(r"[a-z]{2,63}")

# A North American number already in E.164: +1, then ten digits that start with 2-9. For
# such a number phonenumbers finds country code 1, whose main region (US) has "1" as its
# national prefix, which the ten digits cannot start with, so they stay the national
# number; ten is one of the region's possible lengths and not a local-only one, so it is
# possible, and its E.164 form is the text itself. Checking that here is twenty times
# faster than parsing. `_nanp_facts_hold` confirms, once, that the metadata still says so
# (otherwise every number is parsed); tests/audience/test_addresses.py checks both agree.
_NANP_E164 = re.compile(r"\+1[2-9][0-9]{9}")

_PHONE_PROBLEMS = {
    phonenumbers.ValidationResult.INVALID_COUNTRY_CODE: "has no valid country code",
    phonenumbers.ValidationResult.TOO_SHORT: "is too short",
    phonenumbers.ValidationResult.TOO_LONG: "is too long",
    phonenumbers.ValidationResult.INVALID_LENGTH: "has an impossible length",
}


class AddressError(ValueError):
    """An address that cannot reach anyone on its channel; the message says why."""


def normalise_address(channel: ChannelType, address: str, country: str | None = None) -> str:
    """The canonical form of `address` on `channel`, or AddressError."""
    if channel is ChannelType.EMAIL:
        return normalise_email(address)
    if channel in PHONE_TYPES:
        return normalise_phone(address, country)
    token = address.strip()
    if not token:
        raise AddressError(f"a {channel.value} address (device token or id) must not be empty")
    return token


def normalise_email(address: str) -> str:
    address = address.strip()
    simple = _simple_email(address)
    if simple is not None:
        return simple
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise AddressError(f"{address!r} is not an email address: {exc}") from None


def _simple_email(address: str) -> str | None:
    local, at, domain = address.partition("@")
    if not at or len(address) > 254 or not _SIMPLE_LOCAL.fullmatch(local) or len(local) > 64:
        return None
    if local.lower() in CASE_INSENSITIVE_MAILBOX_NAMES:
        return None
    domain = domain.lower()
    labels = domain.split(".")
    if len(labels) < 2 or len(domain) > 253 or labels[-1] in SPECIAL_USE_TLDS:
        return None
    if not _SIMPLE_TLD.fullmatch(labels[-1]):
        return None
    if not all(_SIMPLE_LABEL.fullmatch(label) and "--" not in label for label in labels):
        return None
    return f"{local}@{domain}"


def normalise_phone(address: str, country: str | None) -> str:
    text = address.strip()
    if _NANP_FAST and _NANP_E164.fullmatch(text):
        return text
    region = None if text.startswith("+") else (country or "").upper() or None
    if region is None and not text.startswith("+"):
        raise AddressError(
            f"{address!r} is not in E.164 form (+ and country code, e.g. +14155550100); "
            "write it that way or give the endpoint a Location.Country to read it in"
        )
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise AddressError(f"{address!r} is not a phone number: {exc}") from None
    problem = _PHONE_PROBLEMS.get(phonenumbers.is_possible_number_with_reason(number))
    if problem:
        raise AddressError(f"{address!r} {problem} for a phone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _nanp_facts_hold() -> bool:
    """Whether phonenumbers' metadata still reads +1 and ten digits the way `_NANP_E164`
    assumes (see there), and a sample of such numbers parses to itself."""
    region = phonenumbers.region_code_for_country_code(1)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region)
    if metadata is None or region != "US" or metadata.national_prefix_for_parsing != "1":
        return False
    general = metadata.general_desc
    if general is None or 10 not in general.possible_length:
        return False
    if 10 in (general.possible_length_local_only or ()):
        return False
    samples = ("+12015550123", "+19999999999", "+15550100000", "+12000000000")
    return all(_parsed_phone(sample) == sample for sample in samples)


def _parsed_phone(text: str) -> str | None:
    number = phonenumbers.parse(text, None)
    if phonenumbers.is_possible_number_with_reason(number) in _PHONE_PROBLEMS:
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_NANP_FAST = _nanp_facts_hold()
