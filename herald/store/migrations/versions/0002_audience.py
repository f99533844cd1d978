"""audience: segment lookup tables, user and location columns, event indexes

Revision ID: 0002
Revises: 0001

Segments compile to SQL over plain indexed rows: one row per attribute value (endpoint and
user), per metric, and per imported segment member. Existing endpoints and users get their
rows here, and existing events their user, so segments see data stored before this version.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from herald.models.instants import parse_instant

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

DEMOGRAPHIC: tuple[str, ...] = ("timezone", "locale", "platform", "platform_version")
DEMOGRAPHIC += ("make", "model", "model_version", "app_version")
LOCATION = ("country", "region", "city", "postal_code")
MAX_VALUE = 300
CHUNK = 1000


def upgrade() -> None:
    _create_tables()
    with op.batch_alter_table("endpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("geo_x", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("geo_y", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("geo_z", sa.Float(), nullable=True))
        batch_op.add_column(sa.Column("checksum", sa.String(length=32), nullable=True))
        batch_op.create_index(batch_op.f("ix_endpoints_geo_z"), ["geo_z"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_endpoints_effective_date"), ["effective_date"], unique=False
        )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.String(length=200), nullable=True))
        batch_op.alter_column("endpoint_id", existing_type=sa.String(length=200), nullable=True)
        batch_op.create_index(batch_op.f("ix_events_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            "ix_events_type_time",
            ["event_type", "timestamp", "endpoint_id", "user_id"],
            unique=False,
        )
    _backfill(op.get_bind())


def _create_tables() -> None:
    # WITHOUT ROWID on SQLite: these tables are their keys, so an insert fills one b-tree
    # less. Time indexes are partial: only values that read as dates are in them.
    has_time = sa.text("time_value IS NOT NULL")
    op.create_table(
        "endpoint_attributes",
        sa.Column("scope", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("endpoint_id", sa.String(length=200), nullable=False),
        sa.Column("time_value", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(
            "scope", "name", "value", "endpoint_id", name=op.f("pk_endpoint_attributes")
        ),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_endpoint_attributes_endpoint_id",
        "endpoint_attributes",
        ["endpoint_id", "scope", "name", "value"],
    )
    op.create_index(
        "ix_endpoint_attributes_time",
        "endpoint_attributes",
        ["scope", "name", "time_value", "endpoint_id"],
        sqlite_where=has_time,
        postgresql_where=has_time,
    )
    op.create_table(
        "user_attributes",
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=300), nullable=False),
        sa.Column("user_id", sa.String(length=200), nullable=False),
        sa.Column("time_value", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("name", "value", "user_id", name=op.f("pk_user_attributes")),
        sqlite_with_rowid=False,
    )
    op.create_index("ix_user_attributes_user_id", "user_attributes", ["user_id", "name", "value"])
    op.create_index(
        "ix_user_attributes_time",
        "user_attributes",
        ["name", "time_value", "user_id"],
        sqlite_where=has_time,
        postgresql_where=has_time,
    )
    op.create_table(
        "endpoint_metrics",
        sa.Column("endpoint_id", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("endpoint_id", "name", name=op.f("pk_endpoint_metrics")),
        sqlite_with_rowid=False,
    )
    op.create_index(
        "ix_endpoint_metrics_value", "endpoint_metrics", ["name", "value", "endpoint_id"]
    )
    op.create_table(
        "segment_members",
        sa.Column("segment", sa.String(length=100), nullable=False),
        sa.Column("generation", sa.String(length=64), nullable=False),
        sa.Column("member_type", sa.String(length=8), nullable=False),
        sa.Column("member_id", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint(
            "segment", "generation", "member_type", "member_id", name=op.f("pk_segment_members")
        ),
        sqlite_with_rowid=False,
    )


# Backfill. Self-contained on purpose: a migration must keep meaning what it meant when it
# was written, whatever the application code becomes.

_endpoints = sa.table(
    "endpoints",
    sa.column("id", sa.String),
    sa.column("attributes", sa.JSON),
    sa.column("demographic", sa.JSON),
    sa.column("location", sa.JSON),
    sa.column("metrics", sa.JSON),
    sa.column("geo_x", sa.Float),
    sa.column("geo_y", sa.Float),
    sa.column("geo_z", sa.Float),
)
_users = sa.table("users", sa.column("user_id", sa.String), sa.column("user_attributes", sa.JSON))
_endpoint_attributes = sa.table(
    "endpoint_attributes",
    sa.column("endpoint_id", sa.String),
    sa.column("scope", sa.String),
    sa.column("name", sa.String),
    sa.column("value", sa.String),
    sa.column("time_value", sa.DateTime(timezone=True)),
)
_user_attributes = sa.table(
    "user_attributes",
    sa.column("user_id", sa.String),
    sa.column("name", sa.String),
    sa.column("value", sa.String),
    sa.column("time_value", sa.DateTime(timezone=True)),
)
_endpoint_metrics = sa.table(
    "endpoint_metrics",
    sa.column("endpoint_id", sa.String),
    sa.column("name", sa.String),
    sa.column("value", sa.Float),
)


def _backfill(bind: sa.Connection) -> None:
    columns = ("id", "attributes", "demographic", "location", "metrics")
    rows = bind.execute(sa.select(*(_endpoints.c[name] for name in columns))).all()
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        _insert(bind, _endpoint_attributes, [a for r in chunk for a in _attribute_rows(r)])
        _insert(bind, _endpoint_metrics, [m for r in chunk for m in _metric_rows(r)])
        for row in chunk:
            _set_geo(bind, row)
    users = bind.execute(sa.select(_users.c.user_id, _users.c.user_attributes)).all()
    user_rows = [
        {"user_id": user_id, "name": name, "value": value, "time_value": parse_instant(value)}
        for user_id, attributes in users
        for name, values in (attributes or {}).items()
        for value in _distinct(values)
    ]
    for start in range(0, len(user_rows), CHUNK):
        _insert(bind, _user_attributes, user_rows[start : start + CHUNK])
    bind.execute(
        sa.text(
            "UPDATE events SET user_id = "
            "(SELECT endpoints.user_id FROM endpoints WHERE endpoints.id = events.endpoint_id)"
        )
    )


def _insert(bind: sa.Connection, table: sa.TableClause, rows: list[dict[str, Any]]) -> None:
    if rows:
        bind.execute(table.insert(), rows)


def _attribute_rows(row: Any) -> Iterator[dict[str, Any]]:
    endpoint_id, attributes, demographic, location = row[0], row[1] or {}, row[2] or {}, row[3]
    for name, values in attributes.items():
        for value in _distinct(values):
            yield _value(endpoint_id, "attribute", name, value, parse_instant(value))
    for scope, fields, part in (
        ("demographic", DEMOGRAPHIC, demographic),
        ("location", LOCATION, location or {}),
    ):
        for field in fields:
            found = part.get(field)
            if isinstance(found, str) and len(found) <= MAX_VALUE:
                yield _value(endpoint_id, scope, field, found, None)


def _value(endpoint_id: str, scope: str, name: str, value: str, at: Any) -> dict[str, Any]:
    row = {"endpoint_id": endpoint_id, "scope": scope, "name": name, "value": value}
    return row | {"time_value": at}


def _metric_rows(row: Any) -> Iterator[dict[str, Any]]:
    for name, value in (row[4] or {}).items():
        if isinstance(value, int | float) and math.isfinite(value):
            yield {"endpoint_id": row[0], "name": name, "value": float(value)}


def _set_geo(bind: sa.Connection, row: Any) -> None:
    location = row[3] or {}
    lat, lon = location.get("latitude"), location.get("longitude")
    if lat is None or lon is None:
        return
    lat, lon = math.radians(lat), math.radians(lon)
    bind.execute(
        _endpoints.update()
        .where(_endpoints.c.id == row[0])
        .values(
            geo_x=math.cos(lat) * math.cos(lon),
            geo_y=math.cos(lat) * math.sin(lon),
            geo_z=math.sin(lat),
        )
    )


def _distinct(values: Any) -> list[str]:
    found = values if isinstance(values, list) else []
    return [v for v in dict.fromkeys(found) if isinstance(v, str) and len(v) <= MAX_VALUE]


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index("ix_events_type_time")
        batch_op.drop_index(batch_op.f("ix_events_user_id"))
        batch_op.alter_column("endpoint_id", existing_type=sa.String(length=200), nullable=False)
        batch_op.drop_column("user_id")
    with op.batch_alter_table("endpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_endpoints_effective_date"))
        batch_op.drop_index(batch_op.f("ix_endpoints_geo_z"))
        batch_op.drop_column("checksum")
        batch_op.drop_column("geo_z")
        batch_op.drop_column("geo_y")
        batch_op.drop_column("geo_x")
    op.drop_table("segment_members")
    op.drop_table("endpoint_metrics")
    op.drop_table("user_attributes")
    op.drop_table("endpoint_attributes")
