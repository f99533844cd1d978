"""Message templates: per-channel parts with Jinja2 variables, versioned on every change."""

# RenderedMessage is re-exported here for the code that renders templates into it.

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field, model_validator

from herald.models.base import HeraldModel
from herald.models.content import RenderedMessage
from herald.models.names import ResourceName


class TemplateBase(HeraldModel):
    kind: Literal["Template"] = "Template"
    name: ResourceName
    description: str = ""
    default_substitutions: dict[str, str] = Field(
        default_factory=dict, description="Values for variables a message does not supply."
    )


class EmailTemplate(TemplateBase):
    channel: Literal["EMAIL"]
    subject: str = Field(min_length=1)
    html: str | None = None
    text: str | None = None
    from_address: str | None = None

    @model_validator(mode="after")
    def _needs_a_body(self) -> EmailTemplate:
        if not (self.html or self.text):
            raise ValueError("an EMAIL template needs `html`, `text` or both")
        return self


class SmsTemplate(TemplateBase):
    channel: Literal["SMS"]
    body: str = Field(min_length=1)
    message_type: Literal["TRANSACTIONAL", "PROMOTIONAL"] = "TRANSACTIONAL"
    origination_number: str | None = None


Template = Annotated[EmailTemplate | SmsTemplate, Field(discriminator="channel")]


class TemplateVersion(HeraldModel):
    """An immutable stored version of a template."""

    template: Template
    version: int = Field(ge=1)
    created_at: datetime


__all__ = ["EmailTemplate", "RenderedMessage", "SmsTemplate", "Template", "TemplateVersion"]
