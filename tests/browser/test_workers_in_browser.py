"""The map renders on every load from gunicorn with three workers, before and after a reload."""

from __future__ import annotations

import json
import re
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import Request, urlopen

import pytest
from conftest import SHIPPED
from production import gunicorn

LOADS = 8
PROBES = 15
DRAWN = "() => document.documentElement.dataset.mapDrawn"


@pytest.fixture(scope="module")
def served(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    """Serve a copy of the shipped data with gunicorn.conf.py and three workers."""
    root = tmp_path_factory.mktemp("workers")
    data_dir = root / "data"
    shutil.copytree(SHIPPED, data_dir)
    with gunicorn(data_dir, root / "cache", workers=3, WEBMAP_RELOAD_SECONDS="0.2") as base:
        yield base, data_dir


def fetch(url: str) -> str:
    """GET url on a fresh connection (so any worker may answer)."""
    with urlopen(Request(url, headers={"Connection": "close"}), timeout=10) as response:
        return response.read().decode()


def map_names(base: str) -> set[tuple[str, str]]:
    """Return the (map id, script URL) pairs that PROBES fresh loads of the page name."""
    names = set()
    for _ in range(PROBES):
        html = fetch(f"{base}/")
        (map_id,) = re.findall(r'id="(map_[^"]+)"', html)
        (src,) = re.findall(r'<script src="([^"]+)"', html)
        names.add((map_id, src))
    return names


def load_in_fresh_context(browser, base: str) -> list[str]:
    """Open the map in a new browser context; return its errors once the reports are drawn."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    errors: list[str] = []
    try:
        context.route(
            "**/*",
            lambda route: (
                route.continue_()
                if urlsplit(route.request.url).hostname == "127.0.0.1"
                else route.abort()
            ),
        )
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(f"{base}/")
        page.wait_for_function(DRAWN, timeout=20_000)
        assert page.locator(".leaflet-container").count() == 1
    finally:
        context.close()
    return errors


def test_every_fresh_load_renders_the_map(browser, served):
    base, _ = served
    for n in range(LOADS):
        assert load_in_fresh_context(browser, base) == [], n


def test_every_worker_names_the_map_alike_before_and_after_a_reload(browser, served):
    base, data_dir = served
    before = map_names(base)
    assert len(before) == 1, before
    version = json.loads(fetch(f"{base}/healthz"))["data_version"]
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"][0]["properties"]["title"] += " (corrected)"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=2), "utf-8")
    deadline = time.monotonic() + 60
    fresh = 0
    while fresh < PROBES:  # every worker has reloaded once PROBES answers in a row are new
        assert time.monotonic() < deadline, "the workers did not all reload"
        fresh = fresh + 1 if json.loads(fetch(f"{base}/healthz"))["data_version"] != version else 0
        time.sleep(0.05)
    assert map_names(base) == before
    for n in range(3):
        assert load_in_fresh_context(browser, base) == [], n
