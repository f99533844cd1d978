"""What Twilio SMS and calls share: the account's REST client and reading its errors.

Twilio answers a refused request with {"code", "message", "more_info", "status"}; its error
code says which parameter was wrong, so the reason names it (To, From, Body, Twiml).
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit, urlunsplit

import httpx

from herald.channels import http
from herald.channels.config_http import TwilioSettings
from herald.channels.results import accepted, permanent
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

FIELD_OF_CODE = {
    21211: "To",
    21214: "To",
    21217: "To",
    21401: "To",
    21408: "To",
    21610: "To",
    21612: "To",
    21614: "To",
    13224: "To",
    21212: "From",
    21606: "From",
    21659: "From",
    21602: "Body",
    21617: "Body",
    21701: "MessagingServiceSid",
    12100: "Twiml",
    21620: "MediaUrl",
}
INVALID_TO = frozenset({21211, 21214, 21217, 21401, 21614, 13224})
OPTED_OUT = frozenset({21610})


class TwilioApi:
    def __init__(self, settings: TwilioSettings, provider: str, settings_prefix: str) -> None:
        self.settings = settings
        self.provider = provider
        self._settings_prefix = settings_prefix
        # An API key authenticates as itself; without one, the account SID does.
        user = settings.api_key_sid or settings.account_sid
        self._client = http.make_client(settings.timeout)
        self._auth = httpx.BasicAuth(user, settings.auth_token.get_secret_value())

    def url(self, resource: str) -> str:
        base = self.settings.base_url.rstrip("/")
        return f"{base}/2010-04-01/Accounts/{self.settings.account_sid}/{resource}.json"

    def status_callback(self, message: OutgoingMessage) -> str | None:
        """The configured callback URL with the key added, so a status finds its message."""
        url = self.settings.status_callback_url
        if not url:
            return None
        parts = urlsplit(url)
        key = urlencode({"herald_key": message.idempotency_key})
        query = f"{parts.query}&{key}" if parts.query else key
        return urlunsplit(parts._replace(query=query))

    async def create(
        self, message: OutgoingMessage, resource: str, form: dict[str, str]
    ) -> DeliveryResult:
        try:
            response = await self._client.post(self.url(resource), data=form, auth=self._auth)
        except httpx.HTTPError as exc:
            return http.unreachable(message, self.provider, exc)
        if response.is_success:
            created = response.json()
            # A messaging service picks the number; Twilio names it when it already has.
            origin = created.get("from") or form.get("From")
            return accepted(message, self.provider, str(created["sid"]), origin)
        if http.transient(response):
            return http.unavailable(message, self.provider, response)
        if response.status_code == 401:
            where = f"{self._settings_prefix}ACCOUNT_SID / __AUTH_TOKEN"
            return http.credentials_refused(message, self.provider, response, where)
        return self._rejected(message, response)

    def _rejected(self, message: OutgoingMessage, response: httpx.Response) -> DeliveryResult:
        try:
            error = response.json()
            code, text = int(error.get("code") or 0), str(error.get("message", ""))
            more = str(error.get("more_info") or "")
        except ValueError:
            code, text, more = 0, http.snippet(response), ""
        field = FIELD_OF_CODE.get(code)
        named = f" {field}" if field else ""
        reason = f"twilio rejected{named} ({response.status_code}, error {code}): {text}"
        if more:
            reason += f" ({more})"
        problem = None
        if code in INVALID_TO:
            problem = AddressProblem.INVALID
        elif code in OPTED_OUT:
            problem = AddressProblem.OPTED_OUT
        return permanent(message, self.provider, reason, problem)

    async def aclose(self) -> None:
        await self._client.aclose()
