"""Coverage figures: threads, years, kinds and how well the record is sourced."""

from __future__ import annotations

from dataclasses import replace

import pytest

from webmap.reports import Report, Source
from webmap.stats import coverage, independent_publishers, is_primary, thread_of

WIRE = Source(url="https://example.org/a", publisher="Reuters", affiliation="wire")
TASS = Source(url="https://example.org/b", publisher="TASS", affiliation="state_media")
BLOG = Source(url="https://example.org/c", publisher="A blog", affiliation="independent")
BASE = Report(
    id="r-2024",
    title="t",
    summary="s",
    kind="deployment",
    status="reported",
    date="2024-05-01",
    place="p",
    precision="city",
    lon=27.0,
    lat=54.0,
    sources=(WIRE,),
)


@pytest.mark.parametrize(
    ("changes", "thread"),
    [
        ({"kind": "fortification", "actors": ("POL",)}, "Borders hardening"),
        ({"kind": "incident", "actors": ("RUS", "POL")}, "Incidents along the flank"),
        ({"kind": "accession", "actors": ("FIN", "NATO")}, "Alliances changing"),
        ({"kind": "agreement", "actors": ("RUS", "BLR", "UNION-STATE")}, "Alliances changing"),
        ({"kind": "exercise", "actors": ("RUS", "BLR")}, "Russia–Belarus military integration"),
        ({"kind": "deployment", "actors": ("DEU", "LTU", "NATO")}, "NATO's eastern flank"),
        ({"kind": "deployment", "actors": ("RUS",)}, "Kaliningrad and the Black Sea"),
    ],
)
def test_each_report_belongs_to_one_thread(changes, thread):
    assert thread_of(replace(BASE, **changes)) == thread


def test_state_media_do_not_count_as_independent_publishers():
    report = replace(BASE, sources=(TASS, BLOG, WIRE, replace(WIRE, url="https://example.org/d")))
    assert independent_publishers(report) == 2
    assert is_primary(report)
    assert not is_primary(replace(BASE, sources=(TASS, BLOG)))


def test_coverage_counts_years_kinds_and_shares():
    reports = [
        BASE,
        replace(BASE, id="b-2023", date="2023", kind="strike", sources=(TASS,)),
        replace(BASE, id="c-2023", date="2023-11~", sources=(BLOG, WIRE)),
    ]
    figures = coverage(reports)
    assert figures.reports == 3
    assert figures.per_year == {"2024": 1, "2023": 2}
    assert figures.per_kind["strike"] == 1
    assert figures.single_source == 2
    assert figures.primary == 2
    assert figures.two_independent == 1
    text = "\n".join(figures.lines())
    assert "3 reports" in text and "(67%)" in text and "Incidents along the flank: 1" in text
