import json
from dataclasses import replace
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.reports_file import load_reports
from webmap.record.tabular import CSV_COLUMNS, TRANSLATION_COLUMNS, reports_to_csv

HEADER = ",".join(CSV_COLUMNS)


def row(rid: str, status: str = "reported", url: str = "https://example.org/a") -> str:
    return (
        f"{rid},A title,Someone said so.,statement,{status},Someone,2025-03-01,,Minsk,city,"
        f"53.9,27.56,BLR;RUS,,,,{url},Example,A page,2025-03-01,en,wire,,,relays,"
        "Reports that someone said so."
    )


def write_csv(path: Path, *rows: str, bom: bool = False) -> Path:
    path.write_text(("\ufeff" if bom else "") + "\n".join([HEADER, *rows]) + "\n", "utf-8")
    return path


@pytest.fixture
def stored(data_dir):
    path = data_dir / "reports.geojson"
    return path, path.read_bytes()


def test_import_adds_new_reports_atomically(runner, stored, tmp_path):
    path, _ = stored
    source = write_csv(tmp_path / "new.csv", row("first-new"), row("second-new"), bom=True)
    result = runner.invoke(cli, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert "Added 2 report(s): first-new, second-new" in result.output
    ids = [r.id for r in load_reports(path)]
    assert ids == sorted(ids) and {"first-new", "second-new"} <= set(ids) and len(ids) == 7
    assert list(path.parent.glob(".reports.geojson.*")) == []  # no temporary file left behind


def test_dry_run_writes_nothing(runner, stored, tmp_path):
    path, before = stored
    result = runner.invoke(
        cli, ["import", "--dry-run", str(write_csv(tmp_path / "n.csv", row("a-b")))]
    )
    assert result.exit_code == 0
    assert "Would add 1 report(s): a-b" in result.output
    assert path.read_bytes() == before


def test_any_invalid_row_writes_nothing_and_lists_every_error(runner, stored, tmp_path):
    path, before = stored
    source = write_csv(
        tmp_path / "bad.csv",
        row("fine-one"),
        row("bad-status", status="rumoured"),
        row("bad-url", url="file:///etc/passwd"),
    )
    result = runner.invoke(cli, ["import", str(source)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(line.startswith(f"{source}: bad-status: status: 'rumoured'") for line in lines)
    assert any(
        line.startswith(f"{source}: bad-url: source_url: 'file:///etc/passwd'") for line in lines
    )
    assert "nothing was written" in result.output
    assert path.read_bytes() == before


def test_existing_id_changes_only_with_update(runner, stored, tmp_path):
    path, before = stored
    reports = [
        replace(r, title=r.title + " (edited)") if r.id == "zapad-2021-exercise" else r
        for r in load_reports(path)
    ]
    source = tmp_path / "edit.csv"
    source.write_text(reports_to_csv(reports), "utf-8")
    refused = runner.invoke(cli, ["import", str(source)])
    assert refused.exit_code == 1
    assert "already exists with different content; use --update to replace it" in refused.output
    assert path.read_bytes() == before
    accepted = runner.invoke(cli, ["import", "--update", "--note", "Title edited", str(source)])
    assert accepted.exit_code == 0, accepted.output
    assert "Updated 1 report(s): zapad-2021-exercise" in accepted.output
    assert "Unchanged: 4" in accepted.output
    assert [r.title for r in load_reports(path)] == [r.title for r in reports]


def test_csv_export_then_import_is_byte_identical(runner, stored, tmp_path):
    path, before = stored
    exported = tmp_path / "all.csv"
    assert runner.invoke(cli, ["export", "--format", "csv", "-o", str(exported)]).exit_code == 0
    path.write_text('{"type": "FeatureCollection", "features": []}', "utf-8")
    result = runner.invoke(cli, ["import", str(exported)])
    assert result.exit_code == 0, result.output
    assert path.read_bytes() == before


def test_geojson_import_and_related_to_stored_reports(runner, stored, tmp_path):
    path, _ = stored
    feature = json.loads(path.read_text("utf-8"))["features"][0]
    feature["id"] = feature["properties"]["id"] = "copy-of-finland"
    feature["properties"]["related"] = ["finland-joins-nato-2023"]
    source = tmp_path / "one.geojson"
    source.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    result = runner.invoke(cli, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert "copy-of-finland" in {r.id for r in load_reports(path)}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "r.csv",
            b"\xff\xfeid,title",
            "is not UTF-8 text; in your spreadsheet, save as 'CSV UTF-8'",
        ),
        ("r.geojson", b'{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        ("r.xlsx", b"PK", "import reads .csv, .geojson or .json files"),
        ("r.csv", b"", "is empty; the first row must name the columns (id, title"),
    ],
)
def test_unusable_files_are_explained(runner, stored, tmp_path, name, content, message):
    path, before = stored
    source = tmp_path / name
    source.write_bytes(content)
    result = runner.invoke(cli, ["import", str(source)])
    assert result.exit_code == 1
    assert message in result.output
    assert path.read_bytes() == before


def test_an_import_leaves_the_checked_reports_cached_for_the_next_start(
    data_dir, tmp_path, monkeypatch
):
    from webmap.catalog import catalog as store
    from webmap.web.app import create_app

    cache = tmp_path / "cache"
    app = create_app({"DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": str(cache)})
    source = write_csv(tmp_path / "new.csv", row("first-new"))
    result = app.test_cli_runner().invoke(cli, ["import", str(source)])
    assert result.exit_code == 0, result.output

    def no_reading(path):
        raise AssertionError("the start after an import read every report again")

    monkeypatch.setattr(store, "read_index", no_reading)
    started = store.load_catalog(data_dir, cache_dir=cache)
    assert not started.error and "first-new" in started.by_id
    assert list(started.reports) == load_reports(data_dir / "reports.geojson")


def test_a_file_from_before_stances_still_imports_and_says_what_is_missing(
    runner, stored, tmp_path
):
    path, _ = stored
    old = ("source_stance", "source_says", *TRANSLATION_COLUMNS)
    old_columns = [c for c in CSV_COLUMNS if c not in old]
    cells = row("from-last-year").split(",")[: len(old_columns)]
    source = tmp_path / "old.csv"
    source.write_text(",".join(old_columns) + "\n" + ",".join(cells) + "\n", "utf-8")
    result = runner.invoke(cli, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert f"{source}: from-last-year: sources[1].stance: warning: is missing" in result.output
    assert "from-last-year" in [r.id for r in load_reports(path)]


def test_csv_carries_stance_and_says_both_ways(runner, stored, tmp_path):
    exported = tmp_path / "all.csv"
    assert runner.invoke(cli, ["export", "--format", "csv", "-o", str(exported)]).exit_code == 0
    header = exported.read_text("utf-8-sig").splitlines()[0].split(",")
    english = header[: len(header) - len(TRANSLATION_COLUMNS)]  # translations come after
    assert english[-2:] == ["source_stance", "source_says"]
    assert "denies,Reports Russia's defence ministry saying" in exported.read_text("utf-8-sig")
