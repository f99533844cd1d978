"""The dashboard over plain HTTP: pages and the chart library are public shells served from
the package; the data behind them needs a key; bad input is named; Temporal being down
leaves the pages up."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx

from herald.api.app import create_app
from herald.auth.keys import Scope
from herald.client import HeraldClient
from herald.settings import Settings
from herald.store import Database
from herald.store.entries import EntryRecord, record_entry
from herald.store.journeys import set_state
from tests.helpers import definitions
from tests.loopback_http import free_port, serve_app


def test_pages_and_chart_library_are_served_without_a_key(api: httpx.Client) -> None:
    anonymous = {"Authorization": ""}
    page = api.get("/dashboard/campaigns", headers=anonymous)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/dashboard/static/chart.umd.min.js">' in page.text
    assert "aria-current=page>Campaigns</a>" in page.text
    chart = api.get("/dashboard/static/chart.umd.min.js", headers=anonymous)
    assert chart.status_code == 200 and "Chart.js v4.6.1" in chart.text
    assert chart.headers["content-type"].startswith("text/javascript")
    home = api.get("/dashboard", headers=anonymous, follow_redirects=False)
    assert home.headers["location"] == "/dashboard/journeys"


def test_unknown_pages_and_files_are_named(api: httpx.Client) -> None:
    missing = api.get("/dashboard/funnels")
    assert missing.status_code == 404
    assert missing.json()["detail"] == (
        "no dashboard page 'funnels'; pages: journeys, campaigns, deliveries"
    )
    assert api.get("/dashboard/static/..%2F__init__.py").status_code == 404
    assert api.get("/dashboard/static/chart.js-LICENSE.md").status_code == 404


def test_the_data_needs_a_key_and_days_are_checked(api: httpx.Client) -> None:
    refused = api.get("/v1/dashboard/overview", headers={"Authorization": ""})
    assert refused.status_code == 401
    overview = api.get("/v1/dashboard/overview").json()
    assert overview["temporal_ui_url"] == "http://localhost:8233"
    assert (overview["journeys"], overview["campaigns"]) == ([], [])
    empty = api.get("/v1/metrics/deliveries", params={"days": 7}).json()
    assert (empty["days"], empty["by_day"]) == (7, [])
    bad = api.get("/v1/metrics/deliveries", params={"days": 0})
    assert bad.status_code == 422
    assert bad.json()["detail"][0]["loc"] == ["query", "days"]


async def test_the_overview_shows_stored_journey_states_while_temporal_is_down(
    sqlite_database: Database,
) -> None:
    # Every page reads the overview first, so it must not fail for want of Temporal, which
    # only says whether a closed journey with participants not yet seen leaving is COMPLETED.
    settings = Settings(
        database_url=sqlite_database.url, temporal_address=f"127.0.0.1:{free_port()}"
    )
    herald = HeraldClient(settings, sqlite_database)
    await herald.apply(definitions())
    async with sqlite_database.session() as session:
        await set_state(session, "onboarding", "CLOSED")
        await record_entry(
            session,
            EntryRecord(
                journey="onboarding", participant_id="ann", entry_n=1, version=1,
                workflow_id="journey:onboarding:ann:1", trigger="api",
                entered_at=datetime(2026, 3, 10, tzinfo=UTC),
            ),
        )  # fmt: skip
    key = (await herald.create_api_key("dashboard", Scope.READ)).key
    with serve_app(create_app(settings)) as api:
        api.headers["Authorization"] = f"Bearer {key}"
        overview = api.get("/v1/dashboard/overview")

    assert overview.status_code == 200, overview.text
    journeys = [(j["name"], j["state"]) for j in overview.json()["journeys"]]
    assert journeys == [("onboarding", "CLOSED")]
    assert overview.json()["journeys_stored_state"] == ["onboarding"]
