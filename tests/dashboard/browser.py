"""Headless Chromium driven through chromedriver's WebDriver HTTP API, with httpx.

Debian's `chromium` and `chromium-driver` packages (`make test` installs them where apt can);
without them the browser tests skip, except under CI=true, where they fail saying so.
"""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest

from tests.loopback_http import free_port

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
WINDOW = "1280,1600"
T = TypeVar("T")


def eventually_sync(
    probe: Callable[[], T], until: Callable[[T], bool], *, deadline_s: float = 20, what: str = ""
) -> T:
    """Poll `probe` until `until(value)` holds; fail with the last value at the deadline."""
    deadline = time.monotonic() + deadline_s
    while True:
        value = probe()
        if until(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} within {deadline_s}s; last: {value!r}")
        time.sleep(0.05)


def _binaries() -> tuple[str, str]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    missing = "chromium" if not chromium else "chromedriver"
    message = (
        f"{missing} is missing: `apt-get install -y chromium chromium-driver` (make test does)"
    )
    if IN_CI:
        pytest.fail(f"the dashboard's browser test must run under CI=true; {message}")
    pytest.skip(message)


class Browser:
    """One WebDriver session: open pages, run scripts, read the console, take screenshots."""

    def __init__(self, driver: httpx.Client, session_id: str) -> None:
        self.driver = driver
        self.session = f"/session/{session_id}"

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        answer = self.driver.request(method, f"{self.session}{path}", json=body)
        value = answer.json()["value"]
        if answer.status_code != 200:
            raise AssertionError(f"WebDriver {method} {path}: {value}")
        return value

    def open(self, url: str) -> None:
        self._call("POST", "/url", {"url": url})

    def run(self, script: str, *args: Any) -> Any:
        """Run a function body in the page; `return` gives its value back."""
        return self._call("POST", "/execute/sync", {"script": script, "args": list(args)})

    def console(self) -> list[dict[str, Any]]:
        """Console messages and page errors since the last call."""
        found: list[dict[str, Any]] = self._call("POST", "/se/log", {"type": "browser"})
        return found

    def errors(self) -> list[str]:
        return [str(m["message"]) for m in self.console() if m["level"] == "SEVERE"]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"dashboard-{name}.png"
        path.write_bytes(base64.b64decode(self._call("GET", "/screenshot")))
        print(f"screenshot: {path}")
        return path

    def wait_for(self, script: str, what: str, deadline_s: float = 15) -> Any:
        return eventually_sync(lambda: self.run(script), bool, deadline_s=deadline_s, what=what)


@contextmanager
def chromium() -> Iterator[Browser]:
    chromium_path, driver_path = _binaries()
    port = free_port()
    process = subprocess.Popen(
        [driver_path, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60) as driver:
            eventually_sync(lambda: _ready(driver), bool, what="chromedriver ready")
            options = {
                "binary": chromium_path,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    f"--window-size={WINDOW}",
                ],
            }
            capabilities = {
                "browserName": "chrome",
                "goog:chromeOptions": options,
                "goog:loggingPrefs": {"browser": "ALL"},
            }
            answer = driver.post("/session", json={"capabilities": {"alwaysMatch": capabilities}})
            value = answer.json()["value"]
            assert answer.status_code == 200, f"chromium did not start: {value}"
            browser = Browser(driver, value["sessionId"])
            try:
                yield browser
            finally:
                driver.delete(browser.session)
    finally:
        process.terminate()
        process.wait(10)


def _ready(driver: httpx.Client) -> bool:
    try:
        return bool(driver.get("/status").json()["value"]["ready"])
    except httpx.TransportError:
        return False
