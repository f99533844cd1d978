"""The dashboard: pages the API serves (journey funnels, campaigns against their holdout,
deliveries and engagement by day), charts from a vendored Chart.js, links to the Temporal UI."""

from herald.dashboard.overview import DashboardOverview, DeliveryMetrics, Listed
from herald.dashboard.pages import PAGES, page_html, static_file

__all__ = ["PAGES", "DashboardOverview", "DeliveryMetrics", "Listed", "page_html", "static_file"]
