"""What moto's backend holds, read over HTTP from its inspection API (/moto-api/data.json)."""

from __future__ import annotations

from typing import Any

import httpx


async def moto_models(moto_url: str, service: str, model: str) -> list[dict[str, Any]]:
    async with httpx.AsyncClient(trust_env=False) as client:
        response = await client.get(f"{moto_url}/moto-api/data.json")
    response.raise_for_status()
    found: list[dict[str, Any]] = response.json().get(service, {}).get(model, [])
    return found
