"""The dashboard in headless Chromium: each page loads with no console errors and shows the
numbers the metrics API returns, with links to the workflows in the Temporal UI."""

from __future__ import annotations

import asyncio
from typing import Any
from urllib.parse import quote

import httpx

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.settings import Settings
from tests.dashboard.browser import Browser, chromium
from tests.dashboard.scenario import Ran, run_journey_and_campaign
from tests.loopback_http import serve_app
from tests.workflows.engine import Engine

UI = "http://temporal.example:8080"
ENGAGEMENT = ("sent", "delivered", "opened", "clicked", "replied", "bounced", "opted_out")
SHOWN = """return Object.fromEntries([...document.querySelectorAll('[data-metric]')]
    .map((node) => [node.dataset.metric, node.firstChild.textContent]))"""
READY = "return document.body.dataset.state === 'ready'"
Numbers = dict[str, str]


def percent(rate: float) -> str:
    return f"{rate * 100:.1f}%"


def days(by_day: list[dict[str, Any]]) -> Numbers:
    return {f"day.{d['day']}.{d['channel']}.{k}": str(d[k]) for d in by_day for k in ENGAGEMENT}


def journey_numbers(m: dict[str, Any]) -> Numbers:
    counts = ("reached", "here_now", *ENGAGEMENT, "failed", "skipped")
    shown = {k: str(m[k]) for k in ("entered", "active", "completed")}
    shown |= {f"step.{s['step_id']}.{k}": str(s[k]) for s in m["steps"] for k in counts}
    shown |= {f"exited.{reason}": str(n) for reason, n in m["exited"].items()}
    return shown | days(m["by_day"])


def campaign_numbers(m: dict[str, Any]) -> Numbers:
    shown: Numbers = {}
    for t in [*m["treatments"], m["holdout"]]:
        name = f"treatment.{t['treatment_id']}"
        shown |= {f"{name}.{k}": str(t[k]) for k in ("members", *ENGAGEMENT, "converted")}
        shown[f"{name}.conversion_rate"] = percent(t["conversion_rate"])
        shown[f"{name}.lift"] = "\u2013" if t["lift"] is None else percent(t["lift"])
    return shown | days(m["by_day"])


def show(browser: Browser, url: str) -> Numbers:
    browser.open(url)
    browser.wait_for(READY, f"{url} ready")
    shown: Numbers = browser.run(SHOWN)
    return shown


def temporal_links(browser: Browser) -> list[str]:
    links: list[str] = browser.run(
        "return [...document.querySelectorAll('a[data-link=temporal]')].map((a) => a.href)"
    )
    return links


def check_pages(http: httpx.Client, key: str, ran: Ran) -> None:
    base = str(http.base_url).rstrip("/")
    journey = http.get(f"/v1/metrics/journeys/{ran.journey}").json()
    plain = http.get(f"/v1/metrics/campaigns/{ran.campaign}").json()
    converted = http.get(f"/v1/metrics/campaigns/{ran.campaign}?conversion=purchase").json()
    deliveries = http.get("/v1/metrics/deliveries").json()
    with chromium() as browser:
        shown = show(browser, f"{base}/dashboard/journeys?journey={ran.journey}#key={key}")
        assert shown == journey_numbers(journey)
        query = quote(f'HeraldJourney="{ran.journey}"', safe="")
        assert temporal_links(browser) == [f"{UI}/namespaces/default/workflows?query={query}"]
        assert browser.errors() == []
        browser.screenshot("journeys")

        shown = show(browser, f"{base}/dashboard/campaigns?campaign={ran.campaign}")
        assert shown == campaign_numbers(plain)
        browser.run(  # the reader picks the conversion event
            "const pick = document.getElementById('pick-conversion');"
            "pick.value = 'purchase'; pick.dispatchEvent(new Event('change'));"
        )
        browser.wait_for(f"{READY} && location.search.includes('conversion=purchase')", "pick")
        assert browser.run(SHOWN) == campaign_numbers(converted)
        query = quote(f'HeraldCampaign="{ran.campaign}"', safe="")
        assert temporal_links(browser) == [f"{UI}/namespaces/default/workflows?query={query}"]
        assert browser.errors() == []
        browser.screenshot("campaigns")

        assert show(browser, f"{base}/dashboard/deliveries") == days(deliveries["by_day"])
        assert browser.errors() == []
        browser.screenshot("deliveries")


def check_key_form(http: httpx.Client, key: str) -> None:
    """Without a key the page asks for one, and takes it from the form."""
    with chromium() as browser:
        browser.open(f"{str(http.base_url).rstrip('/')}/dashboard/deliveries")
        browser.wait_for("return document.body.dataset.state === 'needs-key'", "key form")
        browser.run(
            "document.getElementById('key-input').value = arguments[0];"
            "document.getElementById('key-form').requestSubmit();",
            key,
        )
        browser.wait_for(READY, "deliveries after the key")
        assert browser.run("return sessionStorage.getItem('herald.apiKey')") == key
        assert browser.errors() == []


async def test_pages_show_the_numbers_the_metrics_api_returns(engine: Engine) -> None:
    ran = await run_journey_and_campaign(engine)
    key = (await engine.herald.create_api_key("dashboard", Scope.READ)).key
    settings = Settings(database_url=engine.herald.database.url, temporal_ui_url=UI)
    with serve_app(create_app(settings)) as http:
        http.headers["Authorization"] = f"Bearer {key}"
        await asyncio.to_thread(check_pages, http, key, ran)
        await asyncio.to_thread(check_key_form, http, key)
