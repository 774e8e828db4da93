"""The static site as a CDN serves it: the built site behind deploy/nginx-static.conf over HTTPS,
in Chromium. The map draws, and everything but the page comes under a hashed name, cached a year."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from nginx_site import make_certificate, serve_site

DRAWN = "() => document.documentElement.dataset.mapDrawn"
FOREVER = "public, max-age=31536000, immutable"
HASHED = re.compile(r"\.[0-9a-f]{16}\.[a-z]+$")
SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture(scope="module")
def site_url(static_site, tmp_path_factory):
    """Serve the session's built site with nginx (deploy/nginx-static.conf); yield its URL."""
    certificate = make_certificate(tmp_path_factory.mktemp("cert"))
    with serve_site(static_site, tmp_path_factory.mktemp("nginx"), certificate) as url:
        yield url


def test_the_map_from_a_static_host_loads_hashed_files_cached_for_a_year(browser, site_url):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, ignore_https_errors=True)
    page = context.new_page()
    errors, answers = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("response", lambda r: answers.append((r.url, r.status, r.headers.get("cache-control"))))
    page.goto(f"{site_url}/pl/")
    page.wait_for_function(DRAWN, timeout=30_000)
    page.locator(".report-marker").first.click()
    page.locator(".report-popup ol.sources a").first.wait_for()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "static-site-over-nginx-pl.png")
    assert errors == []
    first, *loaded = answers
    assert first == (f"{site_url}/pl/", 200, "no-cache")
    assert any("/data/reports." in url for url, _, _ in loaded)
    assert any("/leaflet/images/layers." in url for url, _, _ in loaded)
    for url, status, cache in loaded:
        assert status == 200 and HASHED.search(url) and cache == FOREVER, url
    context.close()
