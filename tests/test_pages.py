import json
import re

import pytest

from webmap.render.styles import KIND_STYLES, STATUS_STYLES
from webmap.web.errors import current_catalog


def remote_refs(html: str) -> list[str]:
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    return [r for r in refs if re.match(r"^(https?:)?//", r)]


def test_map_page_loads_nothing_from_other_hosts(client):
    html = client.get("/").get_data(as_text=True)
    assert remote_refs(html) == []
    (script,) = re.findall(r"<script[^>]*\bsrc=\"([^\"]+)", html)  # one script
    assert re.fullmatch(r"/map\.[0-9a-f]{16}\.js", script)


def test_map_page_has_no_inline_script_of_ours(client):
    html = client.get("/").get_data(as_text=True)
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
    # Only the JSON blocks (data, not code) are inline: the settings and the words.
    assert [attrs for attrs, body in inline] == [
        ' type="application/json" id="webmap-config"',
        ' type="application/json" id="webmap-messages"',
    ]


def test_map_config_is_valid_json_with_the_style_tables(client):
    html = client.get("/").get_data(as_text=True)
    raw = re.search(r'id="webmap-config">(.*?)</script>', html, re.S).group(1)
    config = json.loads(raw)
    assert config["reportsUrl"] == "/api/reports?view=map"  # the light view; popups fetch the rest
    assert config["reportApiUrl"] == "/api/reports/REPORT_ID"
    assert set(config["kinds"]) == set(KIND_STYLES)


def test_legend_explains_every_kind_and_status(client):
    html = client.get("/").get_data(as_text=True)
    for style in [*KIND_STYLES.values(), *STATUS_STYLES.values()]:
        assert style["label"] in html
    assert "occupied by Russia (Crimea, Sevastopol" in html
    assert "claimed by Russia in 2022, partly occupied" in html


def test_map_script_is_served_as_javascript(client):
    response = client.get("/map.js")
    assert response.mimetype == "text/javascript"
    assert b"window.webmapFolium" in response.data


def test_reports_list_links_every_report(client):
    html = client.get("/reports").get_data(as_text=True)
    assert html.count('href="/reports/') == 5
    assert "Zapad" in html


def test_report_page_lists_sources_as_safe_links(client):
    html = client.get("/reports/putin-oreshnik-belarus-announcement-2024").get_data(as_text=True)
    assert (
        '<a href="https://rferl.org/amp/putin-oreshnik-missile-system-deployment-belarus/'
        '33229511.html" target="_blank" rel="noopener noreferrer">'
    ) in html
    assert "Public broadcaster" in html
    assert "Claimed by" in html and "Announced" in html


def test_unknown_report_page_is_404(client):
    assert client.get("/reports/nothing-here").status_code == 404


def test_hostile_text_is_escaped_and_bad_urls_are_not_links(data_dir):
    from webmap.web.app import create_app

    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    props = data["features"][0]["properties"]
    props["title"] = '<script>alert("t")</script>'
    props["sources"][0]["publisher"] = '"><img src=x onerror=alert(1)>'
    path.write_text(json.dumps(data), "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    html = client.get(f"/reports/{props['id']}").get_data(as_text=True)
    assert '<script>alert("t")</script>' not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html
    assert "<img src=x" not in html
    listing = client.get("/reports").get_data(as_text=True)
    assert "<script>alert" not in listing


def test_report_page_says_when_a_claim_rests_on_one_source(data_dir):
    from webmap.web.app import create_app

    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    props = data["features"][0]["properties"]
    props["sources"] = props["sources"][:1]
    path.write_text(json.dumps(data), "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    html = client.get(f"/reports/{props['id']}").get_data(as_text=True)
    assert '<p class="caveat">This rests on a single source.</p>' in html


def test_reports_list_offers_downloads(client):
    html = client.get("/reports").get_data(as_text=True)
    for fmt in ("csv", "geojson", "kml"):
        assert f'href="/export/reports.{fmt}"' in html


def test_map_page_lets_readers_zoom_the_page(client):
    html = client.get("/").get_data(as_text=True)
    assert "maximum-scale" not in html and "user-scalable=no" not in html


def test_map_page_prefills_the_filter_form_from_the_url(client):
    html = client.get("/?kind=strike&q=Oreshnik&from=2024-01").get_data(as_text=True)
    assert '<input type="checkbox" name="kind" value="strike" checked>' in html
    assert 'value="Oreshnik"' in html and 'value="2024-01"' in html


def test_reports_list_filters_like_the_api(client):
    html = client.get("/reports?kind=strike").get_data(as_text=True)
    assert html.count('href="/reports/') == 1 and "Dnipro" in html
    assert "Reports (1 of 5)" in html


@pytest.mark.parametrize(
    ("query", "first", "aria"),
    [
        ("", "mig31-estonia-airspace-vaindloo-2025", "descending"),
        ("sort=date&order=asc", "zapad-2021-exercise", "ascending"),
        ("sort=title", "mig31-estonia-airspace-vaindloo-2025", "ascending"),
        ("sort=title&order=desc", "zapad-2021-exercise", "descending"),
        ("sort=sources", "mig31-estonia-airspace-vaindloo-2025", "descending"),
    ],
)
def test_reports_list_sorts_by_column(client, query, first, aria):
    html = client.get(f"/reports?{query}").get_data(as_text=True)
    rows = re.findall(r'<td><a href="/reports/([a-z0-9-]+)">', html)
    assert rows[0] == first
    assert f'aria-sort="{aria}"' in html


def test_sort_links_keep_filters_and_flip_the_order(client):
    html = client.get("/reports?kind=strike&sort=title&order=asc").get_data(as_text=True)
    assert 'href="/reports?kind=strike&amp;sort=title&amp;order=desc"' in html
    assert 'href="/reports?kind=strike&amp;sort=date&amp;order=desc"' in html


def test_reports_list_explains_a_bad_filter(client):
    response = client.get("/reports?to=soon")
    assert response.status_code == 400  # the page, with the reason, and a status that says so
    assert "to: &#39;soon&#39; is not a date" in response.get_data(as_text=True)


def test_report_page_has_a_small_map_without_javascript(client):
    html = client.get("/reports/oreshnik-strike-dnipro-2024").get_data(as_text=True)
    svg = re.search(r"<svg class=\"minimap\".*?</svg>", html, re.S).group(0)
    assert 'role="img"' in svg and "Dnipro" in svg
    assert svg.count("<path") >= 2 and "<circle" in svg
    assert 'href="/?report=oreshnik-strike-dnipro-2024"' in html


def test_long_lists_are_paged_and_keep_their_filters(data_dir):
    from webmap.web.app import create_app

    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    template = data["features"][0]
    for i in range(445):
        copy = json.loads(json.dumps(template))
        copy["id"] = copy["properties"]["id"] = f"copy-{i:03d}"
        data["features"].append(copy)
    path.write_text(json.dumps(data), "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    first = client.get("/reports?sort=title").get_data(as_text=True)
    assert first.count('<td><a href="/reports/') == 200
    assert "Showing 1–200 of 450." in first and "Page 1 of 3" in first
    assert 'href="/reports?sort=title&amp;page=2" rel="next"' in first
    last = client.get("/reports?sort=title&page=3").get_data(as_text=True)
    assert last.count('<td><a href="/reports/') == 50 and 'rel="next"' not in last
    assert client.get("/reports?page=99").get_data(as_text=True).count("Page 3 of 3") == 1
    sort_links = re.findall(r'<th scope="col"[^>]*><a href="([^"]+)"', last)
    assert sort_links and all("page=" not in link for link in sort_links)


def test_printed_pages_say_the_date_of_the_data_before_its_version(client, app):
    with app.app_context():
        store = current_catalog()
        newest, version = store.index.newest_day(), store.version
    year, month, day = newest.split("-")
    for url in ("/", f"/reports/{store.index.ids[0]}"):
        html = client.get(url).get_data(as_text=True)
        note = re.search(r"Data as of (\d{1,2}) ([A-Z][a-z]+) (\d{4}) · version ([0-9a-f]+)", html)
        assert note, url
        assert (note.group(1), note.group(3)) == (str(int(day)), year)
        assert note.group(4) == version
