"""The common CSV row, read straight from its cells into the rows the store writes.

Validating a row through the Endpoint model costs more than every other step of an import.
Most rows of a big file are plain: an id, a known channel, an address, short attribute values,
numbers that parse. For those, `FastRows` checks the same rules the model applies, by hand,
and builds the same `Content`. Any row that is not plainly valid (a rule fails, a cell needs
reading as JSON, a field this path does not handle) gets `None`, and the caller sends it
through the model: bad rows are always judged, and explained, by the model alone.
tests/audience/test_csv_fast.py checks that both paths give the same rows.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass

from herald.audience.records import MAPS, Cells, Header
from herald.models import Demographic, Location
from herald.models.addresses import AddressError, normalise_address
from herald.models.attribute_values import MAX_NAME, MAX_VALUE
from herald.models.channel import ChannelType
from herald.store.endpoint_rows import Content, UserValues

CHANNELS = {channel.value: channel for channel in ChannelType}
MAX_ID = 200
MAX_ADDRESS = 320
# Columns this path leaves to the model whenever the cell is not empty.
MODEL_ONLY = frozenset({"EffectiveDate"})
IGNORED = frozenset({"RequestId"})  # Pinpoint's request id: dropped on both paths

Pairs = tuple[tuple[int, str], ...]  # (column index, name)


def _aliases(model: type[Demographic] | type[Location], group: str) -> dict[str, str]:
    return {f"{group}.{info.alias}": name for name, info in model.model_fields.items()}


COORDINATES = ("Location.Latitude", "Location.Longitude")
DEMOGRAPHIC = _aliases(Demographic, "Demographic")
LOCATION = {k: v for k, v in _aliases(Location, "Location").items() if k not in COORDINATES}


@dataclass(frozen=True)
class FastRows:
    """Where each field's cells are, for one header."""

    width: int
    id: int
    channel: int
    address: int
    user_id: int | None
    user_attributes: Pairs
    attributes: Pairs
    demographic: Pairs  # in the model's field order, so the stored document follows it
    location: Pairs  # the text fields, likewise
    latitude: int | None
    longitude: int | None
    metrics: Pairs
    opt_out: int | None
    status: int | None
    model_only: tuple[int, ...]

    def content(self, cells: Cells) -> Content | None:
        """The row's content, or None: the model must read this row."""
        if len(cells) != self.width or any(cells[i] for i in self.model_only):
            return None
        try:
            return self._content(cells)
        except NeedsModel:
            return None

    def _content(self, cells: Cells) -> Content:
        endpoint_id = cells[self.id].strip()
        channel = CHANNELS.get(cells[self.channel].strip())
        address = cells[self.address].strip()
        if not (0 < len(endpoint_id) <= MAX_ID and channel and 0 < len(address) <= MAX_ADDRESS):
            raise NeedsModel
        location = self._location(cells)
        country = location.get("country")
        try:
            address = normalise_address(channel, address, str(country) if country else None)
        except AddressError:
            raise NeedsModel from None
        return Content(
            endpoint_id,
            channel.value,
            address,
            self._user(cells),
            _values(cells, self.attributes),
            {field: cells[i].strip() for i, field in self.demographic if cells[i]},
            location,
            _numbers(cells, self.metrics),
            _choice(cells, self.opt_out, "NONE", ("ALL", "NONE")),
            _choice(cells, self.status, "ACTIVE", ("ACTIVE", "INACTIVE")),
            None,
        )

    def _user(self, cells: Cells) -> UserValues | None:
        attributes = _values(cells, self.user_attributes)
        cell = "" if self.user_id is None else cells[self.user_id]
        if not cell and not attributes:
            return None
        if not cell:
            raise NeedsModel  # attributes without a user id: the model refuses them, by line
        user_id = cell.strip() if cell else None
        if user_id is not None and not 0 < len(user_id) <= MAX_ID:
            raise NeedsModel
        return UserValues(user_id, attributes)

    def _location(self, cells: Cells) -> dict[str, str | float]:
        found: dict[str, str | float] = {f: cells[i].strip() for i, f in self.location if cells[i]}
        if "country" in found:
            found["country"] = str(found["country"]).upper()
        latitude = _coordinate(cells, self.latitude, 90)
        longitude = _coordinate(cells, self.longitude, 180)
        if latitude is not None and longitude is not None:
            found["latitude"], found["longitude"] = latitude, longitude
        elif latitude is not None or longitude is not None:
            raise NeedsModel
        return found


class NeedsModel(Exception):
    """This row is for the model to read."""


def _values(cells: Cells, pairs: Pairs) -> dict[str, list[str]]:
    """Attribute values by name (a JSON list, a long value or a NUL: the model reads it)."""
    found: dict[str, list[str]] = {}
    for i, name in pairs:
        cell = cells[i]
        if cell:
            if cell[0] == "[" or len(cell) > MAX_VALUE or "\x00" in cell:
                raise NeedsModel
            found.setdefault(name, []).append(cell)
    return found


def _numbers(cells: Cells, pairs: Pairs) -> dict[str, float]:
    found: dict[str, float] = {}
    for i, name in pairs:
        if cells[i]:
            found[name] = _number(cells[i])
            if not math.isfinite(found[name]):
                raise NeedsModel
    return found


def _coordinate(cells: Cells, index: int | None, limit: float) -> float | None:
    if index is None or not cells[index]:
        return None
    value = _number(cells[index])
    if not -limit <= value <= limit:
        raise NeedsModel
    return value


def _number(cell: str) -> float:
    try:
        return float(cell)
    except ValueError:
        raise NeedsModel from None


def _choice(cells: Cells, index: int | None, default: str, allowed: tuple[str, ...]) -> str:
    if index is None or not cells[index]:
        return default
    value = cells[index].strip()
    if value not in allowed:
        raise NeedsModel
    return value


@functools.lru_cache(maxsize=8)
def fast_rows(header: Header) -> FastRows | None:
    """The fast path for a header, or None when every row must go through the model: a
    required column is missing, a column other than a map's repeats, a name is not allowed."""
    single = [c for c in header if not c.startswith(tuple(f"{m}." for m in MAPS))]
    required = ("Id", "ChannelType", "Address")
    if len(set(single)) != len(single) or not all(c in header for c in required):
        return None
    maps = {m: _pairs(header, m + ".") for m in MAPS}
    if not all(0 < len(n) <= MAX_NAME and "\x00" not in n for p in maps.values() for _, n in p):
        return None
    at = {column: i for i, column in enumerate(header)}
    return FastRows(
        width=len(header),
        id=at["Id"],
        channel=at["ChannelType"],
        address=at["Address"],
        user_id=at.get("User.UserId"),
        user_attributes=maps["User.UserAttributes"],
        attributes=maps["Attributes"],
        demographic=_fields(at, DEMOGRAPHIC),
        location=_fields(at, LOCATION),
        latitude=at.get(COORDINATES[0]),
        longitude=at.get(COORDINATES[1]),
        metrics=maps["Metrics"],
        opt_out=at.get("OptOut"),
        status=at.get("EndpointStatus"),
        model_only=tuple(i for i, c in enumerate(header) if c in MODEL_ONLY),
    )


def _pairs(header: Header, prefix: str) -> Pairs:
    return tuple((i, c[len(prefix) :]) for i, c in enumerate(header) if c.startswith(prefix))


def _fields(at: dict[str, int], columns: dict[str, str]) -> Pairs:
    """(index, field) for the columns present, in the model's field order."""
    return tuple((at[column], field) for column, field in columns.items() if column in at)
