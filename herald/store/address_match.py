"""When a stored address is the address asked about: an email whatever its case, anything else
as written.

Endpoints keep an email's local part as imported (`Jane.Doe@example.com`), while mail
systems treat it case-insensitively: a reply, a bounce or a suppression list may say
`JANE.DOE@example.com`. The database folds both sides, so they fold alike (SQLite's lower()
folds ASCII only: an address folded by Python would miss even an exact non-ASCII match), and
the expression is that of the lower(address) indexes on endpoints and suppressions, so a
look-up is an index search. Phone numbers are E.164 on both sides, and a push token that
differs by case is another device.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, SQLColumnExpression, func


def same_address(
    column: SQLColumnExpression[str], channel: str, address: str | SQLColumnExpression[str]
) -> ColumnElement[bool]:
    """`column` holds `address` (a value or another column) on `channel` (a MessageChannel or
    its value)."""
    if channel == "EMAIL":
        return func.lower(column) == func.lower(address)
    return column == address
