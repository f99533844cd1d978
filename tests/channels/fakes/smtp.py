"""An SMTP server (aiosmtpd) that requires STARTTLS and AUTH, as a submission port does.

RCPT TO a mailbox at `nobody.example.com` is refused 550 (no such user); at `busy.example.com`
451 (try later). What it accepts is kept with its envelope.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from herald.channels.config_local import SmtpSettings
from tests.channels.keys import Tls

PASSWORD = "smtp-password-never-logged"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpHandler:
    username: str
    password: str
    received: list[Received] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        domain = address.rpartition("@")[2]
        if domain == "nobody.example.com":
            return "550 5.1.1 No such user here"
        if domain == "busy.example.com":
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        content = envelope.original_content or b""
        parsed = message_from_bytes(content, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        self.received.append(Received(str(envelope.mail_from), list(envelope.rcpt_tos), parsed))
        return "250 2.0.0 Ok: queued"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: Any
    ) -> AuthResult:
        if not isinstance(data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = data.login.decode() == self.username and data.password.decode() == self.password
        if ok:
            self.logins.append(data.login.decode())
        # handled=False on failure: the server answers 535 itself.
        return AuthResult(success=ok, handled=ok)


def smtp_settings(port: int, tls: Tls, **changes: object) -> SmtpSettings:
    """Settings that reach `smtp_server` over STARTTLS, trusting the test CA, with AUTH."""
    fields = {
        "provider": "smtp",
        "host": "127.0.0.1",
        "port": port,
        "username": "herald",
        "password": PASSWORD,
        "from_address": "news@example.com",
        "ca_file": tls.ca_file,
        "timeout": 5,
        **changes,
    }
    return SmtpSettings.model_validate(fields)
