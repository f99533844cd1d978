"""The variables a template can read, named as Pinpoint named them.

The endpoint: `Id`, `Address`, `ChannelType`, `Attributes.*`, `Demographic.<field>`,
`Location.<field>`, `Metrics.*`; its user: `User.UserId`, `User.UserAttributes.*`; what sends
it: `Journey.Name|Version|StepId` (and `Journey.Event.Type|Attributes.*` in an event-entered
journey) or `Campaign.Name|TreatmentId`. Every other top-level name
is a substitution: the template's `default_substitutions` or the message's own, plain strings.

`SCHEMA` is the one description of that shape: the context builds it, validation checks
templates against it.
"""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from herald.models import Demographic, Location


class Leaf(Enum):
    VALUE = "a value"
    DATA = "your own keys"  # attributes and metrics: any name the data has


Shape = Leaf | dict[str, "Shape"]


def _aliases(model: type[BaseModel]) -> dict[str, Shape]:
    return {field.alias or name: Leaf.VALUE for name, field in model.model_fields.items()}


SCHEMA: dict[str, Shape] = {
    "Id": Leaf.VALUE,
    "Address": Leaf.VALUE,
    "ChannelType": Leaf.VALUE,
    "Attributes": Leaf.DATA,
    "Demographic": _aliases(Demographic),
    "Location": _aliases(Location),
    "Metrics": Leaf.DATA,
    "User": {"UserId": Leaf.VALUE, "UserAttributes": Leaf.DATA},
    "Journey": {
        "Name": Leaf.VALUE,
        "Version": Leaf.VALUE,
        "StepId": Leaf.VALUE,
        # The event that entered the participant (event-entered journeys only).
        "Event": {"Type": Leaf.VALUE, "Attributes": Leaf.DATA},
    },
    "Campaign": {"Name": Leaf.VALUE, "TreatmentId": Leaf.VALUE},
}

# Names a substitution can never override: the data about the recipient is not spoofable.
RESERVED = frozenset(SCHEMA)

# Where a dotted default substitution (Pinpoint's `"User.UserAttributes.FirstName": "there"`)
# may fill a value the endpoint lacks. Identity and the sender's context are never defaulted.
FILLABLE_PREFIXES = ("Attributes.", "Metrics.", "User.UserAttributes.")
FILLABLE_KEYS = frozenset(
    ["User.UserId"]
    + [f"Demographic.{k}" for k in _aliases(Demographic)]
    + [f"Location.{k}" for k in _aliases(Location)]
)
FILLABLE = (
    "Attributes.<name>, Metrics.<name>, User.UserAttributes.<name>, User.UserId, "
    "Demographic.<field>, Location.<field>"
)

# Paths whose values are Pinpoint attribute lists (rendered joined, compared as text).
ATTRIBUTE_PATHS = frozenset({"Attributes", "User.UserAttributes"})


def is_fillable(key: str) -> bool:
    """Whether `key`, a dotted default substitution, names a value an endpoint may lack."""
    if key in FILLABLE_KEYS:
        return True
    return any(key.startswith(p) and len(key) > len(p) for p in FILLABLE_PREFIXES)


def describe(shape: Shape) -> str:
    """What a node of the schema holds, for a message that says what is allowed."""
    if isinstance(shape, Leaf):
        return shape.value
    return ", ".join(shape)
