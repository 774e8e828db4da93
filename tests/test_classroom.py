"""Classroom tools on the server side: distances, rings, the static site, embedding."""

import json
import re

import pytest

from webmap.cli import cli
from webmap.web.app import create_app


@pytest.fixture
def ranged_client(data_dir):
    """A client whose Minsk report states a 500 km range."""
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    for feature in data["features"]:
        if feature["id"] == "putin-oreshnik-belarus-announcement-2024":
            feature["properties"]["range_km"] = 500
    path.write_text(json.dumps(data), "utf-8")
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()


def test_report_page_lists_distances_to_nearby_capitals(client):
    html = client.get("/reports/putin-oreshnik-belarus-announcement-2024").get_data(as_text=True)
    table = re.search(r'<table class="distances">.*?</table>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([\d,]+) km</td></tr>", table)
    assert [name for name, _ in rows][:3] == ["Minsk", "Vilnius", "Kyiv"]
    assert dict(rows)["Warsaw"] == "477"


def test_report_page_lists_capitals_inside_the_range(ranged_client):
    html = ranged_client.get("/reports/putin-oreshnik-belarus-announcement-2024").get_data(
        as_text=True
    )
    assert "Capitals within 500 km" in html
    listed = re.findall(r"<li>([A-Za-z]+) \(([\d,]+) km\)</li>", html)
    assert [name for name, _ in listed] == ["Minsk", "Vilnius", "Kyiv", "Warsaw"]
    assert "Moscow" not in [name for name, _ in listed]
    assert "ring=putin-oreshnik-belarus-announcement-2024" in html


def test_ranges_layer_has_a_labelled_ring_per_report_with_a_range(ranged_client):
    data = ranged_client.get("/api/layers/ranges").get_json(force=True)
    assert [f["id"] for f in data["features"]] == ["putin-oreshnik-belarus-announcement-2024"]
    props = data["features"][0]["properties"]
    assert props["label"].startswith("Reported range 500 km (sources: RFE/RL")
    assert data["features"][0]["geometry"]["type"] == "Polygon"


def test_only_the_embed_page_may_be_framed(client):
    embed = client.get("/?embed=1")
    assert embed.headers["Content-Security-Policy"].endswith("; frame-ancestors *")
    assert "X-Frame-Options" not in embed.headers
    for path in ("/", "/reports", "/reports/zapad-2021-exercise"):
        response = client.get(path)
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_embed_page_has_no_site_header(client):
    html = client.get("/?embed=1").get_data(as_text=True)
    assert 'class="site-header"' not in html and "map-page embed" in html
    assert "Open the full map" in html


def test_build_site_writes_relative_pages_and_data(runner, tmp_path):
    out = tmp_path / "site"
    result = runner.invoke(cli, ["build-site", str(out)])
    assert result.exit_code == 0, result.output
    assert "Writing the site" in result.output
    for name in ["index.html", "reports.html", "reports/zapad-2021-exercise.html"]:
        assert (out / name).is_file(), name  # pages keep their names
    assert (out / "export/reports.csv").is_file()  # so do the downloads
    for pattern in [  # what pages load is named by its content
        "data/reports.*.js",
        "data/layer-countries-closeup.*.js",
        "static/vendor/leaflet/leaflet.*.js",
        "static/js/webmap.*.js",
    ]:
        assert len(list(out.glob(pattern))) == 1, pattern
    assert len(list(out.glob("map.*.js"))) == 1  # named by the hash of its content
    for page in [
        out / "index.html",
        out / "reports.html",
        out / "reports" / "zapad-2021-exercise.html",
    ]:
        html = page.read_text("utf-8")
        assert not re.search(r"""(?:src|href)=["']/""", html), page
    assert 'href="../index.html?report=zapad-2021-exercise"' in (
        out / "reports" / "zapad-2021-exercise.html"
    ).read_text("utf-8")
