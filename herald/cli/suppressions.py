"""`herald suppressions list|add|remove`: the addresses nothing is sent to."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, TypeVar

import typer
from rich.table import Table

from herald.cli.common import JsonFlag, fail, out, print_json, run
from herald.client import HeraldClient
from herald.models import AddressProblem, MessageChannel
from herald.models.addresses import AddressError

app = typer.Typer(help="The suppression list: addresses nothing is sent to.", no_args_is_help=True)
T = TypeVar("T")
Channel = Annotated[MessageChannel, typer.Argument(help="EMAIL, SMS, VOICE, PUSH, ...")]
Address = Annotated[str, typer.Argument(help="The address (normalised as sends see it).")]


def _checked(
    call: Callable[[HeraldClient], Awaitable[T]],
) -> Callable[[HeraldClient], Awaitable[T]]:
    async def work(client: HeraldClient) -> T:
        try:
            return await call(client)
        except AddressError as exc:
            fail(f"address: {exc}")

    return work


@app.command("list")
def list_(
    channel: Annotated[MessageChannel | None, typer.Option(help="Only this channel.")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Suppressed addresses, newest first."""
    found = run(lambda c: c.suppressions(channel))
    if as_json:
        print_json([s.model_dump(mode="json") for s in found])
        return
    table = Table("channel", "address", "reason", "since", "detail")
    for s in found:
        since = s.created_at.strftime("%Y-%m-%d %H:%M")
        table.add_row(s.channel.value, s.address, s.reason, since, s.detail or "")
    out.print(table)


@app.command("add")
def add(
    channel: Channel,
    address: Address,
    reason: Annotated[AddressProblem, typer.Option(help="Why.")] = AddressProblem.OPTED_OUT,
    detail: Annotated[str | None, typer.Option(help="A note.")] = None,
) -> None:
    """Stop every send to an address on a channel."""
    stored = run(_checked(lambda c: c.suppress(channel, address, reason=reason, detail=detail)))
    out.print(f"suppressed on {channel.value}: {stored}", highlight=False)


@app.command("remove")
def remove(channel: Channel, address: Address) -> None:
    """Lift a suppression: the address is sent to again."""
    if not run(_checked(lambda c: c.lift_suppression(channel, address))):
        fail(f"{address!r} is not suppressed on {channel.value}")
    out.print(f"lifted on {channel.value}: {address}", highlight=False)
