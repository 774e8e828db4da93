"""One reports view, many formats: the list, the API and the downloads give the same reports."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
from dataclasses import replace
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs

import pyogrio
import pytest

from webmap.catalog.derived import feature_with_derived
from webmap.catalog.facets import faceted_query
from webmap.catalog.filters import LIST_FILTERS, matches, parse_criteria
from webmap.catalog.report_index import ReportIndex
from webmap.catalog.spellings import Spellings
from webmap.catalog.terms import feature_terms
from webmap.record.geojson_io import dumps_feature_collection
from webmap.record.glossary import load_glossary
from webmap.record.history import reports_as_of
from webmap.record.model import Report
from webmap.record.names import read_names
from webmap.record.reports_file import load_reports
from webmap.record.revisions import REVISIONS_FILE, read_revisions
from webmap.web.app import create_app

REPO_DATA = Path(__file__).parent.parent / "geodata"
SHIPPED = load_reports(REPO_DATA / "reports.geojson")
SPELLINGS = Spellings(read_names(REPO_DATA))
# The shipped log adds 50 reports on 26 November 2026 and the rest on 1 December 2026.
LOG_DAY = "2026-11-30"
QUERIES = [
    "",
    "kind=strike,deployment",
    "kind=strike&kind=exercise",
    "status=disputed&status=denied&actor=blr",
    "affiliation=state_media&from=2023",
    "from=2022-02&to=2022-12",
    "to=2016",
    "q=oreshnik belarus",
    "q=TASS&kind=exercise",
    "bbox=20,53,33,57",
    "bbox=170,50,-170,56",
    "actor=NATO&status=confirmed&bbox=10,40,45,71",
    "kind=strike&status=denied",
    f"as_of={LOG_DAY}",
    f"as_of={LOG_DAY}&kind=exercise,deployment&actor=rus",
]
BAD = [
    ("from=yesterday", "from: 'yesterday' is not a date"),
    ("to=2024-02-30", "to: '2024-02-30' is not a date"),
    ("bbox=1,2,3", "bbox: write four numbers"),
    ("bbox=1,60,3,50", "bbox: south is greater than north"),
    ("bbox=nan,1,2,3", "bbox: write four numbers"),
    ("as_of=2025-13-01", "as_of: '2025-13-01' is not a day"),
    ("as_of=tomorrow", "as_of: 'tomorrow' is not a day"),
    ("q=" + "+".join(f"w{i}" for i in range(40)), "q: search for at most 32 different words"),
]


@pytest.fixture(scope="module")
def shipped():
    """Return a client of an app serving the shipped data (its 300-odd reports and log)."""
    app = create_app(
        {"TESTING": True, "DATA_DIR": str(REPO_DATA), "TILES": "none", "INDEX_CACHE_DIR": ""}
    )
    return app.test_client()


def api_ids(client, query: str) -> list[str]:
    """Return the ids /api/reports gives for a query."""
    response = client.get(f"/api/reports?{query}")
    assert response.status_code == 200, response.data
    return [f["id"] for f in response.get_json()["features"]]


def ids_in(fmt: str, data: bytes, tmp_path: Path) -> list[str]:
    """Return the report ids in a downloaded file, read as a spreadsheet or GIS would."""
    if fmt == "geojson":
        return [f["id"] for f in json.loads(data)["features"]]
    if fmt == "csv":
        rows = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        return list(dict.fromkeys(row["id"] for row in rows))  # one row per source
    path = tmp_path / f"download.{fmt}"
    path.write_bytes(data)
    if fmt == "kml":
        frame = pyogrio.read_dataframe(path)
        return frame["report_id"].tolist() if len(frame) else []
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"reports": "Point", "sources": None}
    return pyogrio.read_dataframe(path, layer="reports")["id"].tolist()


def download_links(html: str) -> dict[str, str]:
    """Return the list's download links by format."""
    (paragraph,) = re.findall(r'<p class="downloads">(.*?)</p>', html, re.S)
    links = re.findall(r'href="(/export/reports\.(\w+)[^"]*)"', paragraph)
    return {fmt: unescape(href) for href, fmt in links}


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "gpkg"])
@pytest.mark.parametrize(
    "query", ["kind=strike&kind=exercise&sort=title&page=1", "q=oreshnik", "actor=LTU,POL"]
)
def test_a_filtered_lists_downloads_give_exactly_its_reports(shipped, tmp_path, query, fmt):
    html = shipped.get(f"/reports?{query}").get_data(as_text=True)
    listed = re.findall(r'<td><a href="/reports/([a-z0-9-]+)">', html)
    assert 0 < len(listed) < len(SHIPPED)
    assert f"Download the {len(listed)} reports of this list" in html
    link = download_links(html)[fmt]
    assert "sort=" not in link and "page=" not in link  # what is shown, not how
    response = shipped.get(link)
    assert response.status_code == 200
    assert "-filtered." in response.headers["Content-Disposition"]
    assert sorted(ids_in(fmt, response.data, tmp_path)) == sorted(listed)


def test_the_whole_lists_downloads_are_every_report(shipped):
    html = shipped.get("/reports?sort=place").get_data(as_text=True)
    assert "Download every report:" in html
    assert set(download_links(html).values()) == {
        f"/export/reports.{fmt}" for fmt in ("csv", "geojson", "kml", "gpkg")
    }


@pytest.mark.parametrize("query", QUERIES)
def test_downloads_filter_like_the_api(shipped, query):
    expected = api_ids(shipped, query)
    geojson = shipped.get(f"/export/reports.geojson?{query}")
    assert [f["id"] for f in json.loads(geojson.data)["features"]] == expected
    table = shipped.get(f"/export/reports.csv?{query}").data.decode("utf-8-sig")
    assert list(dict.fromkeys(r["id"] for r in csv.DictReader(io.StringIO(table)))) == expected


def test_the_download_of_a_day_is_the_record_of_that_day(shipped, tmp_path):
    then = reports_as_of(read_revisions(REPO_DATA / REVISIONS_FILE), LOG_DAY)
    assert 0 < len(then) < len(SHIPPED)
    response = shipped.get(f"/export/reports.gpkg?as_of={LOG_DAY}")
    assert response.headers["Content-Disposition"].endswith(f"-as-of-{LOG_DAY}.gpkg")
    assert ids_in("gpkg", response.data, tmp_path) == [r.id for r in then]
    html = shipped.get(f"/reports?as_of={LOG_DAY}").get_data(as_text=True)
    assert f"Reports ({len(then)})" in html and "as it stood on 30 November 2026" in html
    assert f'name="as_of" value="{LOG_DAY}"' in html  # sending the form keeps the day


@pytest.mark.parametrize("fmt", ["geojson", "csv", "kml", "gpkg"])
@pytest.mark.parametrize(("query", "message"), BAD)
def test_bad_parameters_on_a_download_are_a_400_with_a_reason(client, fmt, query, message):
    response = client.get(f"/export/reports.{fmt}?{query}")
    assert response.status_code == 400
    assert message in response.get_json()["error"]
    assert client.get(f"/api/reports?{query}").get_json() == response.get_json()


def test_the_geojson_download_keeps_its_bytes(shipped):
    """It is made from the stored Feature bytes now, and reads exactly as before."""
    chosen = [r for r in SHIPPED if r.kind == "exercise"]
    old = dumps_feature_collection([r.to_feature() for r in chosen]).encode()
    assert shipped.get("/export/reports.geojson?kind=exercise").data == old
    everything = dumps_feature_collection([r.to_feature() for r in SHIPPED]).encode()
    assert shipped.get("/export/reports.geojson").data == everything
    assert (
        shipped.get("/export/reports.geojson").headers["Content-Disposition"]
        == "attachment; filename=webmap-reports.geojson"
    )


def test_one_report_from_the_api_is_the_feature_it_always_was(shipped):
    """The stored Feature, its derived fields gaining the first uses of glossary terms (17)."""
    glossary = load_glossary(REPO_DATA)[0]
    for report in SHIPPED:
        response = shipped.get(f"/api/reports/{report.id}")
        assert response.mimetype == "application/geo+json"
        old = feature_with_derived(report)
        old["properties"]["derived"]["terms"] = feature_terms(old["properties"], glossary)
        assert response.data == json.dumps(old, ensure_ascii=False, separators=(",", ":")).encode()


def naive_facets(reports: list[Report], query: str) -> dict[str, dict[str, int]]:
    """Count, report by report, each value among the reports that meet the other filters."""
    criteria = parse_criteria({k: [v] for k, v in _pairs(query)})
    counts: dict[str, dict[str, int]] = {name: {} for name in LIST_FILTERS}
    for name in LIST_FILTERS:
        others = replace(criteria, **{name: ()})
        for report in reports:
            if not matches(report, others):
                continue
            values = {
                "kind": {report.kind},
                "status": {report.status},
                "actor": set(report.actors),
                "affiliation": {s.affiliation for s in report.sources},
            }[name]
            for value in values:
                counts[name][value] = counts[name].get(value, 0) + 1
    return counts


def _pairs(query: str) -> list[tuple[str, str]]:
    """Return a query string's pairs, a repeated name's values joined by commas."""
    joined: dict[str, str] = {}
    for pair in filter(None, query.split("&")):
        name, _, value = pair.partition("=")
        joined[name] = f"{joined[name]},{value}" if name in joined else value
    return list(joined.items())


@pytest.mark.parametrize("query", [q for q in QUERIES if "as_of" not in q])
def test_api_facets_are_the_counts_a_person_would_make(shipped, query):
    body = shipped.get(f"/api/reports?{query}&facets=1").get_json()
    nonzero = {name: {v: n for v, n in c.items() if n} for name, c in body["facets"].items()}
    assert nonzero == naive_facets(SHIPPED, query)
    assert [f["id"] for f in body["features"]] == api_ids(shipped, query)


def test_api_facets_of_a_day_count_the_record_of_that_day(shipped):
    then = reports_as_of(read_revisions(REPO_DATA / REVISIONS_FILE), LOG_DAY)
    body = shipped.get(f"/api/reports?as_of={LOG_DAY}&kind=exercise&facets=1").get_json()
    nonzero = {name: {v: n for v, n in c.items() if n} for name, c in body["facets"].items()}
    assert nonzero == naive_facets(then, "kind=exercise")


def test_api_facets_name_every_choice_and_only_when_asked(client):
    plain = client.get("/api/reports?kind=strike")
    asked = client.get("/api/reports?kind=strike&facets=1")
    assert b"facets" not in plain.data
    assert asked.get_json()["features"] == plain.get_json()["features"]
    facets = asked.get_json()["facets"]
    assert list(facets) == ["kind", "status", "actor", "affiliation"]
    assert facets["kind"]["strike"] == 1 and facets["kind"]["fortification"] == 0
    assert facets["status"]["denied"] == 0  # every choice is named, even with no report
    light = client.get("/api/reports?view=map&facets=1").get_json()
    assert light["facets"]["kind"]["strike"] == 1 and light["features"][0]["properties"]["slim"]
    bad = client.get("/api/reports?facets=yes")
    assert bad.status_code == 400 and "facets=1" in bad.get_json()["error"]


def form_counts(html: str) -> dict[str, dict[str, int]]:
    """Return the count written next to each choice of the filter form, per filter."""
    counts: dict[str, dict[str, int]] = {}
    for name, body in re.findall(r'data-filter="(\w+)">(.*?)</fieldset>', html, re.S):
        for value, n in re.findall(r'value="([^"]+)".*?data-count-for="[^"]+">\((\d+)\)', body):
            counts.setdefault(name, {})[value] = int(n)
    return counts


@pytest.mark.parametrize("query", ["", "kind=strike,exercise&actor=BLR", "q=oreshnik&from=2024"])
def test_the_list_shows_facet_counts_without_javascript(shipped, query):
    html = shipped.get(f"/reports?{query}").get_data(as_text=True)
    shown = form_counts(html)
    assert set(shown) == set(LIST_FILTERS)
    expected = naive_facets(SHIPPED, query)
    for name in LIST_FILTERS:
        assert {v: n for v, n in shown[name].items() if n} == expected[name]


def test_the_lists_counts_let_a_reader_see_what_another_choice_adds(client):
    html = client.get("/reports?kind=strike").get_data(as_text=True)
    counts = form_counts(html)
    assert counts["kind"]["strike"] == 1 and counts["kind"]["accession"] == 1  # not narrowed
    assert counts["status"] == {s: int(s == "confirmed") for s in counts["status"]}  # narrowed
    # A choice that would show nothing is greyed, unless it is ticked.
    greyed = re.findall(
        r'class="facet-choice facet-empty"><input type="checkbox" name="(\w+)" value="(\w+)"', html
    )
    assert ("status", "denied") in greyed and ("kind", "strike") not in greyed
    ticked = client.get("/reports?kind=strike&kind=fortification").get_data(as_text=True)
    assert 'facet-empty"><input type="checkbox" name="kind" value="fortification"' not in ticked


def test_the_maps_form_has_the_servers_counts_before_its_script_runs(client):
    html = client.get("/?kind=strike").get_data(as_text=True)
    assert form_counts(html)["kind"]["accession"] == 1


@pytest.mark.parametrize("query", QUERIES)
def test_the_faceted_query_finds_what_the_plain_query_finds(query):
    index = ReportIndex.of(SHIPPED)
    criteria = parse_criteria({k: [v] for k, v in _pairs(query) if k != "as_of"})
    positions, _ = faceted_query(index, criteria)
    assert positions.tolist() == index.query(criteria).tolist()


def test_a_report_naming_an_actor_twice_is_counted_once():
    twice = replace(SHIPPED[0], actors=("BLR", "BLR"))
    _, counts = faceted_query(ReportIndex.of([twice]), parse_criteria({}))
    assert counts["actor"] == {"BLR": 1}


@pytest.mark.parametrize("query", ["kind=strike,accession", "q=oreshnik&from=2024", "to=2016"])
def test_export_where_chooses_what_the_api_chooses(runner, client, query):
    from webmap.cli import cli

    result = runner.invoke(cli, ["export", "--where", query])
    assert result.exit_code == 0, result.output
    assert [f["id"] for f in json.loads(result.stdout)["features"]] == api_ids(client, query)


def test_export_without_where_is_unchanged(runner):
    from webmap.cli import cli

    result = runner.invoke(cli, ["export"])
    reports = load_reports(Path(__file__).parent / "data" / "reports.geojson")
    assert result.stdout == dumps_feature_collection([r.to_feature() for r in reports])


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ("from=yesterday", "from: 'yesterday' is not a date"),
        ("knd=strike", "knd: not a filter"),
        ("kind", "write name=value pairs"),
        ("as_of=2025-13-01", "as_of: '2025-13-01' is not a day"),
    ],
)
def test_export_where_explains_a_bad_filter(runner, where, message):
    from webmap.cli import cli

    result = runner.invoke(cli, ["export", "--where", where])
    assert result.exit_code == 2 and message in result.output


CORE_JS = Path(__file__).parent.parent / "webmap" / "static" / "js" / "webmap-core.js"


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_the_maps_counts_are_the_servers(shipped):
    """The map counts in the browser as filters change: by the rule the server counts by."""
    features = shipped.get("/api/reports?view=map").get_json()["features"]
    queries = [q for q in QUERIES if "as_of" not in q]

    # A search on the map asks the server which reports it finds (view=ids), then counts.
    def searched(query: str) -> list[str] | None:
        words = parse_qs(query).get("q")  # the map sends only its search words
        if not words:
            return None
        return shipped.get("/api/reports", query_string={"view": "ids", "q": words[-1]}).get_json()[
            "ids"
        ]

    found = [searched(q) for q in queries]
    script = (
        "global.window = {};\n"
        + CORE_JS.read_text()
        + "\nconst core = window.webmapCore;\n"
        + "const input = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + "console.log(JSON.stringify(input.queries.map((q, i) => {\n"
        + "  const c = core.parseCriteria(new URLSearchParams(q));\n"
        + "  if (input.found[i]) c.qIds = new Set(input.found[i]);  // as the map asks\n"
        + "  return Object.fromEntries(core.LIST_FILTERS.map("
        + "(name) => [name, core.facetCounts(input.features, c, name)]));\n"
        + "})));"
    )
    out = subprocess.run(
        ["node", "-e", script],
        input=json.dumps({"features": features, "queries": queries, "found": found}),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    for query, browser in zip(queries, json.loads(out), strict=True):
        server = shipped.get(f"/api/reports?{query}&facets=1").get_json()["facets"]
        nonzero = {name: {v: n for v, n in c.items() if n} for name, c in server.items()}
        assert browser == nonzero, query
