"""docker-compose.yml wiring, checked without a Docker engine: names, ports, URLs, build."""

from __future__ import annotations

import os
import re
import tomllib
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from herald.settings import Settings
from worker.build import SHUTDOWN_GRACE

ROOT = Path(__file__).resolve().parents[1]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES: dict[str, dict[str, Any]] = COMPOSE["services"]
HERALD_SERVICES = ["herald-worker", "herald-api"]
DOCKER_DEFAULT_GRACE = "10s"  # `docker compose stop` without stop_grace_period
DURATION_UNITS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001, "us": 1e-6}


def env(service: str) -> dict[str, str]:
    """A service's environment as strings, whichever of compose's two forms it uses."""
    raw = SERVICES[service].get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.split("=", 1) for item in raw)
    return {key: str(value) for key, value in raw.items()}


def host_port(address: str) -> tuple[str, int]:
    host, _, port = address.rpartition(":")
    return host, int(port)


def duration(text: str) -> timedelta:
    """Compose's duration format: `1m30s`, `45s`, `500ms`."""
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|us|h|m|s)", text)
    assert parts and "".join(n + u for n, u in parts) == text, f"not a duration: {text!r}"
    return timedelta(seconds=sum(float(n) * DURATION_UNITS[u] for n, u in parts))


def settings_for(service: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The Settings a Herald container would build from its compose environment."""
    for key in [k for k in os.environ if k.startswith("HERALD_")]:
        monkeypatch.delenv(key)
    for key, value in env(service).items():
        monkeypatch.setenv(key, value)
    return Settings(_env_file=None)


@pytest.mark.parametrize("service", HERALD_SERVICES)
def test_herald_variables_are_settings_fields(service: str) -> None:
    herald_vars = [key for key in env(service) if key.startswith("HERALD_")]
    assert herald_vars
    unknown = [
        k for k in herald_vars if k.removeprefix("HERALD_").lower() not in Settings.model_fields
    ]
    assert not unknown, f"{service} sets variables Settings ignores: {unknown}"


@pytest.mark.parametrize("service", HERALD_SERVICES)
def test_database_url_points_at_postgres_service(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = urlsplit(settings_for(service, monkeypatch).resolved_database_url)
    pg = env("postgres")
    assert url.scheme.startswith("postgresql")
    assert url.hostname in SERVICES
    assert "postgres" in SERVICES[url.hostname]["image"]
    assert url.port in (None, 5432)
    assert (url.username, url.password) == (pg["POSTGRES_USER"], pg["POSTGRES_PASSWORD"])
    assert url.path.lstrip("/") == pg["POSTGRES_DB"]


@pytest.mark.parametrize("service", HERALD_SERVICES)
def test_temporal_address_points_at_temporal_service(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    address = settings_for(service, monkeypatch).resolved_temporal_address
    assert host_port(address) == ("temporal", 7233)


def test_temporal_uses_postgres_service() -> None:
    temporal, pg = env("temporal"), env("postgres")
    assert temporal["POSTGRES_SEEDS"] == "postgres"
    assert "postgres" in SERVICES
    assert (temporal["POSTGRES_USER"], temporal["POSTGRES_PWD"]) == (
        pg["POSTGRES_USER"],
        pg["POSTGRES_PASSWORD"],
    )
    assert temporal.get("DB_PORT", "5432") == "5432"


def test_temporal_ui_points_at_temporal() -> None:
    assert host_port(env("temporal-ui")["TEMPORAL_ADDRESS"]) == ("temporal", 7233)


def test_api_port_is_published_and_bound_on_all_interfaces(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    settings = settings_for("herald-api", monkeypatch)
    container_ports = {
        int(str(p).rpartition(":")[2].split("/")[0]) for p in SERVICES["herald-api"]["ports"]
    }
    assert settings.api_port in container_ports
    assert settings.api_host == "0.0.0.0"


def test_depends_on_names_existing_services() -> None:
    for name, service in SERVICES.items():
        for dependency in service.get("depends_on") or []:
            assert dependency in SERVICES, f"{name} depends on unknown service {dependency}"


@pytest.mark.parametrize("service", HERALD_SERVICES)
def test_herald_image_builds_from_dockerfile_copying_every_package(service: str) -> None:
    build = SERVICES[service]["build"]
    if isinstance(build, str):
        build = {"context": build}
    dockerfile = ROOT / build["context"] / build.get("dockerfile", "Dockerfile")
    assert dockerfile.is_file()

    copied: set[str] = set()
    for line in dockerfile.read_text().splitlines():
        words = line.split()
        if words and words[0].upper() == "COPY":
            sources = [w for w in words[1:-1] if not w.startswith("--")]
            copied.update(s.removeprefix("./").rstrip("/") or "." for s in sources)

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["setuptools"]["packages"]["find"]["include"]
    packages = {pattern.rstrip("*") for pattern in include}
    assert {"herald", "workflows", "activities", "worker"} <= packages
    if "." not in copied:
        missing = (packages | {"pyproject.toml", "README.md"}) - copied
        assert not missing, f"Dockerfile does not copy {sorted(missing)}"


def test_worker_is_given_longer_than_its_own_graceful_shutdown() -> None:
    # `docker compose stop`, a scale-down or a redeploy SIGKILLs after stop_grace_period; the
    # worker lets running activities finish for SHUTDOWN_GRACE, then closes its providers.
    # Killed inside that grace, a slow send dies mid-way and a clean stop exits 137.
    given = SERVICES["herald-worker"].get("stop_grace_period", DOCKER_DEFAULT_GRACE)
    assert duration(str(given)) >= SHUTDOWN_GRACE + timedelta(seconds=5), (
        f"herald-worker stop_grace_period {given} vs the worker's own {SHUTDOWN_GRACE}"
    )
