"""The two-way half of `HeraldClient`: API keys, replies, receipts, inbound history, and
the secrets that sign tracking links and in-app tokens."""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING

from herald.auth.keys import ApiKey, NewApiKey, Scope
from herald.channels import ChannelRegistry
from herald.inbound.models import InboundMessage, InboundResult, Receipt
from herald.inbound.receipts import record_receipt
from herald.inbound.replies import InboundContext, receive
from herald.inbound.sns import SnsVerifier
from herald.models import Event
from herald.models.journey_run import ReplySignal
from herald.settings import Settings
from herald.store import Database
from herald.store import api_keys as key_store
from herald.store.inbound import has_entered, list_inbound
from herald.store.signing import signing_secret
from herald.store.twoway_tables import InboundMessageRow


class TwoWayMethods:
    database: Database
    settings: Settings
    _channels: ChannelRegistry | None = None
    _sns: SnsVerifier | None = None

    if TYPE_CHECKING:  # HeraldClient's own methods

        async def put_event(self, event: Event, *, route: bool = True) -> str: ...
        async def deliver_reply(self, endpoint_id: str, reply: ReplySignal) -> int: ...

    # API keys

    async def create_api_key(self, name: str, scope: Scope = Scope.WRITE) -> NewApiKey:
        """A new key; `.key` is shown once and never stored (only its hash is)."""
        async with self.database.session() as session:
            return await key_store.create_key(session, name, scope)

    async def api_keys(self) -> list[ApiKey]:
        async with self.database.session() as session:
            return await key_store.list_keys(session)

    async def revoke_api_key(self, key_id: str) -> bool:
        async with self.database.session() as session:
            return await key_store.revoke_key(session, key_id)

    # replies and receipts

    async def receive(self, message: InboundMessage) -> InboundResult:
        """Handle an inbound reply once: keywords, then waiting journeys; always recorded."""
        context = InboundContext(
            database=self.database,
            settings=self.settings.two_way,
            channels=self.channels,
            put_event=self.put_event,
            deliver_reply=self._route_reply,
        )
        return await receive(context, message)

    async def record_receipt(self, receipt: Receipt) -> str | None:
        """Record a delivery receipt as an engagement event once; None if no message matched."""
        return await record_receipt(self.database, self.put_event, receipt)

    async def inbound(self, limit: int = 100) -> list[InboundMessageRow]:
        async with self.database.session() as session:
            return await list_inbound(session, limit)

    async def _route_reply(self, endpoint_id: str, reply: ReplySignal) -> int:
        # Temporal is reached only for a participant of some journey: replies are taken
        # (and stored) while Temporal is down, as long as nobody waits for them.
        async with self.database.session() as session:
            if not await has_entered(session, endpoint_id):
                return 0
        return await self.deliver_reply(endpoint_id, reply)

    def channels(self) -> ChannelRegistry:
        """The providers keyword answers go out through (built on first use)."""
        if self._channels is None:
            self._channels = ChannelRegistry.from_settings(self.settings.channels, self.database)
        return self._channels

    def sns_verifier(self) -> SnsVerifier:
        """Checks SNS signatures; it keeps the certificates it fetched."""
        if self._sns is None:
            self._sns = SnsVerifier(self.settings.two_way)
        return self._sns

    # secrets

    async def signing_secret(self) -> bytes:
        configured = self.settings.two_way.signing_secret
        if configured is not None:
            return configured.get_secret_value().encode()
        async with self.database.session() as session:
            return (await signing_secret(session, "default")).encode()

    async def in_app_token(self, endpoint_id: str) -> str:
        """The token an app presents to fetch `endpoint_id`'s in-app messages; hand it to
        the device at sign-in. It changes only when the signing secret does."""
        secret = await self.signing_secret()
        return hmac.new(secret, f"in-app:{endpoint_id}".encode(), hashlib.sha256).hexdigest()

    async def close_two_way(self) -> None:
        if self._sns is not None:
            await self._sns.aclose()
            self._sns = None
        if self._channels is not None:
            await self._channels.aclose()
            self._channels = None
