"""A live server on 127.0.0.1 with the shipped data, and Debian's Chromium through Playwright."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import make_server

from webmap.web.app import create_app

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SHIPPED = Path(__file__).parent.parent.parent / "geodata"


@contextmanager
def serve(data_dir: Path) -> Iterator[str]:
    """Serve the app on data_dir at a free port on 127.0.0.1; yield its base URL."""
    app = create_app({"DATA_DIR": str(data_dir), "TILES": "none"})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()


@pytest.fixture(scope="session")
def server_for():
    """Return the function that serves a data directory (a context manager)."""
    return serve


@pytest.fixture(scope="session")
def live_server() -> Iterator[str]:
    """Serve the shipped data."""
    with serve(SHIPPED) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Launch Debian's Chromium headless (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make test`, which installs Debian's chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class PageLog:
    """What a page did: console errors and every URL it asked for."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []

    def off_host(self) -> list[str]:
        """Return requests that went anywhere but 127.0.0.1."""
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob")
            and urlsplit(url).hostname != "127.0.0.1"
        ]


@pytest.fixture
def page(browser: Browser) -> Iterator[tuple[Page, PageLog]]:
    """Open a fresh page that logs console errors and blocks anything off 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    log = PageLog()
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("request", lambda r: log.requests.append(r.url))

    def guard(route):
        host = urlsplit(route.request.url).hostname
        return route.continue_() if host == "127.0.0.1" else route.abort()

    context.route("**/*", guard)
    yield page, log
    context.close()


@pytest.fixture(scope="session")
def static_site(tmp_path_factory) -> Path:
    """Build the offline site of the shipped data once (every language; about two minutes)."""
    from webmap.web.site import build_site

    out = tmp_path_factory.mktemp("site") / "site"
    build_site(create_app({"DATA_DIR": str(SHIPPED), "STATIC_SITE": True, "TESTING": True}), out)
    return out


@pytest.fixture(scope="session")
def shipped_count() -> int:
    """Return how many reports the shipped data holds."""
    import json

    return len(json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"])
