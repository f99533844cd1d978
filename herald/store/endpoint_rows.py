"""What an endpoint or a user is stored as: its row, and the rows segments query.

Functions from models to column values in the driver's form (see `bulk`), so the upsert path
and the import write the same thing. `Stamp` turns a timestamp into what the session's
database stores.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from herald.models import Endpoint
from herald.models.attribute_values import MAX_VALUE
from herald.models.instants import parse_instant
from herald.store.bulk import json_text

DEMOGRAPHIC_FIELDS = (
    "timezone",
    "locale",
    "platform",
    "platform_version",
    "make",
    "model",
    "model_version",
    "app_version",
)
LOCATION_FIELDS = ("country", "region", "city", "postal_code")
_LOCATION_TEXT = frozenset(LOCATION_FIELDS)
ENDPOINT_COLUMNS = (
    "id",
    "channel_type",
    "address",
    "user_id",
    "attributes",
    "demographic",
    "location",
    "metrics",
    "opt_out",
    "endpoint_status",
    "effective_date",
    "created_at",
    "updated_at",
    "geo_x",
    "geo_y",
    "geo_z",
    "checksum",
)
ATTRIBUTE_COLUMNS = ("endpoint_id", "scope", "name", "value", "time_value")
METRIC_COLUMNS = ("endpoint_id", "name", "value")
USER_ATTRIBUTE_COLUMNS = ("user_id", "name", "value", "time_value")

_USER_ID = ENDPOINT_COLUMNS.index("user_id")

Row = tuple[Any, ...]  # values in the order of its table's COLUMNS below
Stamp = Callable[[datetime | None], Any]


class UserValues(NamedTuple):
    """An endpoint's user as plain values (what `merge_users` reads of an EndpointUser)."""

    user_id: str | None
    user_attributes: dict[str, list[str]]


@dataclass
class PreparedEndpoint:
    """Everything an upsert writes for one endpoint, ready for the driver. Plain data, so an
    import can prepare rows in worker processes while the database writes."""

    row: Row
    attributes: list[Row]
    metrics: list[Row]
    user: UserValues | None

    @property
    def id(self) -> str:
        return str(self.row[0])

    @property
    def checksum(self) -> str:
        return str(self.row[-1])

    @property
    def user_id(self) -> str | None:
        user_id: str | None = self.row[_USER_ID]
        return user_id


class Content(NamedTuple):
    """A valid endpoint's content as plain values: what the rows are made of. The import's
    CSV fast path builds it straight from cells; `content` reads it off a model."""

    id: str
    channel_type: str
    address: str
    user: UserValues | None
    attributes: dict[str, list[str]]
    demographic: dict[str, str]  # the fields that are set, in DEMOGRAPHIC_FIELDS order
    location: dict[str, Any]  # the fields that are set, in the model's order
    metrics: dict[str, float]
    opt_out: str
    endpoint_status: str
    effective_date: datetime | None


def content(endpoint: Endpoint) -> Content:
    user = endpoint.user
    return Content(
        endpoint.id,
        endpoint.channel_type.value,
        endpoint.address,
        UserValues(user.user_id, user.user_attributes) if user else None,
        endpoint.attributes,
        _present(endpoint.demographic.__dict__),
        _present(endpoint.location.__dict__),
        endpoint.metrics,
        endpoint.opt_out,
        endpoint.endpoint_status,
        endpoint.effective_date,
    )


def prepare(endpoint: Endpoint, now: Any, stamp: Stamp) -> PreparedEndpoint:
    return prepare_content(content(endpoint), now, stamp)


def prepare_content(item: Content, now: Any, stamp: Stamp) -> PreparedEndpoint:
    return PreparedEndpoint(
        row=endpoint_row(item, now, stamp),
        attributes=attribute_rows(item, stamp),
        metrics=[(item.id, name, value) for name, value in item.metrics.items()],
        user=item.user,
    )


def endpoint_row(item: Content, now: Any, stamp: Stamp) -> Row:
    """The `endpoints` row (created_at is only kept when the row is new). The checksum covers
    everything but the id, so an unchanged endpoint is recognised and not written again."""
    user = item.user
    documents = [
        json_text(item.attributes),
        json_text(item.demographic),
        json_text(item.location),
        json_text(item.metrics),
        json_text([user.user_id, user.user_attributes] if user else None),
    ]
    scalars = [
        item.channel_type,
        item.address,
        item.opt_out,
        item.endpoint_status,
        str(item.effective_date),
    ]
    checksum = hashlib.blake2b("\x00".join([*scalars, *documents]).encode(), digest_size=16)
    x, y, z = unit_vector(item.location.get("latitude"), item.location.get("longitude"))
    return (
        item.id,
        item.channel_type,
        item.address,
        user.user_id if user else None,
        *documents[:4],  # the user document is only checksummed
        item.opt_out,
        item.endpoint_status,
        stamp(item.effective_date),
        now,
        now,
        x,
        y,
        z,
        checksum.hexdigest(),
    )


def _present(fields: Mapping[str, Any]) -> dict[str, Any]:
    """A demographic or location part as stored: the fields that are set."""
    return {name: value for name, value in fields.items() if value is not None}


def unit_vector(
    latitude: float | None, longitude: float | None
) -> tuple[float | None, float | None, float | None]:
    """A point on the unit sphere; the cosine of the angle between two is their dot product."""
    if latitude is None or longitude is None:
        return None, None, None
    lat, lon = math.radians(latitude), math.radians(longitude)
    return math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)


def attribute_rows(item: Content, stamp: Stamp) -> list[Row]:
    """`endpoint_attributes` rows: Attributes, Demographic and Location values."""
    rows = [
        (item.id, "attribute", name, value, time_value(value, stamp))
        for name, values in item.attributes.items()
        for value in _indexable(values)
    ]
    # The parts hold only the fields that are set (and Location its coordinates, not indexed
    # here); the order of the rows is not what is stored.
    rows += [
        (item.id, "demographic", field, value, None)
        for field, value in item.demographic.items()
        if len(value) <= MAX_VALUE
    ]
    rows += [
        (item.id, "location", field, value, None)
        for field, value in item.location.items()
        if field in _LOCATION_TEXT and len(value) <= MAX_VALUE
    ]
    return rows


def user_attribute_rows(
    user_id: str, attributes: Mapping[str, list[str]], stamp: Stamp
) -> Iterator[Row]:
    for name, values in attributes.items():
        for value in _indexable(values):
            yield (user_id, name, value, time_value(value, stamp))


def time_value(value: str, stamp: Stamp) -> Any:
    """The instant an attribute value names, as stored, or None. Most values are not dates:
    one that does not start with a digit (or a space) is not parsed at all."""
    if not value or not (value[0].isdigit() or value[0].isspace()):
        return None
    return stamp(parse_instant(value))


def _indexable(values: list[str]) -> list[str]:
    """Distinct values short enough to index (longer ones predate the limit), in order."""
    if len(values) == 1:
        return values if len(values[0]) <= MAX_VALUE else []
    return [v for v in dict.fromkeys(values) if len(v) <= MAX_VALUE]
