"""The values a template renders with, built lazily from the endpoint.

`build_context` returns a small dict: the flat substitutions (defaults < the message's own)
plus a `Scope` under a key no template can name. Jinja resolves each top-level name a template
uses once per part; `HeraldContext` sends the endpoint's names (`Attributes`, `User`, ...) to
the scope, which builds only those and keeps them for the message's other parts. So a render
costs what the template reads, not the size of the endpoint, and no model is dumped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from jinja2.runtime import Context
from jinja2.utils import missing

from herald.models import Demographic, Endpoint, Location
from herald.templates.variables import ATTRIBUTE_PATHS, RESERVED, SCHEMA

SCOPE = "herald scope"  # not an identifier, so no template can read or replace it


class AttributeValues(list[str]):
    """Pinpoint attributes hold lists: one renders as its values joined by ', ' and compares
    equal to that text, so `{% if Attributes.Plan == 'pro' %}` means what it says."""

    def __str__(self) -> str:
        return ", ".join(self)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return str(self) == other
        return list.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        return not self == other

    __hash__ = None  # a list: mutable, never hashable


class Values(dict[str, Any]):
    """A mapping of variables that knows its path (`User.UserAttributes`), so a missing key
    is reported as `User.UserAttributes.FirstName` rather than "dict object has no ..."."""

    __slots__ = ("path",)
    path: str


def values(path: str, items: Iterable[tuple[str, Any]] = ()) -> Values:
    # dict's own constructor, then the path: a Python __init__ would cost more than the dict.
    made = Values(items)
    made.path = path
    return made


def _attributes(path: str, attributes: Mapping[str, list[str]]) -> Values:
    made = values(path)
    for name, listed in attributes.items():
        made[name] = AttributeValues(listed)
    return made


def _fields(path: str, model: Any) -> Values:
    """A Pinpoint-shaped model's set fields under their Pinpoint names."""
    made = values(path)
    for name, alias in _ALIASES[type(model)]:
        value = getattr(model, name)
        if value is not None:
            made[alias] = value
    return made


_ALIASES = {
    model: [(name, field.alias or name) for name, field in model.model_fields.items()]
    for model in (Demographic, Location)
}


def _user(endpoint: Endpoint) -> Values:
    user = endpoint.user
    made = values("User")
    if user is not None and user.user_id is not None:
        made["UserId"] = user.user_id
    made["UserAttributes"] = _attributes(
        "User.UserAttributes", user.user_attributes if user else {}
    )
    return made


_ENDPOINT: dict[str, Callable[[Endpoint], Any]] = {
    "Id": lambda e: e.id,
    "Address": lambda e: e.address,
    "ChannelType": lambda e: e.channel_type.value,
    "Attributes": lambda e: _attributes("Attributes", e.attributes),
    "Demographic": lambda e: _fields("Demographic", e.demographic),
    "Location": lambda e: _fields("Location", e.location),
    "Metrics": lambda e: values("Metrics", e.metrics.items()),
    "User": _user,
}


class Scope:
    """The endpoint's variables and the sender's context for one message, built on first use."""

    __slots__ = ("_built", "_endpoint", "_fills", "_senders")

    def __init__(
        self,
        endpoint: Endpoint,
        fills: Mapping[str, str],
        senders: Mapping[str, Mapping[str, Any] | None],
    ) -> None:
        self._endpoint = endpoint
        self._fills = fills
        self._senders = senders
        self._built: dict[str, Any] = {}

    def resolve(self, name: str) -> Any:
        built = self._built
        if name in built:
            return built[name]
        builder = _ENDPOINT.get(name)
        if builder is not None:
            value = builder(self._endpoint)
            if self._fills and type(value) is Values:
                _fill(value, name, self._fills)
        else:
            sender = self._senders.get(name)
            value = values(name, _present(sender)) if sender else missing
        built[name] = value
        return value


def _present(items: Mapping[str, Any]) -> Iterable[tuple[str, Any]]:
    return ((k, v) for k, v in items.items() if v is not None)


def _fill(root: Values, name: str, fills: Mapping[str, str]) -> None:
    """Dotted defaults under `name` fill what the endpoint lacks; its own values win."""
    prefix = name + "."
    for key, value in fills.items():
        if not key.startswith(prefix):
            continue
        *parents, last = key[len(prefix) :].split(".")
        node: Any = root
        for part in parents:
            node = node.get(part)
            if not isinstance(node, dict):
                break
        else:
            if last not in node:
                lists = isinstance(node, Values) and node.path in ATTRIBUTE_PATHS
                node[last] = AttributeValues([value]) if lists else value


class HeraldContext(Context):
    """Jinja's context, with the endpoint's names answered by the message's scope."""

    def resolve_or_missing(self, key: str) -> Any:
        # Called once per name a template part uses; kept flat because it is on every render.
        if key in RESERVED:
            scope = self.parent.get(SCOPE)
            if scope is not None:
                return scope.resolve(key)
        if key in self.vars:
            return self.vars[key]
        value = self.parent.get(key, missing)
        if value is missing:  # rendered shared: the environment's globals are not copied in
            return self.environment.globals.get(key, missing)
        return value


def build_context(
    endpoint: Endpoint,
    *,
    defaults: Mapping[str, str] | None = None,
    substitutions: Mapping[str, str] | None = None,
    journey: Mapping[str, Any] | None = None,
    campaign: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """Defaults < the message's substitutions < the endpoint's own values (never spoofed)."""
    context: dict[str, Any] = {}
    fills: dict[str, str] = {}
    for source in (defaults, substitutions):
        for key, value in (source or {}).items():
            if "." in key:
                fills[key] = value
            elif key not in RESERVED:
                context[key] = value
    context[SCOPE] = Scope(endpoint, fills, {"Journey": journey, "Campaign": campaign})
    return context


def journey_variables(
    name: str | None,
    version: int | None,
    step_id: str | None,
    event_type: str | None = None,
    event: Mapping[str, str] | None = None,
) -> dict[str, Any]:
    """`Journey.*` for a message or a webhook body: one shape, so a body reads as a message
    does. `Event` only when an event entered the participant."""
    journey: dict[str, Any] = {"Name": name, "Version": version, "StepId": step_id}
    if event_type:
        journey["Event"] = {"Type": event_type, "Attributes": dict(event or {})}
    return journey


def endpoint_context(endpoint: Endpoint) -> dict[str, Any]:
    """Every endpoint variable, built: what `{{ ... }}` can read about this endpoint."""
    scope = Scope(endpoint, {}, {})
    return {name: scope.resolve(name) for name in SCHEMA if name in _ENDPOINT}
