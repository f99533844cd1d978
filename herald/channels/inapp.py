"""In-app messages: kept per endpoint in Herald's database; apps fetch them over HTTP
(GET /v1/in-app/{endpoint_id}, highest priority first) and dismiss what they showed.

A message without in-app parts is shown as its title (or subject) and body (or text).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from herald.channels.base import DatabaseProvider
from herald.channels.config_local import InAppSettings
from herald.channels.results import accepted, permanent
from herald.models import DeliveryResult, InAppContent, OutgoingMessage
from herald.store import Database
from herald.store.inapp import add_in_app, provider_message_id


class InAppProvider(DatabaseProvider):
    name = "in-app"

    def __init__(self, database: Database, settings: InAppSettings) -> None:
        super().__init__(database)
        self._settings = settings

    async def send_in(
        self, session: AsyncSession, messages: Sequence[OutgoingMessage]
    ) -> list[DeliveryResult]:
        results = []
        for message in messages:
            content = in_app_content(message)
            expires_at = self._expiry(content)
            if expires_at is not None and expires_at <= datetime.now(UTC):
                reason = f"the in-app message expired at {expires_at.isoformat()} before sending"
                results.append(permanent(message, self.name, reason))
                continue
            message_id = await add_in_app(
                session,
                message,
                content,
                expires_at=expires_at,
                cap=self._settings.max_per_endpoint,
            )
            results.append(accepted(message, self.name, provider_message_id(message_id)))
        return results

    def _expiry(self, content: InAppContent) -> datetime | None:
        if content.expires_at is not None:
            return content.expires_at
        if self._settings.default_ttl is None:
            return None
        return datetime.now(UTC) + self._settings.default_ttl


def in_app_content(message: OutgoingMessage) -> InAppContent:
    rendered = message.content
    if rendered.in_app is not None:
        return rendered.in_app
    return InAppContent(
        header=rendered.title or rendered.subject, body=rendered.body or rendered.text
    )
