"""Provider webhooks: replies and delivery receipts in, each authenticated by the provider's
own signature (never an API key), recorded once, and answered quickly.

    POST /v1/webhooks/twilio/sms       Twilio incoming message (A MESSAGE COMES IN)
    POST /v1/webhooks/twilio/status    Twilio status callback (messages' and calls' receipts)
    POST /v1/webhooks/aws/sns          SNS subscription: End User Messaging two-way SMS and
                                       SMS events, SES receiving and SES event notifications
    POST /v1/webhooks/inbound          generic JSON reply, HMAC-SHA256 signed
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response
from fastapi.responses import JSONResponse

from herald.client import HeraldClient
from herald.delivery import RetryableSendError
from herald.inbound import aws, generic, sns, twilio
from herald.inbound.errors import TooLarge, Unauthenticated, WebhookError
from herald.inbound.models import InboundResult

router = APIRouter(prefix="/v1/webhooks", tags=["webhooks"])
TWIML_OK = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'


def _herald(request: Request) -> HeraldClient:
    client: HeraldClient = request.app.state.herald
    return client


Client = Annotated[HeraldClient, Depends(_herald)]


async def read_body(request: Request, client: HeraldClient) -> bytes:
    """The body, refused with 413 past the limit without reading it all into memory."""
    limit = client.settings.two_way.max_body_bytes
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise TooLarge(f"the body is larger than {limit} bytes")
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise TooLarge(f"the body is larger than {limit} bytes")
    return bytes(body)


def _twilio_token(client: HeraldClient) -> str:
    token = client.settings.two_way.twilio_auth_token
    # Else the Twilio channel's own: SMS first, then voice (whose calls post status here too).
    for channel in (client.settings.channels.sms, client.settings.channels.voice):
        if token is None and channel.provider == "twilio":
            token = getattr(channel, "auth_token", None)
    if token is None:
        raise Unauthenticated(
            "cannot verify Twilio: set HERALD_TWO_WAY__TWILIO_AUTH_TOKEN "
            "(or a Twilio SMS or voice channel)"
        )
    return token.get_secret_value()


async def _twilio_form(
    request: Request, client: HeraldClient, signed: str | None
) -> dict[str, str]:
    body = await read_body(request, client)
    params = twilio.form(body)
    public = client.settings.two_way.public_url
    url = str(request.url)
    if public:  # behind a proxy: Twilio signed the URL it was given, not the one we see
        url = (
            public.rstrip("/")
            + request.url.path
            + (f"?{request.url.query}" if request.url.query else "")
        )
    if not signed or not twilio.verify(_twilio_token(client), url, params, signed):
        raise Unauthenticated("X-Twilio-Signature is missing or does not verify")
    return params


TwilioSignature = Annotated[str | None, Header(alias="X-Twilio-Signature")]


@router.post("/twilio/sms")
async def twilio_sms(request: Request, client: Client, signed: TwilioSignature = None) -> Response:
    """An SMS to one of your Twilio numbers. Keyword answers go out through the SMS channel."""
    params = await _twilio_form(request, client, signed)
    await client.receive(twilio.inbound_sms(params))
    return Response(TWIML_OK, media_type="text/xml")


@router.post("/twilio/status")
async def twilio_status(
    request: Request, client: Client, signed: TwilioSignature = None
) -> Response:
    """Twilio's status callback for a message or a voice call Herald sent (`StatusCallback`
    URL): delivered and failed ones are recorded, the steps before are acknowledged."""
    params = await _twilio_form(request, client, signed)
    receipt = twilio.status_receipt(params, str(request.url))
    if receipt is not None:
        await client.record_receipt(receipt)
    return Response(TWIML_OK, media_type="text/xml")


@router.post("/aws/sns")
async def aws_sns(request: Request, client: Client) -> dict[str, Any]:
    """An SNS HTTPS subscription: confirms itself, then takes End User Messaging and SES
    notifications from the topics it is subscribed to."""
    envelope = sns.parse(await read_body(request, client))
    verifier = client.sns_verifier()
    await verifier.verify(envelope)
    if envelope["Type"] == "SubscriptionConfirmation":
        await verifier.confirm(envelope)
        return {"status": "subscribed", "topic": envelope["TopicArn"]}
    if envelope["Type"] == "UnsubscribeConfirmation":
        return {"status": "unsubscribed", "topic": envelope["TopicArn"]}
    return await _aws_message(client, aws.message_of(envelope))


async def _aws_message(client: HeraldClient, message: dict[str, Any]) -> dict[str, Any]:
    if "inboundMessageId" in message:
        return _reply(await client.receive(aws.eum_inbound(message)))
    if str(message.get("eventType", "")).startswith("TEXT_"):
        receipt = aws.eum_event(message)
    elif aws.ses_kind(message) == "Received":
        return _reply(await client.receive(aws.ses_received(message)))
    elif aws.ses_kind(message) in aws.SES_EVENTS:
        receipt = aws.ses_event(message)
    else:
        return {"status": "ignored", "reason": "not a notification Herald handles"}
    recorded = await client.record_receipt(receipt) if receipt else None
    return {"status": "recorded" if recorded else "ignored"}


@router.post("/inbound")
async def inbound(
    request: Request,
    client: Client,
    signed: Annotated[str | None, Header(alias=generic.HEADER)] = None,
) -> dict[str, Any]:
    """A reply from any other source: `{"id", "channel": "SMS"|"EMAIL", "from", "to", "text"}`
    signed with HERALD_TWO_WAY__WEBHOOK_SECRET."""
    secret = client.settings.two_way.webhook_secret
    if secret is None:
        raise Unauthenticated("the generic webhook is off: set HERALD_TWO_WAY__WEBHOOK_SECRET")
    body = await read_body(request, client)
    generic.verify(secret.get_secret_value(), signed, body)
    return _reply(await client.receive(generic.parse(body)))


def _reply(result: InboundResult) -> dict[str, Any]:
    return {"status": "received", **result.model_dump(mode="json")}


async def webhook_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, WebhookError)
    detail: Any = str(exc)
    field = getattr(exc, "field", None)
    if field:
        detail = [{"loc": ["body", *field.split(".")], "msg": str(exc)}]
    return JSONResponse({"detail": detail}, status_code=exc.status)


async def retry_later(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RetryableSendError)
    headers = {"Retry-After": str(int(exc.retry_after or 30))}
    return JSONResponse({"detail": str(exc)}, status_code=503, headers=headers)
