"""Who says what: stances are checked, statuses must be borne out by them, pages group by them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.schema import report_schema
from webmap.record.validation import validate_feature


def _edit(data_dir: Path, rid: str, status: str | None = None, **source_changes) -> Path:
    """Set a fixture report's status and change its sources; return the reports file."""
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    props = next(f for f in data["features"] if f["id"] == rid)["properties"]
    if status:
        props["status"] = status
    for index, changes in source_changes.items():
        props["sources"][int(index.removeprefix("s"))].update(changes)
    path.write_text(json.dumps(data), "utf-8")
    return path


def test_the_fixture_data_passes_every_rule(runner):
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0, result.output


def test_a_stance_outside_the_vocabulary_names_file_report_and_field(runner, data_dir):
    path = _edit(data_dir, "zapad-2021-exercise", s1={"stance": "agrees"})
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert (
        f"{path}: zapad-2021-exercise: sources[2].stance: 'agrees' is not one of: claim, relays, "
        "confirms, disputes, denies, context"
    ) in result.output


def test_every_source_needs_a_stance_and_what_it_says(runner, data_dir):
    path = _edit(data_dir, "zapad-2021-exercise", s1={"stance": "", "says": "  "})
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert f"{path}: zapad-2021-exercise: sources[2].stance: is missing" in result.output
    assert f"{path}: zapad-2021-exercise: sources[2].says: is empty" in result.output


@pytest.mark.parametrize(
    ("rid", "status", "changes", "message"),
    [
        ("zapad-2021-exercise", None, {"s0": {"stance": "relays"}}, "'disputed' needs a source"),
        ("zapad-2021-exercise", "denied", {}, "'denied' needs a source whose stance is denies"),
        (
            "finland-joins-nato-2023",
            None,
            {"s2": {"stance": "relays"}},
            "'confirmed' needs a source whose stance is confirms",
        ),
    ],
)
def test_the_status_must_be_borne_out_by_the_stances(
    runner, data_dir, rid, status, changes, message
):
    path = _edit(data_dir, rid, status, **changes)
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert f"{path}: {rid}: status: {message}" in result.output


def test_confirmed_needs_two_publishers(runner, data_dir):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    props = next(f for f in data["features"] if f["id"] == "oreshnik-strike-dnipro-2024")
    props["properties"]["sources"] = props["properties"]["sources"][:2]  # both from Babel
    path.write_text(json.dumps(data), "utf-8")
    result = runner.invoke(cli, ["check"])
    assert (
        f"{path}: oreshnik-strike-dnipro-2024: status: 'confirmed' needs sources from at least 2 "
        "publishers; it has 1"
    ) in result.output


def test_a_denied_report_with_a_denying_source_passes():
    feature = json.loads((Path(__file__).parent / "data" / "reports.geojson").read_text())
    one = next(f for f in feature["features"] if f["id"] == "zapad-2021-exercise")
    one["properties"]["sources"][0]["stance"] = "denies"
    assert validate_feature(one) == []


def test_the_schema_knows_stances_and_uncertain_dates():
    source = report_schema()["properties"]["properties"]["properties"]["sources"]["items"]
    assert source["properties"]["stance"]["enum"] == [
        "claim",
        "relays",
        "confirms",
        "disputes",
        "denies",
        "context",
    ]
    assert {"stance", "says"} <= set(source["required"])


SHIPPED = Path(__file__).parent.parent / "geodata"


def test_every_shipped_source_says_what_it_says_and_bears_out_its_status():
    from webmap.record.publishers import load_publishers
    from webmap.record.record_rules import stance_problems, status_problems

    table = load_publishers(SHIPPED)
    features = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    problems = [
        str(p)
        for f in features
        for p in stance_problems(f["properties"], "reports.geojson")
        + status_problems(f["properties"], "reports.geojson", table)
    ]
    assert problems == []


def test_a_page_cited_twice_in_one_report_is_an_error(runner, data_dir):
    url = "https://www.washingtonpost.com/opinions/2021/09/13/zapad-2021"
    path = _edit(data_dir, "zapad-2021-exercise", s0={"url": url}, s3={"url": url})
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert (
        f"{path}: zapad-2021-exercise: sources[4].url: is the same page as sources[1]; "
        "cite a page once"
    ) in result.output


def test_russian_state_media_never_confirm(runner, data_dir):
    path = _edit(data_dir, "finland-joins-nato-2023", s3={"stance": "confirms"})
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 1
    assert (
        f"{path}: finland-joins-nato-2023: sources[4].stance: TASS is Russian state "
        "state_media: it speaks for its side (claim, or relays, disputes, denies), never confirms"
    ) in result.output
    _edit(data_dir, "finland-joins-nato-2023", s3={"stance": "claim"})
    assert runner.invoke(cli, ["check"]).exit_code == 0


def test_shipped_russian_and_belarusian_state_sources_speak_only_for_their_side():
    from webmap.record.publishers import load_publishers

    table = load_publishers(SHIPPED)
    features = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    stances = [
        source["stance"]
        for feature in features
        for source in feature["properties"]["sources"]
        if (row := table.lookup(source["url"]))
        and row.country in ("RUS", "BLR")
        and row.affiliation in ("state_media", "government")
    ]
    assert stances.count("claim") >= 20  # TASS, Sputnik, RT, Izvestia as the claimant's voice
    assert "confirms" not in stances
    assert set(stances) <= {"claim", "relays", "disputes", "denies", "context"}
    # the rule can only see a state outlet whose row names its country
    for row in table.rows.values():
        if row.domain.endswith((".ru", ".by")) and row.affiliation in ("state_media", "government"):
            assert row.country in ("RUS", "BLR"), row.domain


def test_every_shipped_report_passes_the_record_rules():
    from webmap.record.publishers import load_publishers
    from webmap.record.record_rules import record_problems

    features = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    problems = record_problems(features, "reports.geojson", load_publishers(SHIPPED))
    assert [str(p) for p in problems if p.severity == "error"] == []
