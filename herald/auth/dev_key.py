"""The API key of `herald dev`: made on the first run, kept in HERALD_HOME/api-key (mode
0600) and reused while it is live, so a local user's scripts keep working across restarts."""

from __future__ import annotations

import os
from pathlib import Path

from herald.auth.keys import Scope
from herald.client import HeraldClient
from herald.store.api_keys import check_key

KEY_FILE = "api-key"


async def dev_key(client: HeraldClient, home: Path) -> str:
    path = home / KEY_FILE
    kept = _read(path)
    if kept:
        async with client.database.session() as session:
            if await check_key(session, kept) is not None:
                return kept
    made = await client.create_api_key("herald dev", Scope.WRITE)
    _write(path, made.key)
    return made.key


def _read(path: Path) -> str | None:
    return path.read_text().strip() if path.exists() else None


def _write(path: Path, key: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as file:
        file.write(key + "\n")
