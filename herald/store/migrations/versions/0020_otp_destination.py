"""otp destination: a one-time password belongs to its destination and reference id, as
Pinpoint's VerifyOTPMessage names it (DestinationIdentity, ReferenceId), where the reference
id alone was the key: one person's send under "login" killed another's code, and guesses
made with someone else's destination used up the owner's attempts

Revision ID: 0020
Revises: 0006

The primary key of otp_codes becomes (destination, reference_id). Codes kept before stay
valid with no data change: their `destination` column already holds the canonical form the
new key uses (the send normalised the address - E.164, normalised email - before keeping
the code), and one code per reference id is also one per (destination, reference id).

The downgrade goes back to one code per reference id: where several destinations hold a
code under one reference id, only the newest is kept (as a send under the old key would have
done); the others die, and their users ask for a new code. Codes live minutes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
# After the last migration that changes otp_codes (0006, which made it).
down_revision = "0006"
branch_labels = None
depends_on = None

PK = "pk_otp_codes"


def _primary_key(columns: list[str]) -> None:
    # Batch: SQLite changes a primary key only by copying its table; PostgreSQL alters it.
    with op.batch_alter_table("otp_codes") as batch_op:
        batch_op.drop_constraint(PK, type_="primary")
        batch_op.create_primary_key(PK, columns)


def upgrade() -> None:
    _primary_key(["destination", "reference_id"])


def downgrade() -> None:
    op.execute(
        sa.text(
            "DELETE FROM otp_codes WHERE EXISTS (SELECT 1 FROM otp_codes AS newer"
            " WHERE newer.reference_id = otp_codes.reference_id"
            " AND (newer.created_at > otp_codes.created_at"
            " OR (newer.created_at = otp_codes.created_at"
            " AND newer.destination > otp_codes.destination)))"
        )
    )
    _primary_key(["reference_id"])
