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
from typing import Any

from herald.models import Endpoint, EndpointUser
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

Row = dict[str, Any]
Stamp = Callable[[datetime | None], Any]


@dataclass
class PreparedEndpoint:
    """Everything an upsert writes for one endpoint, ready for the driver. Plain data, so an
    import can prepare rows in worker processes while the database writes."""

    row: Row
    attributes: list[Row]
    metrics: list[Row]
    user: EndpointUser | None


def prepare(endpoint: Endpoint, now: Any, stamp: Stamp) -> PreparedEndpoint:
    return PreparedEndpoint(
        row=endpoint_row(endpoint, now, stamp),
        attributes=list(attribute_rows(endpoint, stamp)),
        metrics=list(metric_rows(endpoint)),
        user=endpoint.user,
    )


def endpoint_row(endpoint: Endpoint, now: Any, stamp: Stamp) -> Row:
    """The `endpoints` row (created_at is only kept when the row is new). The checksum covers
    everything but the id, so an unchanged endpoint is recognised and not written again."""
    user = endpoint.user
    documents = [
        json_text(endpoint.attributes),
        json_text(_present(endpoint.demographic.__dict__)),
        json_text(_present(endpoint.location.__dict__)),
        json_text(endpoint.metrics),
        json_text([user.user_id, user.user_attributes] if user else None),
    ]
    scalars = [
        endpoint.channel_type.value,
        endpoint.address,
        endpoint.opt_out,
        endpoint.endpoint_status,
        str(endpoint.effective_date),
    ]
    content = "\x00".join([*scalars, *documents]).encode()
    x, y, z = unit_vector(endpoint.location.latitude, endpoint.location.longitude)
    return {
        "id": endpoint.id,
        "channel_type": endpoint.channel_type.value,
        "address": endpoint.address,
        "user_id": endpoint.user_id,
        "attributes": documents[0],
        "demographic": documents[1],
        "location": documents[2],
        "metrics": documents[3],
        "opt_out": endpoint.opt_out,
        "endpoint_status": endpoint.endpoint_status,
        "effective_date": stamp(endpoint.effective_date),
        "created_at": now,
        "updated_at": now,
        "geo_x": x,
        "geo_y": y,
        "geo_z": z,
        "checksum": hashlib.blake2b(content, digest_size=16).hexdigest(),
    }


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


def attribute_rows(endpoint: Endpoint, stamp: Stamp) -> Iterator[Row]:
    """`endpoint_attributes` rows: Attributes, Demographic and Location values."""
    for name, values in endpoint.attributes.items():
        for value in _indexable(values):
            yield {
                "endpoint_id": endpoint.id,
                "scope": "attribute",
                "name": name,
                "value": value,
                "time_value": stamp(parse_instant(value)),
            }
    for scope, fields, part in (
        ("demographic", DEMOGRAPHIC_FIELDS, endpoint.demographic),
        ("location", LOCATION_FIELDS, endpoint.location),
    ):
        for field in fields:
            value = getattr(part, field)
            if value is not None and len(value) <= MAX_VALUE:
                yield {
                    "endpoint_id": endpoint.id,
                    "scope": scope,
                    "name": field,
                    "value": value,
                    "time_value": None,
                }


def metric_rows(endpoint: Endpoint) -> Iterator[Row]:
    for name, value in endpoint.metrics.items():
        yield {"endpoint_id": endpoint.id, "name": name, "value": value}


def user_attribute_rows(
    user_id: str, attributes: Mapping[str, list[str]], stamp: Stamp
) -> Iterator[Row]:
    for name, values in attributes.items():
        for value in _indexable(values):
            yield {
                "user_id": user_id,
                "name": name,
                "value": value,
                "time_value": stamp(parse_instant(value)),
            }


def _indexable(values: list[str]) -> list[str]:
    """Distinct values short enough to index (longer ones predate the limit), in order."""
    if len(values) == 1:
        return values if len(values[0]) <= MAX_VALUE else []
    return [v for v in dict.fromkeys(values) if len(v) <= MAX_VALUE]
