"""Hostile text in every field stays text: on every page, in the API and in every export."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pyogrio
import pytest
from flask import render_template_string
from xss_corpus import (
    BAD_URLS,
    COUNT,
    FIXTURES,
    PAYLOADS,
    URL_PAYLOADS,
    XML_INVALID,
    normalise,
    payload,
    report_id,
    report_text,
    story_id,
    story_text,
    write_data_dir,
)

from webmap.cli import cli
from webmap.record.exports import export_bytes, kml_name
from webmap.record.model import Source
from webmap.record.reports_file import load_reports
from webmap.record.tabular import FORMULA_STARTS, NUMBER_COLUMNS, features_from_csv
from webmap.record.validation import validate_feature
from webmap.web.app import create_app

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "xlink:href", "srcdoc"}
FOREIGN_TAGS = {
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "base",
    "img",
    "video",
    "audio",
    "source",
    "math",
    "marquee",
    "template",
    "textarea",
}
SCRIPT_SCHEMES = ("javascript:", "data:", "vbscript:")


class ParsedPage(HTMLParser):
    """An HTML page as its parser sees it: every tag with its attributes, scripts and text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.shape: list[tuple[str, tuple[str, ...]]] = []
        self.attributes: list[tuple[str, str, str]] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self.texts: list[str] = []
        self._in: str | None = None
        self.feed(html)
        self.close()
        self.text = normalise("".join(self.texts))

    def handle_starttag(self, tag, attrs):
        self.shape.append((tag, tuple(name for name, _ in attrs)))
        self.attributes += [(tag, name, value or "") for name, value in attrs]
        if tag in ("script", "style"):
            self._in = tag
        if tag == "script":
            self.scripts.append((dict(attrs), ""))

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in = None

    def handle_endtag(self, tag):
        self.shape.append(("/" + tag, ()))
        self._in = None

    def handle_data(self, data):
        if self._in == "script":
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
        elif self._in is None:
            self.texts.append(data)


def scheme_of(url: str) -> str:
    """Return the scheme a browser would see: it skips spaces and control characters."""
    cleaned = re.sub(r"[\x00-\x20\x7f]", "", url).lower()
    return cleaned.split(":", 1)[0] + ":" if ":" in cleaned.split("/", 1)[0] else ""


def assert_inert(page: ParsedPage) -> None:
    """Assert the page holds nothing that runs script: handlers, script URLs, foreign tags."""
    handlers = [(tag, name) for tag, name, _ in page.attributes if name.startswith("on")]
    assert handlers == []
    for tag, name, value in page.attributes:
        if name in URL_ATTRIBUTES:
            assert name != "srcdoc", tag
            assert scheme_of(value) in ("", "http:", "https:"), (tag, name, value)
    tags = {tag for tag, _ in page.shape}
    assert tags.isdisjoint(FOREIGN_TAGS), tags & FOREIGN_TAGS
    for attrs, body in page.scripts:
        if "src" in attrs:
            assert attrs["src"].startswith("/") and not attrs["src"].startswith("//")
            assert body == ""
        elif attrs.get("type") == "application/json":
            assert "<" not in body  # so neither </script> nor <!-- can end or bend it
            json.loads(body)
        else:
            assert "L_NO_TOUCH" in body and "__xss" not in body  # folium's one flag block


def assert_same_shape(hostile_html: str, plain_html: str) -> ParsedPage:
    """Assert the hostile page has exactly the elements and attributes of the plain one."""
    hostile, plain = ParsedPage(hostile_html), ParsedPage(plain_html)
    assert_inert(hostile)
    assert hostile.shape == plain.shape
    return hostile


def assert_shows(page: ParsedPage, texts) -> None:
    """Assert each text is on the page literally (up to runs of whitespace)."""
    missing = [t for t in texts if normalise(t) not in page.text]
    assert missing == []


def get_ok(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    return response


@pytest.fixture(scope="module")
def clients(tmp_path_factory):
    """Return test clients on the hostile data and on the same data in plain words."""
    made = []
    for plain in (False, True):
        data_dir = write_data_dir(tmp_path_factory.mktemp("xss") / "data", plain_text=plain)
        app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"})
        made.append(app.test_client())
    return made


@pytest.fixture(scope="module")
def hostile_dir(clients) -> Path:
    return Path(clients[0].application.config["DATA_DIR"])


def test_the_corpus_is_big_distinct_and_valid(runner, hostile_dir):
    assert len(PAYLOADS) >= 50 and len({payload(i) for i in range(COUNT)}) == COUNT
    assert all(p.strip() for p in PAYLOADS)
    result = runner.invoke(cli, ["check", str(hostile_dir)])
    assert result.exit_code == 0, result.output


def test_map_page(clients):
    hostile, plain = (get_ok(c, "/").get_data(as_text=True) for c in clients)
    page = assert_same_shape(hostile, plain)
    assert_shows(page, [payload(i) for i in range(COUNT)])  # every story title is in the panel
    config = next(json.loads(body) for attrs, body in page.scripts if attrs.get("type"))
    stories = {s["id"]: s for s in config["stories"]}
    for i in range(COUNT):
        story = stories[story_id(i)]
        assert [story["title"], story["summary"]] == [payload(i), payload(i + 1)]
        assert [s["text"] for s in story["steps"]] == [payload(i + 2), payload(i + 3)]


def test_reports_list(clients):
    hostile, plain = (get_ok(c, "/reports").get_data(as_text=True) for c in clients)
    page = assert_same_shape(hostile, plain)
    shown = [report_text(i)[f] for i in range(COUNT) for f in ("title", "claimed_by", "place")]
    assert_shows(page, shown)


@pytest.mark.parametrize("i", range(COUNT))
def test_report_page(clients, i):
    hostile, plain = (get_ok(c, f"/reports/{report_id(i)}").get_data(as_text=True) for c in clients)
    page = assert_same_shape(hostile, plain)
    text = report_text(i)
    shown = [v for f, v in text.items() if f != "sources[0].language"]  # the page omits it
    related = [report_text(i - 1)["title"]] if i else []  # report i relates to report i - 1
    assert_shows(page, [*shown, *related])
    links = [v for tag, name, v in page.attributes if tag == "a" and name == "href"]
    assert URL_PAYLOADS[i % len(URL_PAYLOADS)] in links  # the source, hostile query and all
    assert f"https://example.org/report/{i}" in links


@pytest.mark.parametrize("i", range(COUNT))
def test_story_page(clients, i):
    hostile, plain = (get_ok(c, f"/stories/{story_id(i)}").get_data(as_text=True) for c in clients)
    page = assert_same_shape(hostile, plain)
    assert_shows(page, [*story_text(i).values(), payload(i), payload(i + 1)])  # + report titles


@pytest.mark.parametrize("i", range(0, COUNT, 7))
def test_searching_for_a_payload_echoes_it_as_text(clients, i):
    hostile = clients[0]
    for url in ("/", "/reports"):
        response = hostile.get(url, query_string={"q": PAYLOADS[i], "from": PAYLOADS[i - 1]})
        page = ParsedPage(response.get_data(as_text=True))
        assert_inert(page)
        search = [v for tag, name, v in page.attributes if name == "value" and tag == "input"]
        assert PAYLOADS[i] in search


def check_report_properties(props: dict, i: int, from_csv: bool = False) -> None:
    """Assert a report's properties carry its hostile text exactly.

    From CSV, list items come back stripped of surrounding spaces.
    """
    sources = props["sources"]
    got = {
        "title": props["title"],
        "summary": props["summary"],
        "place": props["place"],
        "claimed_by": props["claimed_by"],
        "systems[0]": props["systems"][0],
        **{f"sources[0].{k}": sources[0][k] for k in ("publisher", "title", "language", "note")},
        **{f"sources[1].{k}": sources[1][k] for k in ("publisher", "title")},
    }
    expected = report_text(i)
    if from_csv:
        expected["systems[0]"] = expected["systems[0]"].strip()
    assert got == expected
    assert sources[0]["url"] == URL_PAYLOADS[i % len(URL_PAYLOADS)]
    assert sources[0]["archive_url"] == URL_PAYLOADS[(i + 1) % len(URL_PAYLOADS)]


def by_id(features: list[dict]) -> dict[str, dict]:
    return {f["properties"]["id"]: f["properties"] for f in features}


def test_api_reports_round_trip_the_text(clients):
    response = get_ok(clients[0], "/api/reports")
    assert response.mimetype == "application/geo+json"
    found = by_id(json.loads(response.data)["features"])
    for i in range(COUNT):
        check_report_properties(found[report_id(i)], i)


@pytest.mark.parametrize("i", range(0, COUNT, 5))
def test_api_report_round_trips_the_text(clients, i):
    response = get_ok(clients[0], f"/api/reports/{report_id(i)}")
    assert response.mimetype == "application/geo+json"
    check_report_properties(json.loads(response.data)["properties"], i)


def test_api_stories_round_trip_the_text(clients):
    response = get_ok(clients[0], "/api/stories")
    assert response.mimetype == "application/json"
    stories = {s["id"]: s for s in json.loads(response.data)}
    for i in range(COUNT):
        story = stories[story_id(i)]
        got = [story["title"], story["summary"], *(s["text"] for s in story["steps"])]
        assert got == list(story_text(i).values())


def test_a_hostile_id_in_the_api_is_answered_as_json(clients):
    hostile_id = "<img src=x onerror=window.__xss=1>"
    response = clients[0].get(f"/api/reports/{quote(hostile_id)}")
    assert response.status_code == 404 and response.mimetype == "application/json"
    assert hostile_id in response.get_json()["error"]


def test_geojson_export_round_trips_the_text(clients):
    response = get_ok(clients[0], "/export/reports.geojson")
    found = by_id(json.loads(response.data)["features"])
    for i in range(COUNT):
        check_report_properties(found[report_id(i)], i)


def test_csv_export_quotes_formulas_and_round_trips_the_text(clients):
    text = get_ok(clients[0], "/export/reports.csv").data.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    text_columns = [c for c in rows[0] if c not in NUMBER_COLUMNS]
    formulas = [row[c] for row in rows for c in text_columns if row[c].startswith(FORMULA_STARTS)]
    assert formulas == []  # a spreadsheet runs none of them
    assert any(row["title"].startswith("'=HYPERLINK") for row in rows)
    features, problems = features_from_csv(text, "export.csv")
    assert [p for p in problems if p.severity == "error"] == []
    found = by_id(features)
    for i in range(COUNT):
        check_report_properties(found[report_id(i)], i, from_csv=True)


def csv_round_trip(**changes) -> dict:
    """Return the properties of a fixture report changed so, after export to CSV and import."""
    report = replace(load_reports(FIXTURES / "reports.geojson")[0], **changes)
    features, _ = features_from_csv(export_bytes([report], "csv").decode("utf-8-sig"), "r.csv")
    return features[0]["properties"]


def test_a_list_item_holding_the_csv_separator_is_refused():
    feature = json.loads((FIXTURES / "reports.geojson").read_text("utf-8"))["features"][0]
    feature["properties"]["systems"] = ["&#106;avascript:x", "S-400"]
    problems = validate_feature(feature, "reports.geojson")
    assert [(p.field, p.severity) for p in problems] == [("systems", "error")]
    assert "';'" in problems[0].message


@pytest.mark.parametrize(
    "title", ["'--><svg onload=window.__xss=1>", "'=1+1", "''@SUM(A1)", "'plain", "=cmd|x"]
)
def test_csv_keeps_text_that_starts_with_apostrophes_and_a_formula_sign(title):
    assert csv_round_trip(title=title)["title"] == title


def xml_text(text: str) -> str:
    """Return text as XML 1.0 can carry it: no control characters, line ends as \\n."""
    return XML_INVALID.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def test_kml_export_is_valid_xml_with_the_text_as_text(clients):
    data = get_ok(clients[0], "/export/reports.kml").data
    root = ET.fromstring(data)  # valid XML, with no entity or CDATA trickery surviving
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    placemarks = {}
    for mark in root.iter("{http://www.opengis.net/kml/2.2}Placemark"):
        data_fields = {d.get("name"): d.text for d in mark.iterfind(".//k:SimpleData", ns)}
        placemarks[data_fields["report_id"]] = (mark, data_fields)
    for i in range(COUNT):
        mark, data_fields = placemarks[report_id(i)]
        text = report_text(i)
        # A name is plain text: some viewers render it as HTML (issue 13), so no < or >.
        assert mark.findtext("k:name", namespaces=ns) == kml_name(xml_text(text["title"]))
        assert data_fields["claimed_by"] == xml_text(text["claimed_by"])
        # The description is HTML for Google Earth's balloon: only our tags, the rest text.
        description = ParsedPage(mark.findtext("k:description", namespaces=ns))
        assert {tag.lstrip("/") for tag, _ in description.shape} <= {"p", "ol", "li", "a"}
        assert_inert(description)
        hrefs = [v for _, name, v in description.attributes if name == "href"]
        assert hrefs == [URL_PAYLOADS[i % len(URL_PAYLOADS)], f"https://example.org/report/{i}"]
        shown = ("summary", "claimed_by", "sources[0].publisher", "sources[0].title")
        assert_shows(description, [xml_text(text[f]) for f in shown])


def test_geopackage_export_round_trips_the_text(hostile_dir, tmp_path):
    reports = load_reports(hostile_dir / "reports.geojson")
    path = tmp_path / "r.gpkg"
    path.write_bytes(export_bytes(reports, "gpkg"))
    rows = pyogrio.read_dataframe(path, layer="reports").set_index("id")
    sources = pyogrio.read_dataframe(path, layer="sources", read_geometry=False)
    for i in range(COUNT):
        text, row = report_text(i), rows.loc[report_id(i)]
        assert [row[f] for f in ("title", "summary", "place", "claimed_by", "systems")] == [
            text[f] for f in ("title", "summary", "place", "claimed_by", "systems[0]")
        ]
        own = sources[sources["report_id"] == report_id(i)].sort_values("position")
        first, second = own.iloc[0], own.iloc[1]
        assert [first["publisher"], first["title"], first["language"], first["note"]] == [
            text[f"sources[0].{k}"] for k in ("publisher", "title", "language", "note")
        ]
        assert [second["publisher"], second["title"]] == [
            text["sources[1].publisher"],
            text["sources[1].title"],
        ]
        assert first["url"] == URL_PAYLOADS[i % len(URL_PAYLOADS)]


# ---- addresses that are not http(s) ----


def bad_url_reports(data_dir: Path) -> Path:
    """Write a reports file with one report per bad address, in url and in archive_url."""
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    model = data["features"][0]
    features = []
    for k, bad in enumerate(BAD_URLS):
        feature = json.loads(json.dumps(model))
        feature["id"] = feature["properties"]["id"] = f"bad-url-{k:02d}"
        feature["properties"]["sources"][0]["url"] = bad
        feature["properties"]["sources"][1]["archive_url"] = bad
        features.append(feature)
    data["features"] = features
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_check_rejects_every_address_that_is_not_http(runner, data_dir):
    path = bad_url_reports(data_dir)
    result = runner.invoke(cli, ["check", str(path)])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    for k, bad in enumerate(BAD_URLS):
        for field in ("sources[1].url", "sources[2].archive_url"):
            prefix = f"{path}: bad-url-{k:02d}: {field}: "
            found = [line for line in lines if line.startswith(prefix)]
            assert len(found) == 1, (bad, field, lines)
            assert "http" in found[0]
    # One line per problem: an address's own newlines or control characters never break it.
    problems = [line for line in lines if line.startswith(f"{path}: ")]
    assert len(problems) == 2 * len(BAD_URLS) and len(lines) == len(problems)
    assert not re.search(r"[\x00-\x08\x0b-\x1f]", result.stdout)
    assert result.stderr.strip() == f"{len(problems)} problems to fix."


def test_data_with_a_bad_address_is_not_served_and_its_problems_are_text(data_dir):
    bad_url_reports(data_dir)
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"}).test_client()
    response = client.get("/")
    assert response.status_code == 503
    page = ParsedPage(response.get_data(as_text=True))
    assert_inert(page)
    # The 503 page gives a generic reason; the problems (and the data in them) go to the log.
    assert "data:text/html" not in page.text and "the data files have problems" in page.text
    assert client.get("/api/reports").status_code == 503


def test_an_address_that_slipped_past_the_check_never_becomes_a_link(app):
    bad = [url for url in BAD_URLS if url.strip().lower().startswith(SCRIPT_SCHEMES)]
    sources = [
        Source(url=url, publisher=f"Publisher {k}", archive_url=url) for k, url in enumerate(bad)
    ]
    with app.test_request_context("/reports/x"):  # the source list of every report page
        html = render_template_string(
            '{% from "macros.html" import source_list with context %}{{ source_list(sources) }}',
            sources=sources,
        )
    page = ParsedPage(html)
    assert_inert(page)
    assert [name for _, name, _ in page.attributes if name == "href"] == []
    assert_shows(page, [s.publisher for s in sources])  # named, just not linked
    report = replace(load_reports(FIXTURES / "reports.geojson")[0], sources=tuple(sources))
    kml = ET.fromstring(export_bytes([report], "kml"))
    description = kml.findtext(".//{http://www.opengis.net/kml/2.2}description")
    assert "href" not in description
    assert_inert(ParsedPage(description))
