import csv
import io
from dataclasses import replace
from pathlib import Path

import pytest

from webmap.record.model import report_from_feature
from webmap.record.reports_file import load_reports
from webmap.record.tabular import CSV_COLUMNS, features_from_csv, reports_to_csv

REPORTS = load_reports(Path(__file__).parent / "data" / "reports.geojson")
HEADER = ",".join(CSV_COLUMNS[:-1])  # the columns DESIGN.md lists; source_note is optional
GOOD_ROW = (
    "new-report,A title,Someone said so.,statement,reported,Someone,2025-03-01,,Minsk,city,"
    "53.9,27.56,BLR;RUS,Iskander-M,500,,https://example.org/a,Example,A page,2025-03-01,en,wire,"
)


def test_one_row_per_source_and_semicolon_lists():
    rows = list(csv.DictReader(io.StringIO(reports_to_csv(REPORTS))))
    assert len(rows) == sum(len(r.sources) for r in REPORTS)
    minsk = [r for r in rows if r["id"] == "putin-oreshnik-belarus-announcement-2024"]
    assert minsk[0]["actors"] == "RUS;BLR;UNION-STATE"
    assert [r["source_publisher"] for r in minsk][0] == "RFE/RL"


def test_csv_round_trip_gives_identical_reports():
    features, problems = features_from_csv(reports_to_csv(REPORTS), "x.csv")
    assert problems == []
    assert [report_from_feature(f) for f in features] == REPORTS


def test_formula_like_text_is_quoted_for_spreadsheets_and_restored():
    hostile = replace(REPORTS[0], title='=HYPERLINK("http://x")', summary="-1+1 said someone")
    text = reports_to_csv([hostile])
    row = next(csv.DictReader(io.StringIO(text)))
    assert row["title"] == '\'=HYPERLINK("http://x")' and row["summary"] == "'-1+1 said someone"
    features, problems = features_from_csv(text, "x.csv")
    assert problems == [] and features[0]["properties"]["title"] == hostile.title


def test_header_only_file_has_no_reports():
    assert features_from_csv(HEADER + "\n", "x.csv") == ([], [])


@pytest.mark.parametrize(
    ("rows", "expected"),
    [
        (
            [GOOD_ROW.replace("https://example.org/a", "javascript:alert(1)")],
            [
                "x.csv: new-report: source_url: 'javascript:alert(1)' is not the address of a "
                "public web page: write it http:// or https://, then the site's name (not "
                "localhost or a number such as 127.0.0.1), with no spaces (line 2)"
            ],
        ),
        (
            [GOOD_ROW, GOOD_ROW.replace(",wire,", ",blog,")],
            [
                "x.csv: new-report: source_affiliation: 'blog' is not one of: independent, "
                "public_broadcaster, state_media, government, think_tank, wire, unknown (line 3)"
            ],
        ),
        (
            [GOOD_ROW.replace(",53.9,", ",53°54',")],
            [
                'x.csv: new-report: lat: "53°54\'" is not a number; write decimal degrees, '
                "e.g. 53.9 (53°54' is 53 + 54/60 = 53.9) (line 2)",
            ],
        ),
        (
            [GOOD_ROW, GOOD_ROW.replace("statement,reported", "statement,confirmed")],
            [
                "x.csv: new-report: status: line 3 says 'confirmed' but line 2 says 'reported'; "
                "rows of one report must agree"
            ],
        ),
        (
            [GOOD_ROW.replace("2025-03-01,,Minsk", "2025-02-30,,Minsk")],
            [
                "x.csv: new-report: date: '2025-02-30' is not a real date written YYYY, YYYY-MM "
                "or YYYY-MM-DD (~ about, ? uncertain, START/END a period) (line 2)"
            ],
        ),
        (
            [
                GOOD_ROW.replace(
                    ",https://example.org/a,Example,A page,2025-03-01,en,wire,", ",,,,,,,"
                )
            ],
            [
                "x.csv: new-report: source_url: a report needs at least one source with a URL "
                "and a publisher (line 2)"
            ],
        ),
    ],
)
def test_bad_rows_name_column_and_line(rows, expected):
    _, problems = features_from_csv("\n".join([HEADER, *rows]) + "\n", "x.csv")
    assert [str(p) for p in problems] == expected


def test_missing_column_is_named():
    header = HEADER.replace(",source_affiliation", "")
    _, problems = features_from_csv(header + "\n", "x.csv")
    assert [str(p) for p in problems] == [
        "x.csv: -: columns: missing column(s): source_affiliation; the first row must name "
        "the columns"
    ]
