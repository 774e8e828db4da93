"""Input at the door: ASCII digits only, finite numbers only, no unsafe code points (issue 13)."""

from __future__ import annotations

import csv
import io
import json

import pytest

from webmap.cli import cli
from webmap.record.dates import parse_partial_date

ARABIC_DATE = "٢٠٢٤-٠١-٠١"  # 2024-01-01 in Arabic-Indic digits: \d matches them, int() reads them
OTHER_DIGITS = [ARABIC_DATE, "２０２４-０１-０１", "۲۰۲۴", "२०२४-०१"]
UNSAFE = {
    "noncharacter U+FFFE": "\ufffe",
    "noncharacter U+FFFF": "\uffff",
    "noncharacter U+FDD0": "\ufdd0",
    "noncharacter U+1FFFE": "\U0001fffe",
    "control U+0007": "\x07",
    "control U+001B": "\x1b",
    "C1 control U+0085": "\x85",
    "DEL U+007F": "\x7f",
}


def _write(data_dir, change) -> tuple[str, str]:
    """Apply change to the first report's properties; return the file and the report id."""
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    props = data["features"][0]["properties"]
    change(props)
    path.write_text(json.dumps(data, ensure_ascii=True), "utf-8")
    return str(path), props["id"]


@pytest.mark.parametrize("text", OTHER_DIGITS)
def test_dates_need_ascii_digits(text):
    assert parse_partial_date(text) is None


@pytest.mark.parametrize("field", ["date", "expected"])
def test_check_refuses_a_date_in_other_digits(runner, data_dir, field):
    path, rid = _write(data_dir, lambda p: p.update({field: ARABIC_DATE}))
    result = runner.invoke(cli, args=["check", path])
    assert result.exit_code == 1
    assert any(line.startswith(f"{path}: {rid}: {field}: ") for line in result.output.splitlines())


@pytest.mark.parametrize("char", UNSAFE.values(), ids=UNSAFE.keys())
@pytest.mark.parametrize("field", ["title", "summary", "place"])
def test_check_refuses_unsafe_code_points(runner, data_dir, field, char):
    path, rid = _write(data_dir, lambda p: p.update({field: p[field] + char + " more"}))
    result = runner.invoke(cli, args=["check", path])
    assert result.exit_code == 1
    lines = [ln for ln in result.output.splitlines() if ln.startswith(f"{path}: {rid}: {field}: ")]
    assert lines and f"U+{ord(char):04X}" in lines[0]


def test_check_refuses_unsafe_code_points_in_sources(runner, data_dir):
    def change(props):
        props["sources"][0]["publisher"] += "\uffff"

    path, rid = _write(data_dir, change)
    result = runner.invoke(cli, args=["check", path])
    assert result.exit_code == 1
    assert f"{path}: {rid}: sources[1].publisher: " in result.output


def test_tab_and_newline_stay_allowed(runner, data_dir):
    path, _ = _write(data_dir, lambda p: p.update({"summary": p["summary"] + "\n\tIndented."}))
    assert runner.invoke(cli, args=["check", path]).exit_code == 0


def _csv(runner, data_dir, tmp_path, **cells) -> tuple[str, object]:
    """Export the fixture as CSV, change one row's cells, import it as a new report."""
    export = runner.invoke(cli, args=["export", "--format", "csv"])
    header, first = export.output.lstrip("\ufeff").splitlines()[:2]
    columns = header.split(",")
    row = next(csv.reader(io.StringIO(first)))
    values = dict(zip(columns, row, strict=True))
    values.update(id="new-report", related="", **cells)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow([values[c] for c in columns])
    path = tmp_path / "new.csv"
    path.write_text(out.getvalue(), "utf-8")
    return str(path), runner.invoke(cli, args=["import", str(path)])


@pytest.mark.parametrize(
    "cells",
    [
        {"date": ARABIC_DATE},
        {"lat": "٥٣٫٩"},
        {"lat": "٥٣"},
        {"lon": "２７"},
        {"range_km": "١٠٠"},
        {"range_km": "1_000"},
        {"lat": "nan"},
        {"lon": "inf"},
        {"range_km": "1e999"},
        {"source_published": ARABIC_DATE},
    ],
    ids=lambda cells: ",".join(cells),
)
def test_import_refuses_other_digits_and_non_finite_numbers(runner, data_dir, tmp_path, cells):
    before = (data_dir / "reports.geojson").read_bytes()
    path, result = _csv(runner, data_dir, tmp_path, **cells)
    assert result.exit_code == 1, result.output
    assert f"{path}: new-report: " in result.output
    assert "Traceback" not in result.output
    assert (data_dir / "reports.geojson").read_bytes() == before


@pytest.mark.parametrize("url", ["/api/reports", "/reports"])
@pytest.mark.parametrize("name", ["from", "to"])
def test_a_date_filter_in_other_digits_is_a_400(client, url, name):
    response = client.get(url, query_string={name: ARABIC_DATE})
    assert response.status_code == 400
    assert "YYYY-MM-DD" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "bbox",
    [
        "nan,45,40,64",
        "14,nan,40,64",
        "inf,45,40,64",
        "-inf,45,40,64",
        "1e999,45,40,64",
        "14,45,40,1e400",
        "١٤,45,40,64",
        "14,45,40",
        "1_4,45,40,64",
    ],
)
def test_a_bbox_that_is_not_four_finite_numbers_is_a_400(client, bbox):
    response = client.get("/api/reports", query_string={"bbox": bbox})
    assert response.status_code == 400
    assert response.get_json()["error"].startswith("bbox: ")


def test_a_search_is_normalised(client):
    found = client.get("/api/reports", query_string={"q": "ＯＲＥＳＨＮＩＫ belarus"}).get_json()
    assert [f["id"] for f in found["features"]] == ["putin-oreshnik-belarus-announcement-2024"]


def test_a_search_has_at_most_32_different_words(client):
    words = " ".join(f"word{n}" for n in range(33))
    response = client.get("/api/reports", query_string={"q": words})
    assert response.status_code == 400
    assert "32" in response.get_json()["error"]
    repeated = " ".join(["oreshnik"] * 400)  # one word, 3.6 KB: allowed
    assert client.get("/api/reports", query_string={"q": repeated}).status_code == 200


SEARCHES = [
    "oreshnik",
    "ORESHNIK Belarus",
    "oresh oreshnik",  # a word inside another adds nothing
    "a e i o",  # short words that most reports hold
    "nato finland 31st",
    "ｆｉｎｌａｎｄ",  # fullwidth letters: NFKC makes them ASCII
    "STRASSE straße",  # casefold: ß is ss
    "no-such-word-anywhere oreshnik",
    "mig-31s",
    "%00x\x00y",
]


@pytest.mark.parametrize("q", SEARCHES)
def test_the_index_finds_what_the_plain_filter_finds(data_dir, q):
    from webmap.catalog.filters import filter_reports, parse_criteria
    from webmap.catalog.report_index import ReportIndex
    from webmap.record.reports_file import load_reports

    reports = load_reports(data_dir / "reports.geojson")
    index = ReportIndex.of(reports)
    criteria = parse_criteria({"q": [q]})
    expected = [r.id for r in filter_reports(reports, criteria)]
    for _ in range(2):  # the second time, common words come from the cache
        assert [index.ids[i] for i in index.query(criteria)] == expected
