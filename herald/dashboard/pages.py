"""The dashboard's pages and static files, read from the package (they ship in the wheel).

Pages are shells with no data in them: the browser fetches the numbers from the metrics API
with a read API key, so serving a page needs no key and leaks nothing.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files
from string import Template

PAGES = {"journeys": "Journeys", "campaigns": "Campaigns", "deliveries": "Deliveries"}

# Only these are served: a name from the URL never becomes a path on its own.
STATIC = {
    "chart.umd.min.js": "text/javascript",
    "dashboard.js": "text/javascript",
    "dashboard.css": "text/css",
}


@cache
def _read(name: str) -> str:
    return files("herald.dashboard").joinpath(name).read_text(encoding="utf-8")


def page_html(page: str) -> str | None:
    """The page's HTML, or None for a page that does not exist."""
    if page not in PAGES:
        return None
    nav = "\n".join(
        f'<a href="/dashboard/{name}"{" aria-current=page" if name == page else ""}>{title}</a>'
        for name, title in PAGES.items()
    )
    return Template(_read("shell.html")).substitute(page=page, title=PAGES[page], nav=nav)


def static_file(name: str) -> tuple[bytes, str] | None:
    """A static file's bytes and media type, or None for a name not in the list."""
    media_type = STATIC.get(name)
    if media_type is None:
        return None
    return files("herald.dashboard").joinpath("static", name).read_bytes(), media_type
