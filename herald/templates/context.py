"""The variables a template sees, named as Pinpoint named them.

`{{ Address }}`, `{{ Attributes.Plan }}`, `{{ User.UserAttributes.FirstName }}`,
`{{ Demographic.Timezone }}`, plus substitutions at the top level (`{{ coupon }}`) and the
journey or campaign as `{{ Journey.Name }}` / `{{ Journey.StepId }}`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from herald.models import Endpoint


class AttributeValues(list[str]):
    """Pinpoint attributes hold lists; a list renders as its values joined by ', '."""

    def __str__(self) -> str:
        return ", ".join(self)

    def __html__(self) -> str:
        from markupsafe import escape

        return str(escape(str(self)))


def _attributes(values: Mapping[str, list[str]]) -> dict[str, AttributeValues]:
    return {name: AttributeValues(v) for name, v in values.items()}


def endpoint_context(endpoint: Endpoint) -> dict[str, Any]:
    user = endpoint.user
    return {
        "Id": endpoint.id,
        "Address": endpoint.address,
        "ChannelType": endpoint.channel_type.value,
        "Attributes": _attributes(endpoint.attributes),
        "Demographic": endpoint.demographic.model_dump(by_alias=True, exclude_none=True),
        "Location": endpoint.location.model_dump(by_alias=True, exclude_none=True),
        "Metrics": dict(endpoint.metrics),
        "User": {
            "UserId": user.user_id if user else None,
            "UserAttributes": _attributes(user.user_attributes if user else {}),
        },
    }


def build_context(
    endpoint: Endpoint,
    *,
    defaults: Mapping[str, str] | None = None,
    substitutions: Mapping[str, str] | None = None,
    journey: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Defaults < per-message substitutions < endpoint variables (which cannot be spoofed)."""
    context: dict[str, Any] = {**(defaults or {}), **(substitutions or {})}
    if journey:
        context["Journey"] = dict(journey)
    context.update(endpoint_context(endpoint))
    return context
