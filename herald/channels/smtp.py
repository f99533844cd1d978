"""Email over SMTP (stdlib smtplib, in a thread).

smtplib rather than aiosmtplib: no new dependency, and the protocol's reply codes come back as
exceptions that say exactly who refused what (RCPT TO, MAIL FROM, DATA). One connection per
batch, in a worker thread, bounded by the activity concurrency; each message's Message-ID is
made from its idempotency key, so a receiving system sees a retried send as the same message.

    RCPT TO 550/551/553/501   PERMANENT, the address is invalid (endpoint marked)
    MAIL FROM / DATA 5xx      PERMANENT, naming the sender or the content
    any 4xx                   RETRYABLE
    AUTH refused              RETRYABLE: fixing the credentials releases the messages
    connection, timeout       RETRYABLE
"""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from collections.abc import Sequence
from email.message import EmailMessage

from herald.channels.addresses import email_problem, key_uuid
from herald.channels.config_local import SmtpSettings
from herald.channels.origins import email_origin
from herald.channels.results import accepted, permanent, retryable
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage

SETTINGS = "HERALD_CHANNELS__EMAIL__USERNAME / __PASSWORD"
INVALID_MAILBOX = frozenset({501, 550, 551, 553})
NO_SENDER = (
    "no From address: set from_address on the template or HERALD_CHANNELS__EMAIL__FROM_ADDRESS"
)


class SmtpProvider:
    name = "smtp"

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings

    async def send(self, messages: Sequence[OutgoingMessage]) -> list[DeliveryResult]:
        return await asyncio.to_thread(self._send_batch, list(messages))

    def _send_batch(self, messages: list[OutgoingMessage]) -> list[DeliveryResult]:
        results: dict[int, DeliveryResult] = {}
        ready: list[tuple[int, OutgoingMessage, EmailMessage]] = []
        for i, message in enumerate(messages):
            built = self._build(message)
            if isinstance(built, DeliveryResult):
                results[i] = built
            else:
                ready.append((i, message, built))
        if ready:
            results.update(self._deliver(ready))
        return [results[i] for i in range(len(messages))]

    def _deliver(
        self, ready: list[tuple[int, OutgoingMessage, EmailMessage]]
    ) -> dict[int, DeliveryResult]:
        results: dict[int, DeliveryResult] = {}
        try:
            with self._connect() as conn:
                for i, message, email in ready:
                    results[i] = self._send_one(conn, message, email)
        except smtplib.SMTPAuthenticationError as exc:
            reason = f"smtp server refused the login ({exc.smtp_code}); check {SETTINGS}"
            return {i: retryable(m, self.name, reason, 60.0) for i, m, _ in ready}
        except (OSError, smtplib.SMTPException) as exc:
            # The connection failed or dropped mid-batch: what got no answer is retried.
            reason = f"smtp server {self._where()} unreachable: {_describe(exc)}"
            return {i: results.get(i) or retryable(m, self.name, reason) for i, m, _ in ready}
        return results

    def _connect(self) -> smtplib.SMTP:
        settings = self._settings
        context = ssl.create_default_context(
            cafile=str(settings.ca_file) if settings.ca_file else None
        )
        conn: smtplib.SMTP
        if settings.security == "tls":
            conn = smtplib.SMTP_SSL(
                settings.host, settings.port, timeout=settings.timeout, context=context
            )
        else:
            conn = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
        try:
            if settings.security == "starttls":
                conn.starttls(context=context)
            if settings.username:
                password = settings.password.get_secret_value() if settings.password else ""
                conn.login(settings.username, password)
        except BaseException:
            conn.close()
            raise
        return conn

    def _send_one(
        self, conn: smtplib.SMTP, message: OutgoingMessage, email: EmailMessage
    ) -> DeliveryResult:
        try:
            conn.send_message(email, to_addrs=[message.address])
        except smtplib.SMTPRecipientsRefused as exc:
            code, reply = next(iter(exc.recipients.values()))
            return self._refused(message, "RCPT TO", code, reply)
        except smtplib.SMTPSenderRefused as exc:
            return self._refused(message, "MAIL FROM (from_address)", exc.smtp_code, exc.smtp_error)
        except smtplib.SMTPDataError as exc:
            return self._refused(message, "DATA (the message)", exc.smtp_code, exc.smtp_error)
        origin = email_origin(message.content, str(email["From"]))
        return accepted(message, self.name, str(email["Message-ID"]).strip("<>"), origin)

    def _refused(
        self, message: OutgoingMessage, stage: str, code: int, reply: bytes | str
    ) -> DeliveryResult:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
        reason = f"smtp server refused {stage}: {code} {text}"
        if code < 500:
            return retryable(message, self.name, reason)
        invalid = stage == "RCPT TO" and code in INVALID_MAILBOX
        return permanent(message, self.name, reason, AddressProblem.INVALID if invalid else None)

    def _build(self, message: OutgoingMessage) -> EmailMessage | DeliveryResult:
        problem = email_problem(message.address)
        if problem:
            return permanent(message, self.name, problem, AddressProblem.INVALID)
        content = message.content
        sender = content.from_address or self._settings.from_address
        if not sender:
            return permanent(message, self.name, NO_SENDER)
        if not (content.text or content.html):
            return permanent(message, self.name, "the message has no html or text part")
        return build_email(message, sender)

    def _where(self) -> str:
        return f"{self._settings.host}:{self._settings.port}"


def build_email(message: OutgoingMessage, sender: str) -> EmailMessage:
    content = message.content
    email = EmailMessage()
    for name, value in content.headers.items():
        email[name] = value
    email["From"] = sender
    email["To"] = message.address
    email["Subject"] = content.subject or ""
    if content.reply_to:
        email["Reply-To"] = ", ".join(content.reply_to)
    domain = sender.rpartition("@")[2].strip(">") or "herald.invalid"
    email["Message-ID"] = f"<{key_uuid(message.idempotency_key)}@{domain}>"
    if content.text:
        email.set_content(content.text)
        if content.html:
            email.add_alternative(content.html, subtype="html")
    else:
        email.set_content(content.html or "", subtype="html")
    return email


def _describe(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
