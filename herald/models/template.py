"""Message templates: per-channel parts with Jinja2 variables, versioned on every change.

One model per channel, shaped on Pinpoint's template types (EmailTemplate, SMSTemplate,
PushNotificationTemplate, VoiceTemplate, InAppTemplate) plus CUSTOM, a JSON body for the
webhook channel. Text parts may use variables; addresses, identities and switches are static,
so a template cannot send from an address the provider never verified.
"""

# RenderedMessage is re-exported here for the code that renders templates into it.

from __future__ import annotations

import re
from datetime import datetime
from email.utils import getaddresses
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from herald.models.addresses import PROVIDER_EMAIL
from herald.models.base import HeraldModel
from herald.models.content import InAppParts, RenderedMessage
from herald.models.names import ResourceName

_HEADER_NAME = re.compile(r"^[!-9;-~]{1,126}$")  # RFC 5322 field-name: printable, no colon
# Headers Herald sets from the template's own fields or the provider owns.
RESERVED_HEADERS = frozenset(
    {"bcc", "cc", "content-transfer-encoding", "content-type", "date", "from", "message-id",
     "mime-version", "reply-to", "return-path", "subject", "to"}
)  # fmt: skip

ADDRESS_FORMS = "allowed: news@example.com, or with a name: Acme News <news@example.com>"


def address_problem(value: str) -> str | None:
    """Why `value` is not one email address, bare or `Name <address>`; None when it is."""
    if value.isprintable():
        found = getaddresses([value])
        if len(found) == 1 and PROVIDER_EMAIL.match(found[0][1]):
            bare = found[0][1]
            if value == bare or value.rstrip().endswith(f"<{bare}>"):
                return None
    hint = ' (one address each; quote a name with a comma: "Acme, Inc." <news@example.com>)'
    hint = hint if "," in value else ""
    return f"{value!r} is not an email address; {ADDRESS_FORMS}{hint}"


def _stored(info: ValidationInfo) -> bool:
    return isinstance(info.context, dict) and bool(info.context.get("stored"))


def _an_address(value: str, info: ValidationInfo) -> str:
    # Data read back with the STORED context (herald.models.endpoint.STORED) was accepted
    # when applied: a check added later must not make it unreadable.
    problem = None if _stored(info) else address_problem(value)
    if problem:
        raise ValueError(problem)
    return value


EmailAddress = Annotated[str, AfterValidator(_an_address)]


class TemplateBase(HeraldModel):
    kind: Literal["Template"] = "Template"
    name: ResourceName
    description: str = ""
    default_substitutions: dict[str, str] = Field(
        default_factory=dict,
        description="Values for variables a message does not supply. A dotted key such as "
        "`User.UserAttributes.FirstName` fills that attribute when the endpoint has none.",
    )


class EmailTemplate(TemplateBase):
    channel: Literal["EMAIL"]
    subject: str = Field(min_length=1)
    html: str | None = None
    text: str | None = None
    headers: dict[str, str] = Field(
        default_factory=dict, max_length=15, description="Extra headers; values may use variables."
    )
    from_address: EmailAddress | None = None
    reply_to: list[EmailAddress] = Field(default_factory=list)

    @model_validator(mode="after")
    def _needs_a_body(self) -> EmailTemplate:
        if not (self.html or self.text):
            raise ValueError("an EMAIL template needs `html`, `text` or both")
        return self

    @field_validator("headers")
    @classmethod
    def _header_names(cls, headers: dict[str, str]) -> dict[str, str]:
        for name in headers:
            if not _HEADER_NAME.match(name):
                raise ValueError(
                    f"header {name!r}: a name is 1-126 printable ASCII characters without ':'"
                )
            if name.lower() in RESERVED_HEADERS:
                raise ValueError(
                    f"header {name!r} is set by Herald (use `subject`, `from_address` or "
                    f"`reply_to`); not allowed: {', '.join(sorted(RESERVED_HEADERS))}"
                )
        return headers


class SmsTemplate(TemplateBase):
    channel: Literal["SMS"]
    body: str = Field(min_length=1)
    message_type: Literal["TRANSACTIONAL", "PROMOTIONAL"] = "TRANSACTIONAL"
    origination_number: str | None = None
    sender_id: str | None = None
    keyword: str | None = None
    entity_id: str | None = Field(default=None, description="India DLT entity id.")
    template_id: str | None = Field(default=None, description="India DLT template id.")


class VoiceTemplate(TemplateBase):
    channel: Literal["VOICE"]
    body: str | None = Field(default=None, description="Plain text the voice reads.")
    ssml: str | None = Field(default=None, description="SSML; values are XML-escaped.")
    language_code: str = "en-US"
    voice_id: str | None = None
    origination_number: str | None = None

    @model_validator(mode="after")
    def _body_or_ssml(self) -> VoiceTemplate:
        if bool(self.body) == bool(self.ssml):
            raise ValueError("a VOICE template needs exactly one of `body` (plain text) or `ssml`")
        return self


class PushTemplate(TemplateBase):
    channel: Literal["PUSH"]
    title: str | None = None
    body: str | None = None
    action: Literal["OPEN_APP", "DEEP_LINK", "URL"] = "OPEN_APP"
    url: str | None = Field(default=None, description="Opened by DEEP_LINK and URL actions.")
    image_url: str | None = None
    sound: str | None = None
    silent: bool = Field(default=False, description="A data-only push nothing displays.")
    data: dict[str, str] = Field(default_factory=dict, description="Key-values for the app.")
    time_to_live: int | None = Field(default=None, ge=0, description="Seconds.")
    apns: dict[str, Any] = Field(
        default_factory=dict, description="Merged into the APNs payload; strings may use variables."
    )
    fcm: dict[str, Any] = Field(
        default_factory=dict, description="Merged into the FCM message; strings may use variables."
    )

    @model_validator(mode="after")
    def _consistent(self) -> PushTemplate:
        if self.action != "OPEN_APP" and not self.url:
            raise ValueError(f"action {self.action} needs `url`")
        if not (self.silent or self.title or self.body or self.apns or self.fcm):
            raise ValueError(
                "a PUSH template needs `title`, `body` (or `apns`/`fcm` overrides), or "
                "`silent: true` for a data-only push"
            )
        return self


class InAppTemplate(TemplateBase, InAppParts):
    """One in-app message; header, body, image and button texts and links may use variables."""

    channel: Literal["IN_APP"]

    @model_validator(mode="after")
    def _consistent(self) -> InAppTemplate:
        if not (self.header or self.body):
            raise ValueError("an IN_APP template needs `header`, `body` or both")
        for i, button in enumerate(self.buttons):
            if button.action != "CLOSE" and not button.link:
                raise ValueError(f"buttons[{i}]: action {button.action} needs `link`")
        return self


class CustomTemplate(TemplateBase):
    """A JSON body for the webhook channel: string values anywhere in it may use variables."""

    channel: Literal["CUSTOM"]
    data: dict[str, Any] = Field(min_length=1)


Template = Annotated[
    EmailTemplate | SmsTemplate | PushTemplate | VoiceTemplate | InAppTemplate | CustomTemplate,
    Field(discriminator="channel"),
]


class TemplateVersion(HeraldModel):
    """An immutable stored version of a template."""

    template: Template
    version: int = Field(ge=1)
    created_at: datetime
    active: bool = Field(default=True, description="Whether this is the template's active version.")


class TemplateSummary(HeraldModel):
    """A template as `herald templates list` shows it."""

    name: str
    channel: str
    description: str
    active_version: int
    latest_version: int
    updated_at: datetime


class RenderPreview(HeraldModel):
    """The exact message a template renders for an endpoint (`herald templates render`)."""

    template: str
    version: int
    channel: str
    endpoint_id: str
    address: str
    content: RenderedMessage


__all__ = [
    "CustomTemplate",
    "EmailTemplate",
    "InAppTemplate",
    "PushTemplate",
    "RenderPreview",
    "RenderedMessage",
    "SmsTemplate",
    "Template",
    "TemplateSummary",
    "TemplateVersion",
    "VoiceTemplate",
]
