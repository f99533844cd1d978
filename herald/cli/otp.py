"""`herald otp send|verify`: one-time passwords."""

from __future__ import annotations

from typing import Annotated, Literal

import typer

from herald.cli.common import JsonFlag, fail, out, print_json, run
from herald.models.otp import OtpRequest, OtpVerification

app = typer.Typer(help="One-time passwords: send a code, verify it.", no_args_is_help=True)

Destination = Annotated[str, typer.Argument(help="Phone number (E.164) or email address.")]
Reference = Annotated[str, typer.Option("--reference", help="Reference id: verify with it.")]


@app.command("send")
def send(
    destination: Destination,
    reference: Reference,
    brand: Annotated[str, typer.Option(help="Brand name in the message.")],
    channel: Annotated[str, typer.Option(help="SMS, EMAIL or VOICE.")] = "SMS",
    length: Annotated[int, typer.Option(help="Digits in the code.")] = 6,
    validity: Annotated[int, typer.Option(help="Minutes the code is valid.")] = 15,
    attempts: Annotated[int, typer.Option(help="Wrong tries before the code dies.")] = 3,
    template: Annotated[str | None, typer.Option(help="Template of the channel.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Send a new code (the previous code for this destination and reference dies)."""
    fields = {
        "destination_identity": destination, "reference_id": reference, "brand_name": brand,
        "channel": channel, "code_length": length, "validity_minutes": validity,
        "allowed_attempts": attempts, "template": template,
    }  # fmt: skip
    try:
        request = OtpRequest.model_validate(fields).checked()
    except ValueError as exc:  # OtpDestinationError among them
        fail(str(exc))
    response = run(lambda c: c.send_otp(request))
    if as_json:
        print_json(response.model_dump(mode="json"))
        return
    result = response.result
    status = result.status.value if result else response.state.value
    reason = f": {result.reason}" if result and result.reason else ""
    out.print(f"code for {reference} to {destination}: {status}{reason}", highlight=False)
    if result and result.status != "ACCEPTED":
        raise typer.Exit(1)


@app.command("verify")
def verify(destination: Destination, reference: Reference, code: str) -> None:
    """Exit 0 if the code is valid (it is then used up), 1 if not."""
    check = OtpVerification(destination_identity=destination, reference_id=reference, otp=code)
    valid: Literal[True, False] = run(lambda c: c.verify_otp(check))
    out.print("valid" if valid else "not valid", highlight=False)
    raise typer.Exit(0 if valid else 1)
