"""OGC API – Features at /ogc: its documents, answers equal to /api/reports, GDAL reading it."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest

from webmap.catalog.ogc_query import OgcError, datetime_range
from webmap.web.app import create_app

SHIPPED = Path(__file__).parent.parent / "geodata"
CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
ITEMS = "/ogc/collections/reports/items"
# OGC datetime -> the /api/reports query that must find the same reports.
DATETIME_CASES = [
    ("2024-12-06", "from=2024-12-06&to=2024-12-06"),
    ("2024-11", "from=2024-11&to=2024-11"),
    ("2024", "from=2024&to=2024"),
    ("2021-01-01/2023-12-31", "from=2021-01-01&to=2023-12-31"),
    ("2014/2019-06", "from=2014&to=2019-06"),
    ("../2024-01-01", "to=2024-01-01"),
    ("2022-02-24/..", "from=2022-02-24"),
    ("/2014-03-18", "to=2014-03-18"),
    ("2025-01-01/", "from=2025-01-01"),
    ("2024-12-06T10:00:00Z", "from=2024-12-06&to=2024-12-06"),
    ("2024-12-06T01:30:00+03:00", "from=2024-12-05&to=2024-12-05"),  # the UTC day
    ("2024-12-06T01:30:00 03:00", "from=2024-12-05&to=2024-12-05"),  # "+" sent unencoded
    ("2024-11-01T00:00:00Z/2024-12-31T23:59:59.5Z", "from=2024-11-01&to=2024-12-31"),
    ("../2009-04-01T00:00:00Z", "to=2009-04-01"),
    ("2016-12-31T23:59:60Z", "from=2016-12-31&to=2016-12-31"),  # a leap second
]
# OGC bbox -> the /api/reports bbox that must find the same reports.
BBOX_CASES = [
    ("14,45,40,64", "14,45,40,64"),
    ("20,50,30,56", "20,50,30,56"),
    ("-180,-90,180,90", "-180,-90,180,90"),
    ("60,40,-170,75", "60,40,-170,75"),  # across the antimeridian: west of 180 and east of it
    ("170,-10,-170,10", "170,-10,-170,10"),
    ("20,50,-100,30,56,9000", "20,50,30,56"),  # six numbers: heights, which points do not have
]
BAD = [
    "limit=0",
    "limit=-1",
    "limit=ten",
    "limit=١٠",
    "limit=1.5",
    "offset=-1",
    "offset=x",
    "bbox=1,2,3",
    "bbox=a,b,c,d",
    "bbox=0,60,10,50",
    "bbox=0,nan,1,2",
    "bbox=1,2,3,4,5",
    "bbox-crs=http://www.opengis.net/def/crs/EPSG/0/3857",
    "datetime=yesterday",
    "datetime=2024-13-01",
    "datetime=2024-02-30",
    "datetime=../..",
    "datetime=/",
    "datetime=2024/2023",
    "datetime=2024-12-06T25:00:00Z",
    "datetime=2024-12-06T10:00:00",
    "datetime=2024-12-06/2024-12-07/2024-12-08",
    "datetime=١٩٩٩",
    "f=xml",
    "kind=strike&colour=red",
    "from=2024",
    "q=" + "+".join(f"w{i}" for i in range(40)),
]


@pytest.fixture(scope="module")
def shipped():
    """Return a client of an app serving the shipped data (read only)."""
    app = create_app({"TESTING": True, "DATA_DIR": str(SHIPPED), "RELOAD_INTERVAL": 0})
    return app.test_client()


def api_ids(client, query: str = "") -> list[str]:
    """Return the ids /api/reports finds for a query, in its order."""
    response = client.get(f"/api/reports?{query}")
    assert response.status_code == 200, response.data
    return [f["id"] for f in json.loads(response.data)["features"]]


def ogc_ids(client, query: str = "") -> list[str]:
    """Return every id the items find for a query, following the next links."""
    found: list[str] = []
    url = f"{ITEMS}?{query}&limit=1000" if query else f"{ITEMS}?limit=1000"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.data
        page = json.loads(response.data)
        found += [f["id"] for f in page["features"]]
        url = next((x["href"] for x in page["links"] if x["rel"] == "next"), None)
    return found


def rels(document: dict) -> dict[str, list[dict]]:
    """Return a document's links by relation."""
    out: dict[str, list[dict]] = {}
    for item in document["links"]:
        out.setdefault(item["rel"], []).append(item)
    return out


def every_link_is_complete(document: dict) -> None:
    """Assert that every link has an href, a rel, a type and a title."""
    for item in document["links"]:
        assert set(item) >= {"href", "rel", "type", "title"}, item


# The documents


def test_the_landing_page_links_conformance_collections_and_itself(client):
    response = client.get("/ogc")
    assert response.status_code == 200 and response.mimetype == "application/json"
    page = response.get_json()
    assert page["title"] and page["description"]
    every_link_is_complete(page)
    by_rel = rels(page)
    assert by_rel["self"][0]["type"] == "application/json"
    assert by_rel["alternate"][0]["type"] == "text/html"
    assert client.get(by_rel["conformance"][0]["href"]).get_json()["conformsTo"]
    assert client.get(by_rel["data"][0]["href"]).get_json()["collections"]


def test_the_api_definition_is_openapi_with_the_items_parameters(client):
    landing = client.get("/ogc").get_json()
    (desc,) = rels(landing)["service-desc"]
    response = client.get(desc["href"])
    assert response.status_code == 200 and desc["type"] == response.content_type
    assert response.content_type == "application/vnd.oai.openapi+json;version=3.0"
    api = json.loads(response.data)
    assert api["openapi"].startswith("3.0") and api["servers"] == [{"url": "/ogc"}]
    items = api["paths"]["/collections/reports/items"]["get"]
    names = {p["name"] for p in items["parameters"]}
    assert {"bbox", "datetime", "limit", "offset", "kind", "status"} <= names
    limit = next(p for p in items["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000
    assert "/collections/reports/items/{featureId}" in api["paths"]


def test_conformance_declares_core_geojson_and_html(client):
    classes = client.get("/ogc/conformance").get_json()["conformsTo"]
    assert CORE in classes and GEOJSON_CLASS in classes
    assert any(c.endswith("/conf/html") for c in classes)


def test_the_collections_describe_the_reports_with_their_extent(client):
    body = client.get("/ogc/collections").get_json()
    every_link_is_complete(body)
    (reports,) = body["collections"]
    assert reports["id"] == "reports" and reports["itemType"] == "feature"
    assert reports["extent"]["spatial"]["bbox"] == [[4.4258, 48.4647, 35.0462, 59.8172]]
    assert reports["extent"]["temporal"]["interval"] == [
        ["2021-09-10T00:00:00Z", "2025-09-19T23:59:59Z"]
    ]
    one = client.get("/ogc/collections/reports").get_json()
    assert one["id"] == "reports" and one["extent"] == reports["extent"]
    every_link_is_complete(one)
    items = [x for x in one["links"] if x["rel"] == "items"]
    assert {x["type"] for x in items} == {"application/geo+json", "text/html"}


def test_items_are_geojson_with_counts_a_time_stamp_and_links(client):
    response = client.get(f"{ITEMS}?limit=2")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    page = response.get_json(force=True)
    assert page["type"] == "FeatureCollection"
    assert page["numberMatched"] == 5 and page["numberReturned"] == 2 == len(page["features"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", page["timeStamp"])
    every_link_is_complete(page)
    by_rel = rels(page)
    assert by_rel["self"][0]["type"] == by_rel["next"][0]["type"] == "application/geo+json"
    assert "prev" not in by_rel and by_rel["collection"]
    assert response.headers["Content-Crs"] == "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>"
    for feature in page["features"]:
        assert (
            feature["geometry"]["type"] == "Point" and feature["properties"]["id"] == feature["id"]
        )
        assert "derived" not in feature["properties"]  # the record, as the data file has it


def test_one_item_is_the_report_with_its_links(client):
    response = client.get(f"{ITEMS}/zapad-2021-exercise")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    feature = response.get_json(force=True)
    stored = client.get("/api/reports/zapad-2021-exercise").get_json(force=True)
    stored["properties"].pop("derived")
    assert {k: v for k, v in feature.items() if k != "links"} == stored
    by_rel = rels(feature)
    assert by_rel["self"][0]["type"] == "application/geo+json"
    assert by_rel["collection"][0]["href"].startswith("/ogc/collections/reports")


@pytest.mark.parametrize(
    "path", ["/ogc/collections/nope", "/ogc/collections/nope/items", f"{ITEMS}/no-such-report"]
)
def test_an_unknown_collection_or_item_is_a_404_exception(client, path):
    response = client.get(path)
    assert response.status_code == 404 and response.mimetype == "application/json"
    body = response.get_json()
    assert body["code"] == "NotFound" and body["description"]


# Paging


@pytest.mark.parametrize("query", ["limit=7", "limit=1", "limit=50&datetime=2022-02-24/..", ""])
def test_next_links_walk_every_report_exactly_once(shipped, query):
    url, seen, matched = f"{ITEMS}?{query}", [], set()
    while url:
        page = shipped.get(url).get_json(force=True)
        seen += [f["id"] for f in page["features"]]
        matched.add(page["numberMatched"])
        assert page["numberReturned"] == len(page["features"])
        url = next((x["href"] for x in page["links"] if x["rel"] == "next"), None)
    expected = api_ids(shipped, "from=2022-02-24" if "datetime" in query else "")
    assert seen == expected and len(set(seen)) == len(seen) and matched == {len(expected)}


def test_prev_leads_back_and_an_offset_past_the_end_is_an_empty_page(shipped):
    first = shipped.get(f"{ITEMS}?limit=5").get_json(force=True)
    second = shipped.get(rels(first)["next"][0]["href"]).get_json(force=True)
    back = shipped.get(rels(second)["prev"][0]["href"]).get_json(force=True)
    assert [f["id"] for f in back["features"]] == [f["id"] for f in first["features"]]
    past = shipped.get(f"{ITEMS}?offset=100000").get_json(force=True)
    assert past["features"] == [] and past["numberReturned"] == 0 and "next" not in rels(past)


def test_a_limit_over_the_maximum_is_served_as_the_maximum(shipped):
    page = shipped.get(f"{ITEMS}?limit=999999").get_json(force=True)
    assert page["numberReturned"] == min(1000, page["numberMatched"])
    assert "limit=1000" in rels(page)["self"][0]["href"]


# The same answers as /api/reports


@pytest.mark.parametrize(("when", "api_query"), DATETIME_CASES)
def test_datetime_finds_what_from_and_to_find(shipped, when, api_query):
    assert ogc_ids(shipped, f"datetime={quote(when)}") == api_ids(shipped, api_query)


def test_the_datetime_table_is_not_trivial(shipped):
    every = len(api_ids(shipped))
    counts = [len(api_ids(shipped, query)) for _, query in DATETIME_CASES]
    assert all(0 < n < every for n in counts[:9]), counts  # each case keeps some, not all


def test_an_interval_matches_by_overlap_of_spans():
    assert datetime_range("2024-12-06T00:00:00Z/..") == ("2024-12-06", "")
    assert datetime_range("2024") == ("2024", "2024")
    with pytest.raises(OgcError):
        datetime_range("2024-12/2024-11-30")


@pytest.mark.parametrize(("box", "api_box"), BBOX_CASES)
def test_bbox_finds_what_the_api_bbox_finds(shipped, box, api_box):
    assert ogc_ids(shipped, f"bbox={box}") == api_ids(shipped, f"bbox={api_box}")


def test_the_antimeridian_box_finds_reports_east_of_60(shipped):
    found = ogc_ids(shipped, "bbox=60,40,-170,75")
    assert found and len(found) < len(api_ids(shipped))


def test_filters_combine_as_in_the_api(shipped):
    query = "datetime=2022/..&bbox=14,45,40,64&kind=exercise,deployment&status=confirmed"
    expected = api_ids(
        shipped, "from=2022&bbox=14,45,40,64&kind=exercise,deployment&status=confirmed"
    )
    assert ogc_ids(shipped, query) == expected and expected


# Bad requests


@pytest.mark.parametrize("query", BAD)
def test_a_bad_parameter_is_a_400_exception_never_a_500(client, query):
    response = client.get(f"{ITEMS}?{query}")
    assert response.status_code == 400, query
    body = response.get_json()
    assert body["code"] == "InvalidParameterValue" and body["description"]


@pytest.mark.parametrize(
    "path", ["/ogc", "/ogc/conformance", "/ogc/collections", f"{ITEMS}/zapad-2021-exercise"]
)
def test_the_other_pages_refuse_unknown_parameters(client, path):
    assert client.get(f"{path}?limit=3").status_code == 400
    assert client.get(f"{path}?f=nope").status_code == 400
    assert client.get(f"{path}?f=json&lang=pl").status_code == 200


def test_broken_data_is_a_503_exception(data_dir):
    (data_dir / "reports.geojson").write_text("{not json", "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    response = client.get(ITEMS)
    assert response.status_code == 503 and response.get_json()["code"] == "ServiceUnavailable"


# HTML


@pytest.mark.parametrize(
    "path",
    [
        "/ogc",
        "/ogc/conformance",
        "/ogc/collections",
        "/ogc/collections/reports",
        ITEMS,
        f"{ITEMS}/zapad-2021-exercise",
    ],
)
def test_html_by_f_or_accept_through_our_templates_without_inline_code(client, path):
    by_f = client.get(f"{path}?f=html")
    browser = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
    by_accept = client.get(path, headers=browser)
    for response in (by_f, by_accept):
        assert response.status_code == 200 and response.mimetype == "text/html"
        html = response.get_data(as_text=True)
        assert '<main class="content' in html and "<h1>" in html
        assert not re.search(r"<script(?![^>]*\bsrc=)", html)  # no inline script
        assert "<style" not in html and " style=" not in html
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "Accept" in by_accept.headers["Vary"]
    assert client.get(path, headers={"Accept": "application/json"}).mimetype != "text/html"


def test_the_html_items_page_pages_with_links_a_reader_can_follow(client):
    html = client.get(f"{ITEMS}?f=html&limit=2&offset=2").get_data(as_text=True)
    assert 'rel="next"' in html and 'rel="prev"' in html and "Showing 3–4 of 5" in html
    assert 'href="/ogc/collections/reports/items/oreshnik-strike-dnipro-2024?f=html"' in html


# Links: never built from the Host header


def all_hrefs(client, headers: dict | None = None) -> list[str]:
    """Return every link of every JSON document of the API."""
    hrefs = []
    for path in [
        "/ogc",
        "/ogc/collections",
        "/ogc/collections/reports",
        f"{ITEMS}?limit=2",
        f"{ITEMS}/zapad-2021-exercise",
    ]:
        body = client.get(path, headers=headers or {}).get_json(force=True)
        docs = [body, *body.get("collections", [])]
        hrefs += [x["href"] for doc in docs for x in doc["links"]]
    return hrefs


def test_links_are_paths_on_this_site_whatever_the_host_header(client):
    hrefs = all_hrefs(client, {"Host": "evil.example"})
    assert hrefs and all(h.startswith("/ogc") and not urlsplit(h).netloc for h in hrefs)


def test_a_public_url_makes_the_links_absolute_under_it(data_dir):
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(data_dir), "PUBLIC_URL": "https://map.example.org/"}
    )
    hrefs = all_hrefs(app.test_client(), {"Host": "evil.example"})
    assert all(h.startswith("https://map.example.org/ogc") for h in hrefs), hrefs


@pytest.mark.parametrize(
    "bad", ["map.example.org", "ftp://map.example.org", "https://x.org/?a=1", "https://"]
)
def test_an_unusable_public_url_stops_the_start(data_dir, bad):
    with pytest.raises(ValueError, match="WEBMAP_PUBLIC_URL"):
        create_app({"TESTING": True, "DATA_DIR": str(data_dir), "PUBLIC_URL": bad})


# A client nobody here wrote: GDAL's OAPIF driver, through pyogrio, against a real server

SERVE = """
import sys
from werkzeug.serving import make_server
from webmap.web.app import create_app
app = create_app({"DATA_DIR": sys.argv[1], "TILES": "none", "RELOAD_INTERVAL": 0})
server = make_server("127.0.0.1", 0, app, threaded=True)
print(server.server_port, flush=True)
server.serve_forever()
"""


@pytest.fixture(scope="module")
def live_ogc() -> Iterator[str]:
    """Serve the shipped data on 127.0.0.1 in another process (GDAL holds the GIL as it reads)."""
    server = subprocess.Popen(
        [sys.executable, "-c", SERVE, str(SHIPPED)], stdout=subprocess.PIPE, text=True
    )
    try:
        port = int(server.stdout.readline())
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        server.wait(timeout=10)
        server.stdout.close()


def live_api_ids(base: str, query: str = "") -> list[str]:
    """Return the ids the live server's /api/reports finds."""
    with urllib.request.urlopen(f"{base}/api/reports?{query}", timeout=30) as response:
        return [f["id"] for f in json.load(response)["features"]]


def live_features(base: str) -> dict[str, list[float]]:
    """Return each report's coordinates from the live server's /api/reports."""
    with urllib.request.urlopen(f"{base}/api/reports", timeout=30) as response:
        return {f["id"]: f["geometry"]["coordinates"] for f in json.load(response)["features"]}


def gdal_read(base: str, **options):
    """Read the reports with GDAL's OAPIF driver."""
    pyogrio = pytest.importorskip("pyogrio")
    return pyogrio.read_dataframe(f"OAPIF:{base}/ogc", layer="reports", **options)


def test_gdal_lists_the_reports_layer(live_ogc):
    import pyogrio

    layers = pyogrio.list_layers(f"OAPIF:{live_ogc}/ogc")
    assert [list(row) for row in layers] == [["reports", "Point"]]
    info = pyogrio.read_info(f"OAPIF:{live_ogc}/ogc", layer="reports")
    assert info["features"] == len(live_api_ids(live_ogc)) and info["crs"] == "EPSG:4326"


def test_gdal_reads_every_report_with_its_id_and_point(live_ogc):
    frame = gdal_read(live_ogc, PAGE_SIZE="40")  # four pages, through the next links
    expected = live_features(live_ogc)
    assert sorted(frame["id"]) == sorted(expected) and len(frame) == len(expected) > 100
    for report_id, point in zip(frame["id"], frame.geometry, strict=True):
        assert [point.x, point.y] == expected[report_id]
    assert {"title", "kind", "status", "date", "place", "actors"} <= set(frame.columns)


@pytest.mark.parametrize(
    ("when", "api_query"),
    [
        ("2022-02-24/..", "from=2022-02-24"),
        ("../2024-01-01", "to=2024-01-01"),
        ("2024-11-01T00:00:00Z/2024-12-31T23:59:59Z", "from=2024-11-01&to=2024-12-31"),
        ("2024-12-06", "from=2024-12-06&to=2024-12-06"),
    ],
)
def test_gdal_with_a_datetime_reads_what_from_and_to_find(live_ogc, when, api_query):
    frame = gdal_read(live_ogc, DATETIME=when)
    expected = live_api_ids(live_ogc, api_query)
    assert sorted(frame["id"]) == sorted(expected) and expected


def test_gdal_with_a_where_reads_what_the_api_filters_find(live_ogc):
    # GDAL sends kind=strike&status=confirmed (it learns the parameters from /ogc/api).
    frame = gdal_read(live_ogc, where="kind = 'strike' AND status = 'confirmed'")
    expected = live_api_ids(live_ogc, "kind=strike&status=confirmed")
    assert sorted(frame["id"]) == sorted(expected) and expected


def test_gdal_with_a_bbox_reads_what_the_api_bbox_finds(live_ogc):
    frame = gdal_read(live_ogc, bbox=(20, 50, 30, 56))
    expected = live_api_ids(live_ogc, "bbox=20,50,30,56")
    assert sorted(frame["id"]) == sorted(expected) and expected
