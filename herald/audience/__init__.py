"""Audience data in bulk: endpoint files in Pinpoint's import formats (CSV, NDJSON)."""

from herald.audience.importer import import_endpoints
from herald.audience.records import FileFormatError
from herald.audience.report import ImportReport, RowProblem

__all__ = ["FileFormatError", "ImportReport", "RowProblem", "import_endpoints"]
