"""Email over SMTP (stdlib smtplib, in a thread).

smtplib rather than aiosmtplib: no new dependency, and the protocol's reply codes come back as
exceptions that say exactly who refused what (RCPT TO, MAIL FROM, DATA). One connection per
batch, in a worker thread, bounded by the activity concurrency; each message's Message-ID is
made from its idempotency key, so a receiving system sees a retried send as the same message.
Whatever one message's fault, only that message fails; the rest of the batch is sent.

    RCPT TO 5xx, enhanced 5.1.x      PERMANENT, the address is invalid (endpoint marked);
      (not 5.1.7 / 5.1.8: those are the sender's address)
    RCPT TO 550/551/553/501 without  PERMANENT, the address is invalid, unless the reply
      an enhanced code               names a policy (blocked, blocklist, spam, relay...)
    RCPT TO other 5xx (5.7.x policy, PERMANENT, the address kept: the server refused the
      5.2.x mailbox state, ...)      sending host or the message, not the mailbox
    MAIL FROM / DATA 5xx             PERMANENT, naming the sender or the content
    any 4xx                          RETRYABLE
    a header with a line break       PERMANENT before sending, naming the field
    an address needing SMTPUTF8 on   PERMANENT, naming the address (the server cannot
      a server without it            take it; another server could, so it is not marked)
    AUTH refused                     RETRYABLE: fixing the credentials releases the messages
    connection, timeout              RETRYABLE
"""

from __future__ import annotations

import asyncio
import re
import smtplib
import ssl
from collections.abc import Sequence
from email.errors import MessageError
from email.message import EmailMessage
from email.utils import parseaddr

from herald.channels.addresses import email_problem, key_uuid
from herald.channels.config_local import SmtpSettings
from herald.channels.origins import email_origin
from herald.channels.results import accepted, permanent, retryable
from herald.models import AddressProblem, DeliveryResult, OutgoingMessage, RenderedMessage

SETTINGS = "HERALD_CHANNELS__EMAIL__USERNAME / __PASSWORD"
# Without an enhanced status code, the RFC 5321 replies that mean "no such mailbox".
INVALID_MAILBOX = frozenset({501, 550, 551, 553})
# RFC 3463 enhanced status code at the start of the reply text: class.subject.detail.
ENHANCED_CODE = re.compile(r"\s*([245])\.(\d{1,3})\.(\d{1,3})(?!\S)")
# X.1.7 / X.1.8: the sender's address is bad, whatever stage the server said it at.
SENDER_DETAILS = frozenset({7, 8})
# Words of a policy refusal from a server that sends no enhanced code: not the mailbox's fault.
POLICY_WORDS = re.compile(r"block|black ?list|spam|policy|reputation|relay", re.IGNORECASE)
# What str.splitlines() splits on, which the email package refuses in a header value: any of
# these in a rendered subject or header would end the header, or the headers, there.
LINE_BREAK = re.compile("[\r\n\v\f\x1c\x1d\x1e\x85\u2028\u2029]")
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
        except smtplib.SMTPNotSupportedError:
            # Raised before any command of this message: the connection serves the next one.
            return permanent(message, self.name, self._no_smtputf8(message, email))
        except (ValueError, MessageError) as exc:
            # send_message writes the message out before its first command, so this message
            # alone could not be written (two Resent- blocks, a header the policy refuses).
            reason = f"the message could not be written: {_describe(exc)}"
            return permanent(message, self.name, reason)
        origin = email_origin(message.content, str(email["From"]))
        return accepted(message, self.name, str(email["Message-ID"]).strip("<>"), origin)

    def _no_smtputf8(self, message: OutgoingMessage, email: EmailMessage) -> str:
        if message.address.isascii():
            sender = parseaddr(str(email["From"]))[1]
            what = f"the sender {sender!r} (from_address)"
        else:
            what = f"the internationalised address {message.address!r}"
        return (
            f"smtp server {self._where()} does not support SMTPUTF8, which {what} needs; "
            "use a server that advertises SMTPUTF8 for such addresses"
        )

    def _refused(
        self, message: OutgoingMessage, stage: str, code: int, reply: bytes | str
    ) -> DeliveryResult:
        text = reply.decode(errors="replace") if isinstance(reply, bytes) else reply
        reason = f"smtp server refused {stage}: {code} {text}"
        if code < 500:
            return retryable(message, self.name, reason)
        if stage != "RCPT TO":
            return permanent(message, self.name, reason)
        if _invalid_mailbox(code, text):
            return permanent(message, self.name, reason, AddressProblem.INVALID)
        enhanced = ENHANCED_CODE.match(text)
        if enhanced and enhanced.group(2) == "7":
            reason += (
                "; a policy refusal (5.7.x) of the sending host or the message, not of the "
                "mailbox: the address is kept"
            )
        return permanent(message, self.name, reason)

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
        problem = header_problem(content, sender)
        if problem:
            return permanent(message, self.name, problem)
        try:
            return build_email(message, sender)
        except (ValueError, TypeError) as exc:  # a header value the email package refuses
            return permanent(message, self.name, f"the message could not be built: {exc}")

    def _where(self) -> str:
        return f"{self._settings.host}:{self._settings.port}"


def header_problem(content: RenderedMessage, sender: str) -> str | None:
    """Why a header of the rendered email cannot be written (a line break in its value, from
    the template or a value it rendered: it would end the header, or inject another), or None.
    Shared with SES, which takes the subject and headers as given."""
    fields = [("subject", content.subject or ""), ("from_address", sender)]
    fields += [(f"reply_to[{i}]", address) for i, address in enumerate(content.reply_to)]
    fields += [(f"headers.{name}", f"{name}: {value}") for name, value in content.headers.items()]
    for field, value in fields:
        if LINE_BREAK.search(value):
            return (
                f"{field} holds a line break once rendered ({value[:120]!r}); a header is one "
                "line: remove it from the template, or from the value it uses"
            )
    return None


def _invalid_mailbox(code: int, text: str) -> bool:
    """Whether a RCPT TO refusal says the mailbox or its domain does not exist (RFC 3463
    X.1.x, but for the sender's X.1.7 / X.1.8); without an enhanced code, the plain codes
    for it, unless the reply names a policy."""
    enhanced = ENHANCED_CODE.match(text)
    if enhanced:
        return enhanced.group(2) == "1" and int(enhanced.group(3)) not in SENDER_DETAILS
    return code in INVALID_MAILBOX and not POLICY_WORDS.search(text)


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
