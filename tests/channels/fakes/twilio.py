"""Twilio's REST API (Messages, Calls): basic auth, form bodies, its error codes.

Twilio's magic test numbers answer as Twilio does: +15005550001 is invalid (21211),
+15005550004 has opted out (21610), +15005550009 cannot receive SMS (21614).
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Mapping
from xml.etree import ElementTree

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.channels.fakes.base import Recorder, form_of, json_error

MAGIC = {
    "+15005550001": (21211, "The 'To' number +15005550001 is not a valid phone number."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number is not a valid mobile number"),
}


class FakeTwilio(Recorder):
    def __init__(self, account_sid: str, auth_token: str) -> None:
        super().__init__()
        self.account_sid, self.auth_token = account_sid, auth_token
        self.app = Starlette(
            routes=[
                Route("/2010-04-01/Accounts/{sid}/Messages.json", self.messages, methods=["POST"]),
                Route("/2010-04-01/Accounts/{sid}/Calls.json", self.calls, methods=["POST"]),
            ]
        )

    def _refusal(self, request: Request) -> Response | None:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if request.headers.get("authorization") != f"Basic {expected}" or (
            request.path_params["sid"] != self.account_sid
        ):
            return _error(401, 20003, "Authenticate")
        if request.headers.get("content-type") != "application/x-www-form-urlencoded":
            return _error(400, 20001, "form body expected")
        return self.scripted()

    async def messages(self, request: Request) -> Response:
        await self.held()
        refused = self._refusal(request)
        if refused is not None:
            return refused
        form = await form_of(request)
        if not form.get("To"):
            return _error(400, 21604, "A 'To' phone number is required.")
        if not (form.get("From") or form.get("MessagingServiceSid")):
            return _error(400, 21603, "A 'From' phone number is required.")
        if not form.get("Body"):
            return _error(400, 21602, "Message body is required.")
        if form["To"] in MAGIC:
            code, text = MAGIC[form["To"]]
            return _error(400, code, text)
        return self._created("SM", form)

    async def calls(self, request: Request) -> Response:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        form = await form_of(request)
        if not (form.get("To") and form.get("From")):
            return _error(400, 21201, "No 'To' or 'From' number is specified")
        try:
            root = ElementTree.fromstring(str(form.get("Twiml", "")))
        except ElementTree.ParseError:
            return _error(400, 12100, "Document parse failure")
        if root.tag != "Response":
            return _error(400, 12100, "Document parse failure")
        if form["To"] == "+15005550001":
            return _error(400, 21217, "Phone number does not appear to be valid")
        return self._created("CA", form)

    def _created(self, prefix: str, form: Mapping[str, str]) -> Response:
        sid = prefix + secrets.token_hex(16)
        self.accepted.append({"sid": sid, **form})
        # As Twilio answers: `from` is null while a messaging service has not picked a number.
        answer = {"sid": sid, "status": "queued", "to": form["To"], "from": form.get("From")}
        return JSONResponse(answer, status_code=201)


def _error(status: int, code: int, message: str) -> Response:
    return json_error(
        status,
        {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        },
    )
