"""Handing a campaign batch's messages to the providers: one `send` per channel, paced at
the campaign's messages per second."""

from __future__ import annotations

import asyncio
import time

from herald.campaigns.decide import Decision
from herald.channels import ChannelRegistry
from herald.models import DeliveryResult, MessageChannel

# A paced batch hands over a slice of at most a tenth of its messages per second at a time.
SLICES_PER_SECOND = 10


async def hand_over(
    channels: ChannelRegistry, decisions: list[Decision], rate: int | None
) -> tuple[dict[str, DeliveryResult], float]:
    """endpoint -> the provider's answer, and when (time.monotonic) the next message may go.

    Without a rate, the whole batch at once: one `send` per channel. At `rate` messages a
    second (the campaign's messages_per_second, a rate at the provider as Pinpoint's), a
    slice of at most a tenth of a second's messages at a time (one `send` per channel of
    the slice), each slice its share of a second after the one before: rate 2, a message
    every 0.5 s; rate 500, 50 every 0.1 s. A slice that went late (a slow provider) moves
    the ones after it, so the batch never catches up in a burst. A batch of rate * 10
    messages (`snapshot._batch_size`) takes about 10 s, heartbeating all along."""
    outgoing = [d for d in decisions if d.outgoing is not None]
    next_at = time.monotonic()
    if not rate:
        return await _send(channels, outgoing), next_at
    per = max(1, rate // SLICES_PER_SECOND)
    answers: dict[str, DeliveryResult] = {}
    for first in range(0, len(outgoing), per):
        await until(next_at)
        piece = outgoing[first : first + per]
        next_at = max(next_at, time.monotonic()) + len(piece) / rate
        answers |= await _send(channels, piece)
    return answers, next_at


async def _send(channels: ChannelRegistry, decisions: list[Decision]) -> dict[str, DeliveryResult]:
    """endpoint -> the provider's answer, one `send` per channel."""
    by_channel: dict[MessageChannel, list[Decision]] = {}
    for d in decisions:
        if d.outgoing is not None:
            by_channel.setdefault(d.outgoing.channel, []).append(d)
    answers: dict[str, DeliveryResult] = {}
    for channel, group in by_channel.items():
        provider = channels.for_channel(channel)
        results = await provider.send([d.outgoing for d in group if d.outgoing])
        answers.update({d.endpoint_id: r for d, r in zip(group, results, strict=True)})
    return answers


async def until(when: float) -> None:
    """Sleep until `when` (time.monotonic); at once if it has passed."""
    remaining = when - time.monotonic()
    if remaining > 0:
        await asyncio.sleep(remaining)
