"""Connecting to Temporal the way every Herald process does, and registering search attributes."""

from __future__ import annotations

import logging

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import (
    AddSearchAttributesRequest,
    ListSearchAttributesRequest,
)
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.runtime import PrometheusConfig, Runtime, TelemetryConfig
from temporalio.service import RPCError, RPCStatusCode

from herald.models import SEARCH_ATTRIBUTES
from herald.settings import Settings

log = logging.getLogger(__name__)


class TemporalUnavailable(RuntimeError):
    """Temporal could not be reached; the message says where it was looked for."""


def unreachable(exc: BaseException) -> bool:
    """Whether `exc` says Temporal could not be reached at all, so nothing was done there:
    no connection, or a connected client whose server has gone (the SDK's retries spent)."""
    if isinstance(exc, RPCError):
        return exc.status == RPCStatusCode.UNAVAILABLE
    return isinstance(exc, TemporalUnavailable)


async def connect(
    settings: Settings, address: str | None = None, runtime: Runtime | None = None
) -> Client:
    """A client with the pydantic data converter, which every Herald payload needs."""
    target = address or settings.resolved_temporal_address
    try:
        return await Client.connect(
            target,
            namespace=settings.temporal_namespace,
            data_converter=pydantic_data_converter,
            runtime=runtime,
        )
    except RuntimeError as exc:  # the SDK's bridge reports a failed connect as RuntimeError
        raise TemporalUnavailable(
            f"Temporal is not reachable at {target}: start it (`herald dev`) or set "
            f"HERALD_TEMPORAL_ADDRESS ({exc})"
        ) from exc


def metrics_runtime(bind_address: str) -> Runtime:
    """A Temporal runtime serving the SDK's metrics for Prometheus at host:port/metrics."""
    return Runtime(telemetry=TelemetryConfig(metrics=PrometheusConfig(bind_address=bind_address)))


def dev_server_flags() -> list[str]:
    """`temporal server start-dev` flags that register Herald's search attributes."""
    flags = []
    for key in SEARCH_ATTRIBUTES:
        kind = key.indexed_value_type.name.title().replace("_", "")
        flags += ["--search-attribute", f"{key.name}={kind}"]
    return flags


async def ensure_search_attributes(client: Client) -> None:
    """Register Herald's search attributes on a server that lacks them (a real cluster)."""
    try:
        listed = await client.operator_service.list_search_attributes(
            ListSearchAttributesRequest(namespace=client.namespace)
        )
        present = set(listed.custom_attributes)
    except RPCError as exc:
        # The time-skipping test server can add search attributes but not list them.
        if exc.status != RPCStatusCode.UNIMPLEMENTED:
            raise
        present = set()
    missing = {
        key.name: IndexedValueType.ValueType(int(key.indexed_value_type))
        for key in SEARCH_ATTRIBUTES
        if key.name not in present
    }
    if missing:
        log.info("registering search attributes %s", sorted(missing))
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=client.namespace, search_attributes=missing)
        )
