"""`GET /metrics` for Prometheus: Herald's own counters, read from the store at each scrape
(so they agree across API and worker processes and survive restarts), plus this API's
request counts (webhook requests among them, by route). The Temporal SDK's runtime metrics
are served by the worker itself (HERALD_WORKER_METRICS_ADDRESS)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from herald.client import HeraldClient
from herald.models import MessageStatus
from herald.store.clock import utcnow
from herald.store.stream_outbox import SinkState, sink_states
from herald.store.tables import MessageRow

router = APIRouter(tags=["operations"])


class StoreCollector(Collector):
    """Values read at scrape time; `collect` gets them from the last `refresh`."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str, int]] = []
        self.sinks: list[SinkState] = []

    def collect(self) -> Iterator[Metric]:
        # A counter's series may never go down (rate() would read a fall as a reset), so it
        # counts finished messages only: a PENDING one becomes SENT, SKIPPED or FAILED, and
        # the messages not finished yet are a gauge.
        messages = CounterMetricFamily(
            "herald_messages",
            "Finished messages by channel and outcome.",
            labels=["channel", "outcome"],
        )
        pending = GaugeMetricFamily(
            "herald_messages_pending", "Messages claimed, not finished yet.", labels=["channel"]
        )
        unfinished: dict[str, int] = {}
        for channel, outcome, n in self.messages:
            unfinished.setdefault(channel, 0)  # 0 once none waits, rather than no series
            if outcome == MessageStatus.PENDING.value:
                unfinished[channel] += n
            else:
                messages.add_metric([channel, outcome], n)
        for channel, n in sorted(unfinished.items()):
            pending.add_metric([channel], n)
        yield from (messages, pending)
        waiting = GaugeMetricFamily(
            "herald_stream_waiting_events", "Events waiting for a sink.", labels=["sink"]
        )
        lag = GaugeMetricFamily(
            "herald_stream_lag_seconds", "Age of a sink's oldest waiting event.", labels=["sink"]
        )
        shipped = CounterMetricFamily(
            "herald_stream_shipped_events", "Events a sink took.", labels=["sink"]
        )
        failures = GaugeMetricFamily(
            "herald_stream_failures", "A sink's failed attempts in a row.", labels=["sink"]
        )
        dropped = CounterMetricFamily(
            "herald_stream_dropped_events",
            "Events a sink refused for good (too large, invalid), dropped unsent.",
            labels=["sink"],
        )
        now = utcnow()
        for sink in self.sinks:
            oldest = sink.oldest_waiting_at
            waiting.add_metric([sink.name], sink.waiting)
            lag.add_metric([sink.name], (now - oldest).total_seconds() if oldest else 0.0)
            shipped.add_metric([sink.name], sink.shipped)
            failures.add_metric([sink.name], sink.failures)
            dropped.add_metric([sink.name], sink.dropped)
        yield from (waiting, lag, shipped, failures, dropped)


class Telemetry:
    """The registry one app serves: store readings and its own request counter."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.store = StoreCollector()
        self.registry.register(self.store)
        self.requests = Counter(
            "herald_http_requests",
            "HTTP requests by route and status (webhooks included).",
            ["route", "status"],
            registry=self.registry,
        )

    async def count(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        route = request.scope.get("route")
        path = getattr(route, "path", "unmatched")
        self.requests.labels(path, str(response.status_code)).inc()
        return response


@router.get("/metrics", include_in_schema=False)
async def metrics(request: Request) -> Response:
    client: HeraldClient = request.app.state.herald
    telemetry: Telemetry = request.app.state.telemetry
    async with client.database.session() as session:
        rows = await session.execute(
            select(MessageRow.channel, MessageRow.status, func.count()).group_by(
                MessageRow.channel, MessageRow.status
            )
        )
        telemetry.store.messages = [(c, s, int(n)) for c, s, n in rows]
        telemetry.store.sinks = await sink_states(session)
    return Response(generate_latest(telemetry.registry), media_type=CONTENT_TYPE_LATEST)
