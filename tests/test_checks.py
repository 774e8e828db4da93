import copy
import json
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.checks import check_paths, load_land, report_warnings
from webmap.record.model import source_caveat

DATA = Path(__file__).parent / "data"
LAND = load_land(DATA)
FEATURE = json.loads((DATA / "reports.geojson").read_text("utf-8"))["features"][0]


def at(lon, lat, sources=2):
    feature = copy.deepcopy(FEATURE)
    feature["geometry"]["coordinates"] = [lon, lat]
    feature["properties"]["sources"] = feature["properties"]["sources"][:sources]
    return feature


@pytest.mark.parametrize(
    ("feature", "expected"),
    [
        (at(27.56, 53.90), []),
        (
            at(27.56, 53.90, sources=1),
            [
                "f: finland-joins-nato-2023: sources: warning: rests on a single source; "
                "add another publisher if you can"
            ],
        ),
        (
            at(19.5, 57.0),
            [
                "f: finland-joins-nato-2023: geometry: warning: point (19.5, 57.0) is in the sea "
                "or outside the mapped countries"
            ],
        ),
        (
            at(53.90, 27.56),
            [
                "f: finland-joins-nato-2023: geometry: warning: point (53.9, 27.56) is in the sea, "
                "but (27.56, 53.9) is on land: are longitude and latitude swapped?"
            ],
        ),
    ],
)
def test_warnings(feature, expected):
    assert [str(p) for p in report_warnings([feature], "f", LAND)] == expected


def test_warnings_do_not_fail_check(runner, data_dir):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    announced = next(f for f in data["features"] if f["properties"]["status"] == "announced")
    announced["properties"]["sources"] = announced["properties"]["sources"][:1]
    path.write_text(json.dumps(data), "utf-8")
    result = runner.invoke(cli, ["check"])
    assert result.exit_code == 0
    assert "warning: rests on a single source" in result.output


def test_check_finds_every_error_in_one_run(data_dir):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"][0]["properties"]["date"] = "2024-02-30"
    data["features"][2]["properties"]["sources"][0]["url"] = "data:text/html,hi"
    data["features"][3]["properties"]["related"] = ["nowhere"]
    data["features"][4]["id"] = data["features"][4]["properties"]["id"] = "zapad-2021-exercise"
    data["features"][1]["properties"]["id"] = "zapad-2021-exercise"
    data["features"][1]["id"] = "zapad-2021-exercise"
    path.write_text(json.dumps(data), "utf-8")
    fields = [(p.report_id, p.field) for p in check_paths([path], data_dir)]
    assert fields == [
        ("finland-joins-nato-2023", "date"),
        ("oreshnik-strike-dnipro-2024", "sources[1].url"),
        ("zapad-2021-exercise", "id"),
        ("putin-oreshnik-belarus-announcement-2024", "related"),
    ]


@pytest.mark.parametrize(
    ("affiliations", "caveat"),
    [
        (["wire", "independent"], ""),
        (["state_media", "independent"], ""),
        (["wire"], "This rests on a single source."),
        (["state_media"], "Only state media or government sources report this."),
        (["state_media", "government"], "Only state media or government sources report this."),
    ],
)
def test_source_caveat(affiliations, caveat):
    assert source_caveat(affiliations) == caveat


def test_checking_a_folder_reads_each_file_once(data_dir, monkeypatch):
    import pyogrio

    from webmap.record import checks

    opened: list[str] = []
    real_read = pyogrio.read_dataframe
    monkeypatch.setattr(
        pyogrio,
        "read_dataframe",
        lambda path, *a, **k: opened.append(str(path)) or real_read(path, *a, **k),
    )
    reads: list[str] = []
    real_json = checks.read_json
    monkeypatch.setattr(
        checks, "read_json", lambda path: reads.append(str(path)) or real_json(path)
    )
    checks.check_paths([data_dir], data_dir)
    closeup = [p for p in opened if p.endswith("countries-closeup.geojson")]
    assert len(closeup) == 1  # the close-up outlines: once, not once for land and once for geodata
    assert reads.count(str(data_dir / "reports.geojson")) == 1
