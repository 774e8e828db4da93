"""Uncertain dates (EDTF level 1): parsing, spans, words, filters, and parity with the browser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from webmap.catalog.filters import filter_reports, parse_criteria
from webmap.record.dates import edtf_span, written_edtf
from webmap.record.model import report_from_feature
from webmap.record.validation import validate_feature

CORE_JS = Path(__file__).parent.parent / "webmap" / "static" / "js" / "webmap-core.js"

# (text, span or None, words): one table for Python and the browser's webmap-core.js.
CASES = [
    ("2025-12-06", ("2025-12-06", "2025-12-06"), "6 December 2025"),
    ("2025-12", ("2025-12-01", "2025-12-31"), "December 2025"),
    ("2025", ("2025-01-01", "2025-12-31"), "2025"),
    ("2025-12~", ("2025-12-01", "2025-12-31"), "about December 2025"),
    ("2025?", ("2025-01-01", "2025-12-31"), "2025 (uncertain)"),
    ("2025-02%", ("2025-02-01", "2025-02-28"), "about February 2025 (uncertain)"),
    ("2025-07/2025-12", ("2025-07-01", "2025-12-31"), "July–December 2025"),
    ("2025-12-06/2025-12-09", ("2025-12-06", "2025-12-09"), "6–9 December 2025"),
    ("2024/2025", ("2024-01-01", "2025-12-31"), "2024–2025"),
    (
        "2024-11~/2025-02",
        ("2024-11-01", "2025-02-28"),
        "about November 2024 – February 2025",
    ),
    ("2024-02-29?", ("2024-02-29", "2024-02-29"), "29 February 2024 (uncertain)"),
    ("2025-12/2025-01", None, "2025-12/2025-01"),
    ("2025-13", None, "2025-13"),
    ("2023-02-29", None, "2023-02-29"),
    ("2025~~", None, "2025~~"),
    ("2025-07/2025-09/2025-12", None, "2025-07/2025-09/2025-12"),
    ("２０２５", None, "２０２５"),
    ("٢٠٢٥-12", None, "٢٠٢٥-12"),
    (" 2025", None, " 2025"),
    ("2025\n", None, "2025\n"),
    ("2025-12~\n", None, "2025-12~\n"),
    ("2025/", None, "2025/"),
    ("", None, ""),
    ("about 2025", None, "about 2025"),
]


@pytest.mark.parametrize(("text", "span", "words"), CASES)
def test_python_reads_and_writes_uncertain_dates(text, span, words):
    """Spans are the days a date covers; words are what the page shows."""
    if span is None:
        with pytest.raises(ValueError):
            edtf_span(text)
    else:
        assert edtf_span(text) == span
    assert written_edtf(text) == words


@pytest.mark.skipif(shutil.which("node") is None, reason="needs node")
def test_browser_reads_and_writes_dates_as_python_does():
    """webmap-core.js gives the same spans and words as dates.py for every case."""
    script = (
        "global.window = {};\n"
        + CORE_JS.read_text()
        + "\nconst cases = JSON.parse(process.argv[1]);\n"
        + "console.log(JSON.stringify(cases.map((t) => "
        + "[window.webmapCore.dateSpan(t), window.webmapCore.formatDate(t)])));"
    )
    texts = [c[0] for c in CASES]
    out = subprocess.run(
        ["node", "-e", script, json.dumps(texts)],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    got = json.loads(out)
    expected = [[list(c[1]) if c[1] else None, c[2]] for c in CASES]
    assert got == expected


def _feature(rid: str, when: str) -> dict:
    """Return a minimal valid report Feature dated when."""
    return {
        "type": "Feature",
        "id": rid,
        "geometry": {"type": "Point", "coordinates": [27.56, 53.9]},
        "properties": {
            "id": rid,
            "title": "A title",
            "summary": "A summary.",
            "kind": "statement",
            "status": "reported",
            "date": when,
            "place": "Minsk",
            "precision": "city",
            "sources": [
                {
                    "url": "https://example.org/a",
                    "publisher": "Example",
                    "stance": "relays",
                    "says": "It says so.",
                }
            ],
        },
    }


@pytest.mark.parametrize("when", ["2025-12~", "2025?", "2025-07/2025-12", "2024-11~/2025-02"])
def test_a_report_may_carry_an_uncertain_date(when):
    """The validator accepts EDTF level-1 dates."""
    assert validate_feature(_feature("a", when)) == []


@pytest.mark.parametrize("when", ["2025-12/2025-01", "２０２５", "2025~?", "Dec 2025"])
def test_a_bad_date_names_the_report_and_field(when):
    """A malformed date is an error on the report's date field."""
    problems = validate_feature(_feature("bad-date", when), "reports.geojson")
    assert [str(p).split(": ")[:3] for p in problems] == [["reports.geojson", "bad-date", "date"]]


@pytest.mark.parametrize(
    ("when", "since", "until", "shown"),
    [
        ("2025-07/2025-12", "2025-10", "2025-10", True),
        ("2025-07/2025-12", "2026-01", "", False),
        ("2025-07/2025-12", "", "2025-06", False),
        ("2024-11~/2025-02", "2025-02-28", "", True),
        ("2025?", "2025-06-01", "2025-06-01", True),
        ("2025-12~", "2025-11", "2025-11", False),
    ],
)
def test_filters_match_by_overlap(when, since, until, shown):
    """A report shows when its date's span overlaps from..to."""
    report = report_from_feature(_feature("a", when))
    args = {k: [v] for k, v in (("from", since), ("to", until)) if v}
    assert (filter_reports([report], parse_criteria(args)) == [report]) is shown


def test_the_api_and_the_pages_use_the_span_and_the_words(client, data_dir):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    zapad = next(f for f in data["features"] if f["id"] == "zapad-2021-exercise")
    zapad["properties"]["date"] = "2021-07/2021-12"
    path.write_text(json.dumps(data), "utf-8")
    from webmap.web.app import create_app

    fresh = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": ""})
    web = fresh.test_client()

    def ids(query: str) -> set[str]:
        return {f["id"] for f in web.get(f"/api/reports?{query}").get_json()["features"]}

    assert "zapad-2021-exercise" in ids("from=2021-10&to=2021-10")
    assert "zapad-2021-exercise" not in ids("from=2022-01")
    page = web.get("/reports/zapad-2021-exercise").get_data(as_text=True)
    assert "July–December 2021" in page
    assert "July–December 2021" in web.get("/reports").get_data(as_text=True)
