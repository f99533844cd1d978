"""unrouted events: a partial index on the events not yet routed, for the worker's sweep;
the events Herald records of itself (sends, holdouts), never routed, marked so

Revision ID: 0022
Revises: 0015

Since 0015, Herald's own send and holdout events were recorded with routed_at empty, as an
app event Temporal did not take is; the sweep must not route them, so they get their
received_at, as they now do when recorded. Their ids are derived (`send-...`,
`holdout-...`, herald.analytics.record).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0015"
branch_labels = None
depends_on = None

INDEX = "ix_events_unrouted"


def upgrade() -> None:
    op.execute(
        "UPDATE events SET routed_at = received_at WHERE routed_at IS NULL "
        "AND (id LIKE 'send-%' OR id LIKE 'holdout-%')"
    )
    where = sa.text("routed_at IS NULL")
    op.create_index(INDEX, "events", ["received_at"], sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="events")
