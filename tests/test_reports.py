import copy
import json
from pathlib import Path

import pytest

from webmap.record.checks import check_reports_file
from webmap.record.model import ReportError
from webmap.record.reports_file import load_reports, save_reports
from webmap.record.validation import check_collection, validate_feature
from webmap.record.vocabulary import KINDS

DATA = Path(__file__).parent / "data" / "reports.geojson"


def good_feature() -> dict:
    """Return a valid report Feature to break in tests."""
    return {
        "type": "Feature",
        "id": "sample-report",
        "geometry": {"type": "Point", "coordinates": [27.56, 53.9]},
        "properties": {
            "id": "sample-report",
            "title": "A sample",
            "summary": "Someone said something.",
            "kind": "statement",
            "status": "reported",
            "claimed_by": "Someone",
            "date": "2024-12-06",
            "place": "Minsk",
            "precision": "city",
            "actors": ["BLR", "NATO"],
            "sources": [
                {
                    "url": "https://example.org/a",
                    "publisher": "Example",
                    "affiliation": "wire",
                    "stance": "relays",
                    "says": "Reports that someone said something.",
                }
            ],
            "related": [],
        },
    }


def broken(path: str, value) -> dict:
    """Return good_feature() with one dotted path replaced (or removed when value is ...)."""
    feature = copy.deepcopy(good_feature())
    *parents, last = path.split(".")
    target = feature
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is ...:
        del target[int(last) if last.isdigit() else last]
    else:
        target[int(last) if last.isdigit() else last] = value
    return feature


def test_good_feature_has_no_problems():
    assert validate_feature(good_feature(), "f.geojson") == []


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (
            "properties.sources",
            [],
            "f.geojson: sample-report: sources: a report needs at least one source "
            "with a URL and a publisher",
        ),
        (
            "properties.sources",
            ...,
            "f.geojson: sample-report: sources: a report needs at least one source "
            "with a URL and a publisher",
        ),
        (
            "properties.sources.0.url",
            "javascript:alert(1)",
            "f.geojson: sample-report: sources[1].url: 'javascript:alert(1)' "
            "is not the address of a public web page: write it http:// or https://, "
            "then the site's name (not localhost or a number such as 127.0.0.1), with no spaces",
        ),
        (
            "properties.sources.0.url",
            "ftp://example.org/file",
            "f.geojson: sample-report: sources[1].url: 'ftp://example.org/file' "
            "is not the address of a public web page: write it http:// or https://, "
            "then the site's name (not localhost or a number such as 127.0.0.1), with no spaces",
        ),
        (
            "properties.sources.0.url",
            "http://localhost:5000/reports",
            "f.geojson: sample-report: sources[1].url: 'http://localhost:5000/reports' "
            "is not the address of a public web page: write it http:// or https://, "
            "then the site's name (not localhost or a number such as 127.0.0.1), with no spaces",
        ),
        (
            "properties.sources.0.publisher",
            " ",
            "f.geojson: sample-report: sources[1].publisher: is empty",
        ),
        (
            "properties.sources.0.affiliation",
            "propaganda",
            "f.geojson: sample-report: sources[1].affiliation: 'propaganda' is not one of: "
            "independent, public_broadcaster, state_media, government, think_tank, wire, unknown",
        ),
        (
            "properties.date",
            "2023-02-29",
            "f.geojson: sample-report: date: '2023-02-29' is not a real date written YYYY, "
            "YYYY-MM or YYYY-MM-DD (~ about, ? uncertain, START/END a period)",
        ),
        (
            "properties.kind",
            "invasion",
            "f.geojson: sample-report: kind: 'invasion' is not one of: deployment_announcement, "
            "deployment, strike, exercise, agreement, accession, statement, incident, "
            "fortification",
        ),
        (
            "properties.status",
            "true",
            "f.geojson: sample-report: status: 'true' is not one of: announced, reported, "
            "confirmed, disputed, denied",
        ),
        (
            "properties.actors",
            ["Belarus"],
            "f.geojson: sample-report: actors: 'Belarus' is not a country code (ISO 3166-1 "
            "alpha-3, e.g. BLR) or NATO, CSTO, UNION-STATE",
        ),
        (
            "properties.actors",
            ["XYZ"],
            "f.geojson: sample-report: actors: 'XYZ' is not a country code (ISO 3166-1 "
            "alpha-3, e.g. BLR) or NATO, CSTO, UNION-STATE",
        ),
        (
            "geometry.coordinates",
            [53.9, 127.56],
            "f.geojson: sample-report: geometry: point (53.9, 127.56) is outside the mapped "
            "region (longitude -30 to 190, latitude 25 to 85); are longitude and latitude in "
            "that order?",
        ),
        (
            "geometry.coordinates",
            [27.5, "53.9"],
            "f.geojson: sample-report: geometry: must be a Point with [longitude, latitude] "
            "numbers",
        ),
        (
            "properties.id",
            "Bad ID",
            "f.geojson: Bad ID: id: must be lowercase letters, digits and hyphens, "
            "e.g. oreshnik-belarus-2024",
        ),
        ("properties.title", "", "f.geojson: sample-report: title: is empty"),
        (
            "properties.range_km",
            -5,
            "f.geojson: sample-report: range_km: -5 is not a positive number of kilometres",
        ),
    ],
)
def test_each_problem_has_a_clear_message(path, value, expected):
    assert [str(p) for p in validate_feature(broken(path, value), "f.geojson")] == [expected]


def test_duplicate_ids_and_unknown_related_are_reported():
    first = good_feature()
    second = broken("properties.related", ["missing-report"])
    problems = check_collection({"type": "FeatureCollection", "features": [first, second]}, "f")
    assert [str(p) for p in problems] == [
        "f: sample-report: id: is used by more than one report",
        "f: sample-report: related: no report has id 'missing-report'",
    ]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("", "file: is empty; a reports file is a GeoJSON FeatureCollection"),
        ('{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        ("[]", "type: the file is not a GeoJSON FeatureCollection"),
    ],
)
def test_unreadable_files_are_named(tmp_path, content, expected):
    path = tmp_path / "reports.geojson"
    path.write_text(content, encoding="utf-8")
    problems = [str(p) for p in check_reports_file(path, None)]
    assert len(problems) == 1 and problems[0].startswith(str(path)) and expected in problems[0]


def test_load_reports_raises_with_every_error(tmp_path):
    path = tmp_path / "reports.geojson"
    bad = [broken("properties.kind", "x"), broken("properties.id", "other")]
    bad[1]["id"] = "other"
    bad[1]["properties"]["status"] = "y"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": bad}), "utf-8")
    with pytest.raises(ReportError) as caught:
        load_reports(path)
    assert [p.field for p in caught.value.problems] == ["kind", "status"]


def test_save_then_load_gives_back_the_same_reports(tmp_path):
    reports = load_reports(DATA)
    path = tmp_path / "reports.geojson"
    save_reports(path, reversed(reports))
    assert load_reports(path) == reports
    assert path.read_text("utf-8") == DATA.read_text("utf-8")


def test_feature_keeps_id_at_both_levels_and_lon_lat_order():
    report = load_reports(DATA)[0]
    feature = report.to_feature()
    assert feature["id"] == feature["properties"]["id"] == report.id
    assert feature["geometry"]["coordinates"] == [report.lon, report.lat]


def test_shipped_reports_are_valid_and_each_cites_a_web_source():
    shipped = Path(__file__).parent.parent / "geodata" / "reports.geojson"
    errors = [p for p in check_reports_file(shipped, None) if p.severity == "error"]
    assert errors == []
    reports = load_reports(shipped)
    assert len(reports) >= 12
    assert all(s.url.startswith(("http://", "https://")) for r in reports for s in r.sources)
    ids = {r.id for r in reports}
    assert "putin-oreshnik-belarus-announcement-2024" in ids
    assert "oreshnik-strike-dnipro-2024" in ids


def test_shipped_dataset_spans_the_region_years_and_both_sides_of_disputes():
    reports = load_reports(Path(__file__).parent.parent / "geodata" / "reports.geojson")
    assert len(reports) >= 40
    multi = [r for r in reports if len({s.publisher for s in r.sources}) >= 2]
    assert len(multi) >= 12
    assert {r.kind for r in reports} == set(KINDS)
    years = {int(r.date[:4]) for r in reports}
    assert min(years) <= 2014 and max(years) >= 2026
    contested = [r for r in reports if r.status in ("disputed", "denied")]
    assert len(contested) >= 5 and all(len(r.sources) >= 2 for r in contested)
    actors = {a for r in reports for a in r.actors}
    assert {"EST", "LVA", "LTU", "POL", "FIN", "SWE", "ROU", "BGR", "BLR", "UKR", "RUS"} <= actors
