"""Content checksums: re-applying an unchanged definition must not make a new version."""

from __future__ import annotations

import hashlib
import json
from typing import Any


def checksum(document: Any) -> str:
    canonical = json.dumps(document, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
