"""Sources that outlive their links: the dead-link check against a local server, archive links."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webmap.cli import cli
from webmap.record.linkcheck import CACHE_FILE, USER_AGENT, check_urls
from webmap.record.sources import archive_lookup_url
from webmap.web.app import create_app


class _Handler(BaseHTTPRequestHandler):
    """Answers /ok 200, /gone 404, /moved 301 to /ok, /no-head 405 to HEAD; /hang never."""

    hits: Counter = Counter()
    agents: set = set()
    release = threading.Event()

    def _answer(self) -> None:
        type(self).hits[(self.command, self.path)] += 1
        type(self).agents.add(self.headers.get("User-Agent"))
        if self.path == "/hang":
            self.release.wait(10)
            return
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
        elif self.path == "/no-head" and self.command == "HEAD":
            self.send_response(405)
        else:
            self.send_response(200 if self.path in ("/ok", "/no-head") else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    do_GET = do_HEAD = _answer

    def log_message(self, *args) -> None:
        """Keep the test output quiet."""


@pytest.fixture
def site():
    """Serve the test pages on 127.0.0.1; yield the base URL."""
    _Handler.hits.clear()
    _Handler.release.clear()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    _Handler.release.set()
    server.shutdown()
    server.server_close()


def test_check_urls_sorts_live_from_dead_quickly(site, tmp_path):
    urls = [f"{site}/{p}" for p in ("ok", "gone", "moved", "hang", "no-head")]
    started = time.monotonic()
    results = check_urls(urls + ["ftp://example.org/x"], tmp_path / CACHE_FILE, timeout=0.5)
    assert time.monotonic() - started < 4
    assert {u.rsplit("/", 1)[1]: r.ok for u, r in results.items()} == {
        "ok": True,
        "gone": False,
        "moved": True,
        "hang": False,
        "no-head": True,
    }
    assert results[f"{site}/gone"].status == 404
    assert "no answer within 0.5 s" in results[f"{site}/hang"].reason
    assert _Handler.hits[("GET", "/no-head")] == 1  # HEAD refused, then GET
    assert _Handler.agents == {USER_AGENT}


def test_cached_answers_are_not_asked_again(site, tmp_path):
    cache = tmp_path / CACHE_FILE
    check_urls([f"{site}/ok", f"{site}/gone"], cache, timeout=0.5)
    check_urls([f"{site}/ok", f"{site}/gone"], cache, timeout=0.5)
    assert _Handler.hits[("HEAD", "/ok")] == 1  # answered well: cached
    assert _Handler.hits[("HEAD", "/gone")] == 2  # dead: asked again, it may be back
    assert json.loads(cache.read_text())[f"{site}/ok"]["status"] == 200


def test_check_links_lists_the_dead_sources_by_report(site, data_dir, tmp_path):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    pages = ["ok", "moved", "gone", "hang"]
    for feature in data["features"]:  # every address local: the test never leaves 127.0.0.1
        for i, source in enumerate(feature["properties"]["sources"]):
            source["url"] = f"{site}/{pages[i % 4]}"
    path.write_text(json.dumps(data), "utf-8")
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": str(tmp_path / "cache")}
    )
    started = time.monotonic()
    result = app.test_cli_runner().invoke(cli, ["check", "--links", "--timeout", "0.5"])
    assert time.monotonic() - started < 10
    assert result.exit_code == 1
    dead = [line for line in result.output.splitlines() if " is dead " in line]
    gone = f"{path}: zapad-2021-exercise: sources[3].url: {site}/gone is dead (404"
    assert any(line.startswith(gone) for line in dead)
    assert any(
        line.startswith(f"{path}: zapad-2021-exercise: sources[4].url: {site}/hang is dead (no")
        for line in dead
    )
    assert not [line for line in dead if "/ok " in line or "/moved " in line]
    assert (tmp_path / "cache" / CACHE_FILE).exists()


def test_archive_lookup_links_are_encoded_and_only_for_web_addresses():
    url = "https://example.org/a b?x=1&y=<2>#top"
    assert archive_lookup_url(url) == (
        "https://web.archive.org/web/*/https://example.org/a%20b%3Fx%3D1%26y%3D%3C2%3E%23top"
    )
    assert archive_lookup_url("javascript:alert(1)") == ""
    assert archive_lookup_url("ftp://example.org/") == ""


def test_report_page_offers_the_archived_copy_or_a_lookup(client, data_dir):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    sources = next(f for f in data["features"] if f["id"] == "zapad-2021-exercise")["properties"]
    sources["sources"][0]["archive_url"] = "https://web.archive.org/web/2021/https://example.org/"
    path.write_text(json.dumps(data), "utf-8")
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir)})
    html = app.test_client().get("/reports/zapad-2021-exercise").get_data(as_text=True)
    assert 'href="https://web.archive.org/web/2021/https://example.org/"' in html
    assert html.count(">archived copy</a>") == 1
    assert html.count(">find archived copies</a>") == 4
    lookup = archive_lookup_url("https://www.azatutyun.am/a/31452634.html")
    assert f'href="{lookup}"' in html


def test_report_page_groups_sources_by_stance_with_what_each_says(client):
    html = client.get("/reports/mig31-estonia-airspace-vaindloo-2025").get_data(as_text=True)
    headings = [h.split(">")[-1] for h in html.split("</h3>")[:-1]]
    assert headings == ["The claim", "Reported by", "Denied by", "Background"]
    denied = html[html.index(">Denied by</h3>") : html.index(">Background</h3>")]
    assert "Sputnik" in denied and "did not violate Estonian airspace" in denied
