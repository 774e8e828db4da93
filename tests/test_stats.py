"""Coverage figures: threads, years, kinds and how well the record is sourced."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.model import Report, Source
from webmap.record.reports_file import load_reports
from webmap.record.stats import THREADS, coverage, independent_publishers, is_primary, thread_of

SHIPPED = Path(__file__).parent.parent / "geodata"
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


def test_the_shipped_record_covers_the_story_space():
    figures = coverage(load_reports(SHIPPED / "reports.geojson"))
    assert figures.reports >= 150
    assert figures.share(figures.primary) >= 0.70
    assert figures.share(figures.two_independent) >= 0.5
    assert all(figures.per_thread[name] >= 10 for name, _ in THREADS)
    assert sum(n for year, n in figures.per_year.items() if "2014" <= year <= "2016") >= 5


def test_check_prints_the_coverage_on_request(runner, data_dir):
    result = runner.invoke(cli, args=["check", "--stats", str(data_dir)])
    assert result.exit_code == 0, result.output
    assert "Per thread:" in result.output and "Resting on one source only:" in result.output
    plain = runner.invoke(cli, args=["check", str(data_dir)])
    assert "Per thread:" not in plain.output


def test_one_publisher_counts_once_however_its_sources_name_it():
    from webmap.record.publishers import load_publishers

    table = load_publishers(SHIPPED)
    devdiscourse = [
        replace(BLOG, url="https://www.devdiscourse.com/article/a", publisher="Devdiscourse (AP)"),
        replace(BLOG, url="https://www.devdiscourse.com/article/b", publisher="Devdiscourse"),
    ]
    report = replace(BASE, sources=tuple(devdiscourse))
    assert independent_publishers(report) == 2  # by the names written in the sources
    assert independent_publishers(report, table) == 1  # by the publishers table
    assert coverage([report], table).two_independent == 0
