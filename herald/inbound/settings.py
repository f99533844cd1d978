"""Settings of two-way messaging: `Settings.two_way` (HERALD_TWO_WAY__...).

HERALD_TWO_WAY__WEBHOOK_SECRET=...          # the generic HMAC-signed webhook
HERALD_TWO_WAY__TWILIO_AUTH_TOKEN=...       # default: the Twilio SMS channel's token
HERALD_TWO_WAY__KEYWORDS__HELP_TEXT="Acme: reply STOP to opt out."
HERALD_TWO_WAY__PUBLIC_URL=https://herald.example.com   # turns on click/open tracking
HERALD_TWO_WAY__SNS_TOPIC_ARNS=arn:aws:sns:eu-west-1:123456789012:herald   # or a,b or ["a","b"]
"""

from __future__ import annotations

import json
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import NoDecode

OPT_OUT = (
    "STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "OPTOUT", "OPT-OUT", "REMOVE",
    "ARRET", "TD",
)  # fmt: skip
OPT_IN = ("START", "UNSTOP")
HELP = ("HELP",)
# SNS signs with certificates served from these hosts only; anything else is a forgery.
AWS_SNS_HOSTS = r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$"
TOPIC_ARNS_FORMS = 'one ARN, ARNs separated by commas, or a JSON list ["arn:aws:sns:...", ...]'


class Keywords(BaseModel):
    """What an origination number answers to keywords; a number may override any field."""

    model_config = ConfigDict(extra="forbid")

    opt_out: list[str] = Field(default_factory=lambda: list(OPT_OUT))
    opt_in: list[str] = Field(default_factory=lambda: list(OPT_IN))
    help: list[str] = Field(default_factory=lambda: list(HELP))
    opt_out_text: str = (
        "You are unsubscribed and will receive no more messages. Reply START to resubscribe."
    )
    opt_in_text: str = "You are subscribed again. Reply STOP to unsubscribe, HELP for help."
    help_text: str = "Reply STOP to unsubscribe."


class NumberKeywords(BaseModel):
    """Overrides for one origination number (E.164), e.g. its own HELP text."""

    model_config = ConfigDict(extra="forbid")

    opt_out: list[str] | None = None
    opt_in: list[str] | None = None
    help: list[str] | None = None
    opt_out_text: str | None = None
    opt_in_text: str | None = None
    help_text: str | None = None


class TwoWaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    public_url: str | None = Field(
        default=None,
        description="Base URL people's devices reach Herald at; turns on link and open tracking.",
    )
    signing_secret: SecretStr | None = Field(
        default=None, description="Signs tracking links and in-app tokens; default: one Herald "
        "makes and keeps in the database.",
    )  # fmt: skip
    webhook_secret: SecretStr | None = Field(
        default=None, description="HMAC-SHA256 secret of the generic inbound webhook."
    )
    twilio_auth_token: SecretStr | None = Field(
        default=None,
        description="Verifies X-Twilio-Signature; default: the Twilio SMS (or voice) channel's.",
    )
    sns_certificate_hosts: str = Field(
        default=AWS_SNS_HOSTS, description="Regex of hosts SNS signing certificates come from."
    )
    # NoDecode: the environment's text reaches `_topic_arns` as written, so a bare ARN is not
    # refused as broken JSON with an error naming only `two_way`.
    sns_topic_arns: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Accept SNS messages from these topics only (if set)."
    )
    max_body_bytes: int = Field(default=256 * 1024, gt=0, description="Larger bodies get 413.")
    keywords: Keywords = Field(default_factory=Keywords)
    numbers: dict[str, NumberKeywords] = Field(default_factory=dict)

    @field_validator("sns_topic_arns", mode="before")
    @classmethod
    def _topic_arns(cls, value: Any) -> Any:
        """A JSON list, a bare ARN or ARNs separated by commas; lists pass as given."""
        if not isinstance(value, str):
            return value
        text = value.strip()
        if not text.startswith("["):
            return [arn.strip() for arn in text.split(",") if arn.strip()]
        try:
            return json.loads(text)
        except json.JSONDecodeError:
            raise ValueError(f"not a JSON list; allowed: {TOPIC_ARNS_FORMS}") from None

    def keywords_for(self, number: str | None) -> Keywords:
        """The keywords of an origination number: the defaults with its overrides."""
        override = self.numbers.get(number or "")
        if override is None:
            return self.keywords
        changes = override.model_dump(exclude_none=True)
        return self.keywords.model_copy(update=changes)
