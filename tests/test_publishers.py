"""Publishers as data: the table covers today's sources, and check holds sources to it."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.publishers import PUBLISHERS_FILE, domain_of, named_wire, read_publishers
from webmap.record.vocabulary import AFFILIATIONS

SHIPPED = Path(__file__).parent.parent / "geodata"


def shipped_sources() -> list[dict]:
    """Return every source of the shipped reports."""
    features = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    return [s for f in features for s in f["properties"]["sources"]]


@pytest.fixture(scope="module")
def table():
    """Return the shipped publishers table (it must read without problems)."""
    found, problems = read_publishers(SHIPPED / PUBLISHERS_FILE)
    assert problems == []
    return found


def test_every_domain_in_todays_data_has_a_row(table):
    missing = {domain_of(s["url"]) for s in shipped_sources() if table.lookup(s["url"]) is None}
    assert missing == set()


def test_every_row_is_complete_and_says_why(table):
    for row in table.rows.values():
        assert row.name and row.why, row.domain
        assert row.affiliation in AFFILIATIONS
        assert len(row.country) in (0, 3), row.domain  # ISO 3166-1 alpha-3, or empty


def test_one_publisher_has_one_affiliation(table):
    by_name = defaultdict(set)
    for row in table.rows.values():
        by_name[row.name].add(row.affiliation)
    assert {name: a for name, a in by_name.items() if len(a) > 1} == {}


def test_a_subdomain_uses_its_parent_domains_row(table):
    assert table.lookup("https://en.mon.gov.pl/x").name == "Polish Ministry of National Defence"
    assert table.lookup("https://www.rferl.org:443/a").name == "RFE/RL"
    assert table.lookup("https://example.invalid/") is None


@pytest.mark.parametrize(
    ("publisher", "wire"),
    [
        ("Deccan Herald (Reuters)", "Reuters"),
        ("Breaking Latest News (LaPresse/AP)", "LaPresse/AP"),
        ("Reuters", ""),
        ("The Kyiv Independent (citing Bloomberg)", ""),
        ("Apple Daily (Approach)", ""),
    ],
)
def test_reprints_that_name_a_wire_in_brackets_are_found(publisher, wire):
    assert named_wire(publisher) == wire


def _set_source(data_dir: Path, **changes: str) -> Path:
    """Change the first source of the announced fixture report; return the reports file."""
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    report = next(f for f in data["features"] if f["properties"]["status"] == "announced")
    report["properties"]["sources"][0].update(changes)
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_check_errors_when_a_source_disagrees_with_its_publisher(runner, data_dir):
    path = _set_source(data_dir, affiliation="state_media")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert (
        f"{path}: putin-oreshnik-belarus-announcement-2024: sources[1].affiliation: "
        "'state_media' disagrees with RFE/RL (rferl.org)"
    ) in result.output


def test_check_warns_on_unknown_domains_aggregators_and_wire_reprints(runner, data_dir):
    path = _set_source(data_dir, url="https://unlisted.example.org/a")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output
    rid = "putin-oreshnik-belarus-announcement-2024"
    assert f"{path}: {rid}: sources[1].url: warning: 'unlisted.example.org' is not in" in (
        result.output
    )
    assert f"{path}: {rid}: sources[2].publisher: warning: is a reprint of Reuters" in (
        result.output
    )
    assert f"{path}: finland-joins-nato-2023: sources[1].url: warning: breakinglatest.news " in (
        result.output
    )


def test_a_broken_publishers_table_is_named(runner, data_dir):
    (data_dir / PUBLISHERS_FILE).write_text(
        json.dumps({"publishers": [{"domain": "x.org", "name": "X", "affiliation": "spy"}]})
    )
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert f"{data_dir / PUBLISHERS_FILE}: -: publishers[1].affiliation: 'spy' is not one of" in (
        result.output
    )


def test_a_source_without_an_affiliation_takes_its_publishers(client, data_dir):
    path = _set_source(data_dir)
    data = json.loads(path.read_text("utf-8"))
    report = next(f for f in data["features"] if f["properties"]["status"] == "announced")
    del report["properties"]["sources"][0]["affiliation"]  # rferl.org: a public broadcaster
    path.write_text(json.dumps(data), "utf-8")
    from webmap.web.app import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": ""})
    feature = app.test_client().get(f"/api/reports/{report['id']}").get_json()
    assert feature["properties"]["sources"][0]["affiliation"] == "public_broadcaster"
    assert app.test_cli_runner().invoke(cli, ["check"]).exit_code == 0


def test_every_shipped_source_has_its_publishers_affiliation(table):
    features = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    disagree = [
        (f["id"], s["publisher"], s.get("affiliation"), table.lookup(s["url"]).affiliation)
        for f in features
        for s in f["properties"]["sources"]
        if s.get("affiliation") not in (None, table.lookup(s["url"]).affiliation)
    ]
    assert disagree == []
