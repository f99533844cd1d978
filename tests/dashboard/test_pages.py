"""The dashboard over plain HTTP: pages and the chart library are public shells served from
the package; the data behind them needs a key; bad input is named."""

from __future__ import annotations

import httpx


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
