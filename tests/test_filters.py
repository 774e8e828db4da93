from pathlib import Path

import pytest

from webmap.catalog.filters import FilterError, filter_reports, parse_criteria
from webmap.record.reports_file import load_reports

REPORTS = load_reports(Path(__file__).parent / "data" / "reports.geojson")
ORESHNIK_MINSK = "putin-oreshnik-belarus-announcement-2024"
DNIPRO = "oreshnik-strike-dnipro-2024"
FINLAND = "finland-joins-nato-2023"
ESTONIA = "mig31-estonia-airspace-vaindloo-2025"
ZAPAD = "zapad-2021-exercise"


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, {ORESHNIK_MINSK, DNIPRO, FINLAND, ESTONIA, ZAPAD}),
        ({"kind": ["strike"]}, {DNIPRO}),
        ({"kind": ["strike", "accession"]}, {DNIPRO, FINLAND}),
        ({"kind": ["strike,accession"]}, {DNIPRO, FINLAND}),
        ({"status": ["disputed"]}, {ESTONIA, ZAPAD}),
        ({"status": ["disputed"], "actor": ["blr"]}, {ZAPAD}),
        ({"actor": ["UNION-STATE"]}, {ORESHNIK_MINSK}),
        ({"affiliation": ["state_media"]}, {FINLAND, ESTONIA}),
        ({"from": ["2024-11-21"], "to": ["2024-12"]}, {DNIPRO, ORESHNIK_MINSK}),
        ({"from": ["2025"]}, {ESTONIA}),
        ({"to": ["2021"]}, {ZAPAD}),
        ({"q": ["oreshnik"]}, {ORESHNIK_MINSK, DNIPRO}),
        ({"q": ["RFE/RL  oreshnik"]}, {ORESHNIK_MINSK}),
        ({"bbox": ["20,50,30,56"]}, {ORESHNIK_MINSK, ZAPAD}),
        ({"bbox": ["170,50,-170,56"]}, set()),
        ({"kind": ["strike"], "status": ["denied"]}, set()),
    ],
)
def test_filters_or_within_and_across(args, expected):
    assert {r.id for r in filter_reports(REPORTS, parse_criteria(args))} == expected


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ({"from": ["yesterday"]}, "from: 'yesterday' is not a date"),
        ({"to": ["2024-02-30"]}, "to: '2024-02-30' is not a date"),
        ({"bbox": ["1,2,3"]}, "bbox: write four numbers west,south,east,north"),
        ({"bbox": ["1,60,3,50"]}, "bbox: south is greater than north"),
    ],
)
def test_bad_filter_values_are_explained(args, message):
    with pytest.raises(FilterError, match=message):
        parse_criteria(args)


SHIPPED = load_reports(Path(__file__).parent.parent / "geodata" / "reports.geojson")
INDEX_CASES = [
    {},
    {"kind": ["strike,deployment"]},
    {"status": ["disputed", "denied"], "actor": ["blr"]},
    {"affiliation": ["state_media"], "from": ["2023"]},
    {"from": ["2022-02"], "to": ["2022-12"]},
    {"to": ["2016"]},
    {"q": ["oreshnik belarus"]},
    {"q": ["TASS"], "kind": ["exercise"]},
    {"bbox": ["20,53,33,57"]},
    {"bbox": ["170,50,-170,56"]},
    {"actor": ["NATO"], "status": ["confirmed"], "bbox": ["10,40,45,71"]},
]


@pytest.mark.parametrize("args", INDEX_CASES)
def test_vectorised_index_matches_the_plain_filter(args):
    from webmap.catalog.report_index import ReportIndex

    index = ReportIndex.of(SHIPPED)
    criteria = parse_criteria(args)
    fast = [SHIPPED[i].id for i in index.query(criteria)]
    assert fast == [r.id for r in filter_reports(SHIPPED, criteria)]
