"""AWS End User Messaging SMS and voice (`pinpoint-sms-voice-v2`), which moto does not serve:
its JSON 1.0 protocol, checked against botocore's own service model, with SigV4 verified.

A request must carry the JSON 1.0 content type, an X-Amz-Target the model defines, a SigV4
signature made with the known credentials, and a body whose members, types and enums the
model allows. +15005550001 is an invalid destination (ValidationException naming
DestinationPhoneNumber); +15005550004 has opted out (ConflictException).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.loaders import Loader
from botocore.model import ServiceModel, Shape, StructureShape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from tests.channels.fakes.base import Recorder

MODEL = ServiceModel(Loader().load_service_model("pinpoint-sms-voice-v2", "service-2"))
PREFIX = MODEL.metadata["targetPrefix"]
SERVED = {"SendTextMessage", "SendVoiceMessage"}


class FakeEndUserMessaging(Recorder):
    def __init__(self, credentials: Credentials, region: str) -> None:
        super().__init__()
        self.credentials, self.region = credentials, region
        self.app = Starlette(routes=[Route("/", self.call, methods=["POST"])])

    async def call(self, request: Request) -> Response:
        body = await request.body()
        if request.headers.get("content-type") != "application/x-amz-json-1.0":
            return error(400, "SerializationException", "expected application/x-amz-json-1.0")
        if not self._signed(request, body):
            return error(403, "InvalidSignatureException", "The request signature does not match")
        target = request.headers.get("x-amz-target", "")
        operation = target.removeprefix(f"{PREFIX}.")
        if not target.startswith(f"{PREFIX}.") or operation not in SERVED:
            return error(400, "UnknownOperationException", f"unknown target {target}")
        document = json.loads(body)
        shape = MODEL.operation_model(operation).input_shape
        assert shape is not None
        problems = shape_problems(shape, document, "")
        if problems:
            fields = [{"Name": name, "Message": text} for name, text in problems]
            return error(
                400,
                "ValidationException",
                "invalid request",
                Reason="FIELD_VALIDATION_FAILED",
                Fields=fields,
            )
        return self.scripted() or self._answer(operation, document)

    def _answer(self, operation: str, document: dict[str, Any]) -> Response:
        destination = document["DestinationPhoneNumber"]
        if destination == "+15005550001":
            fields = [{"Name": "DestinationPhoneNumber", "Message": "not a valid phone number"}]
            return error(
                400,
                "ValidationException",
                "invalid destination",
                Reason="INVALID_PARAMETER",
                Fields=fields,
            )
        if destination == "+15005550004":
            return error(
                400,
                "ConflictException",
                "destination opted out",
                Reason="DESTINATION_PHONE_NUMBER_OPTED_OUT",
                ResourceType="opt-out-list",
                ResourceId="Default",
            )
        message_id = str(uuid.uuid4())
        self.accepted.append({"operation": operation, "MessageId": message_id, **document})
        return JSONResponse({"MessageId": message_id}, media_type="application/x-amz-json-1.0")

    def _signed(self, request: Request, body: bytes) -> bool:
        """Recompute the SigV4 signature over the headers the client says it signed."""
        authorization = request.headers.get("authorization", "")
        parts = dict(
            p.strip().split("=", 1)
            for p in authorization.removeprefix("AWS4-HMAC-SHA256 ").split(",")
        )
        signed_names = parts.get("SignedHeaders", "").split(";")
        if not parts.get("Credential", "").startswith(f"{self.credentials.access_key}/"):
            return False
        headers = {name: request.headers[name] for name in signed_names if name in request.headers}
        copy = AWSRequest(method=request.method, url=str(request.url), headers=headers, data=body)
        copy.context["timestamp"] = request.headers.get("x-amz-date", "")
        signer = SigV4Auth(self.credentials, "sms-voice", self.region)
        canonical = signer.canonical_request(copy)
        expected = signer.signature(signer.string_to_sign(copy, canonical), copy)
        return expected == parts.get("Signature")


def shape_problems(shape: Shape, value: Any, path: str) -> list[tuple[str, str]]:
    """(member path, problem) for each way `value` breaks `shape`, as the service validates."""
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        if not isinstance(value, dict):
            return [(path, "must be an object")]
        found = [(f"{path}{k}", "unknown member") for k in value if k not in shape.members]
        found += [(f"{path}{k}", "is required") for k in shape.required_members if k not in value]
        for name, member in shape.members.items():
            if name in value:
                found += shape_problems(member, value[name], f"{path}{name}.")
        return [(p.rstrip("."), text) for p, text in found]
    expected = {"string": str, "integer": int, "boolean": bool, "map": dict, "list": list}
    if kind in expected and not isinstance(value, expected[kind]):
        return [(path, f"must be a {kind}")]
    enum: list[str] = getattr(shape, "enum", []) if kind == "string" else []
    if enum and value not in enum:
        return [(path, f"must be one of {', '.join(enum[:5])}...")]
    return []


def error(status: int, code: str, message: str, **members: Any) -> Response:
    body = {"__type": f"com.amazonaws.pinpointsmsvoicev2#{code}", "Message": message, **members}
    return JSONResponse(
        body,
        status_code=status,
        headers={"x-amzn-ErrorType": code},
        media_type="application/x-amz-json-1.0",
    )
