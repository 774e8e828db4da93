"""Security headers: a strict script policy on every page, framing, sniffing, size limits."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from webmap.web.app import create_app

PAGES = [
    "/",
    "/?embed=1",
    "/reports",
    "/reports?kind=strike&sort=title",
    "/reports/zapad-2021-exercise",
    "/reports/no-such-report",
    "/map.js",
    "/api/reports",
    "/api/reports?from=notadate",
    "/api/layers/countries",
    "/api/schema",
    "/export/reports.csv",
    "/static/js/webmap.js",
    "/healthz",
]


def directives(response) -> dict[str, str]:
    """Return the response's CSP as {directive: value}."""
    policy = response.headers["Content-Security-Policy"]
    return dict((part.strip() + " ").split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    csp = directives(response)
    assert csp["script-src"].split() == ["'self'"], "no inline, eval'd or foreign scripts"
    assert csp["default-src"].strip() == "'self'" and csp["object-src"].strip() == "'none'"
    assert csp["base-uri"].strip() == "'none'"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    embed = path == "/?embed=1"
    assert csp["frame-ancestors"].strip() == ("*" if embed else "'none'")
    assert ("X-Frame-Options" in response.headers) is not embed


class ScriptFinder(HTMLParser):
    """Collect every script element and every inline event handler attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts: list[dict] = []
        self.handlers: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.handlers += [name for name in attrs if name.startswith("on")]
        if tag == "script" and "src" not in attrs:
            self.inline_scripts.append(attrs)


@pytest.mark.parametrize(
    "path", ["/", "/?embed=1", "/reports", "/reports/zapad-2021-exercise", "/stories/none"]
)
def test_pages_hold_no_code_the_policy_would_block(client, path):
    finder = ScriptFinder()
    finder.feed(client.get(path).get_data(as_text=True))
    assert finder.handlers == []
    # JSON data blocks are not run, so the policy has nothing to say about them.
    assert all(attrs.get("type") == "application/json" for attrs in finder.inline_scripts)


def test_the_map_page_still_gets_folium_s_settings_from_its_script(client):
    script = client.get("/map.js").get_data(as_text=True)
    folium_part = script[script.index("/* ---- the folium map ---- */") :]
    assert folium_part.split("\n")[1].startswith("L_NO_TOUCH = false;")


def test_online_tiles_are_allowed_as_images_only_from_their_server(data_dir):
    app = create_app({"DATA_DIR": str(data_dir), "TILES": "OpenStreetMap.Mapnik"})
    csp = directives(app.test_client().get("/"))
    assert csp["img-src"].split() == ["'self'", "data:", "https://tile.openstreetmap.org"]
    assert csp["script-src"].split() == ["'self'"]


def test_a_large_request_body_is_refused_unread(client):
    response = client.get("/api/reports", data=b"x" * (1024 * 1024 + 1))
    assert response.status_code == 413
    assert client.get("/api/reports", data=b"x" * 1000).status_code == 200


def test_an_absurdly_long_query_is_refused(client):
    assert client.get("/api/reports?q=" + "a" * 5000).status_code == 414
    assert client.get("/api/reports?q=" + "a" * 500).status_code == 200


@pytest.mark.parametrize("path", ["/", "/reports", "/reports/zapad-2021-exercise"])
def test_pages_need_no_inline_styles_and_the_policy_allows_none(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    assert "style-src 'self';" in policy and "unsafe-inline" not in policy
    html = response.get_data(as_text=True)
    assert "<style" not in html and " style=" not in html
