"""Bad files through the real `webmap check` and `webmap import`: a clear message, no write.

Each case is run as an import file and, for GeoJSON, as the data folder's own reports.geojson.
The exact bytes of the stored reports.geojson are compared before and after every refusal.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.reports_file import load_reports
from webmap.record.tabular import CSV_COLUMNS
from webmap.web.app import create_app

FIXTURE = Path(__file__).parent / "data" / "reports.geojson"
MINSK = [27.56, 53.9]
FIFTY_MB = 50 * 2**20
GOOD_ROW = {
    "id": "new-report",
    "title": "A title",
    "summary": "Someone said so.",
    "kind": "statement",
    "status": "reported",
    "claimed_by": "Someone",
    "date": "2025-03-01",
    "place": "Minsk",
    "precision": "city",
    "lat": "53.9",
    "lon": "27.56",
    "actors": "BLR;RUS",
    "source_url": "https://example.org/a",
    "source_publisher": "Example",
    "source_title": "A page",
    "source_published": "2025-03-01",
    "source_language": "en",
    "source_affiliation": "wire",
    "source_stance": "relays",
    "source_says": "Reports that someone said so.",
}


def feature(rid: str = "new-report", coordinates: list | None = None, **props) -> dict:
    """Return a valid report Feature (a copy of a stored one under a new id), with changes."""
    stored = json.loads(FIXTURE.read_text("utf-8"))["features"]
    new = copy.deepcopy(next(f for f in stored if f["id"].startswith("putin-oreshnik")))
    new["id"] = new["properties"]["id"] = rid
    new["geometry"]["coordinates"] = coordinates or MINSK
    new["properties"]["related"] = []
    new["properties"].update(props)
    return new


def collection(*features: dict) -> str:
    """Return features as GeoJSON text the way a person's editor might save it."""
    body = {"type": "FeatureCollection", "features": list(features)}
    return json.dumps(body, indent=2, ensure_ascii=False)


def csv_text(*rows: dict, columns: list[str] = CSV_COLUMNS, delimiter: str = ",") -> str:
    """Return CSV text with these columns and rows (missing cells empty)."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows([[row.get(c, "") for c in columns] for row in rows])
    return out.getvalue()


def csv_row(**changes: str) -> dict:
    """Return a valid CSV row with changes."""
    return {**GOOD_ROW, **changes}


def run(runner, *args: str):
    """Run a webmap command; fail on a traceback (any exception but a clean exit)."""
    result = runner.invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def assert_names(output: str, path: Path, rid: str, field: str, message: str) -> None:
    """Assert one output line is PATH: REPORT-ID: FIELD: ... with message in it."""
    prefix = f"{path}: {rid}: {field}: "
    lines = [line for line in output.splitlines() if line.startswith(prefix)]
    assert any(message in line for line in lines), f"no {prefix}...{message} in:\n{output}"


def latin1_geojson() -> tuple[bytes, int]:
    """Return GeoJSON saved as Windows-1252 and the line of its first non-UTF-8 character."""
    text = collection(feature(place="Düsseldorf"))
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "Düsseldorf" in t)
    return text.encode("cp1252"), line


LATIN1, LATIN1_LINE = latin1_geojson()
TWO = collection(feature(), feature("second-report"))

# name, file content (or a function making it, for the big ones), report id, field, and what
# the message must say
GEOJSON_CASES = [
    (
        "truncated",
        TWO.encode()[: len(TWO) // 2],
        "-",
        "file",
        "the file ends too early: was it cut short?",
    ),
    (
        "truncated-in-text",
        TWO.encode()[: TWO.index('"Minsk') + 4],
        "-",
        "file",
        "is not valid JSON: text in quotes starts here but never ends; the file ends too early: "
        "was it cut short?",
    ),
    (
        "truncated-between-values",
        TWO.encode()[: TWO.index('"geometry"')],
        "-",
        "file",
        "the file ends too early: was it cut short?",
    ),
    (
        "windows-1252",
        LATIN1,
        "-",
        "file",
        "is not UTF-8 text; save it as UTF-8 (in most editors: Save As, then Encoding) "
        f"(line {LATIN1_LINE} has a character in another encoding, such as Latin-1 or "
        "Windows-1252)",
    ),
    (
        "utf-16",
        collection(feature()).encode("utf-16"),
        "-",
        "file",
        "is not UTF-8 text; save it as UTF-8 (in most editors: Save As, then Encoding) "
        "(it is saved as UTF-16)",
    ),
    ("empty", b"", "-", "file", "is empty; a reports file is a GeoJSON FeatureCollection"),
    ("blank", b"  \n\n", "-", "file", "is empty; a reports file is a GeoJSON FeatureCollection"),
    (
        "nan-coordinates",
        collection(feature(coordinates=[math.nan, 53.9])).encode(),
        "new-report",
        "geometry",
        "must be a Point with [longitude, latitude] numbers; [nan, 53.9] is not",
    ),
    (
        "infinite-coordinates",
        collection(feature(coordinates=[27.56, math.inf])).encode(),
        "new-report",
        "geometry",
        "must be a Point with [longitude, latitude] numbers; [27.56, inf] is not",
    ),
    (
        "nan-range",
        collection(feature(range_km=math.nan)).encode(),
        "new-report",
        "range_km",
        "nan is not a positive number of kilometres",
    ),
    (
        "coordinate-of-5000-digits",
        collection(feature(coordinates=[27.125, 53.9])).replace("27.125", "2" * 5000).encode(),
        "-",
        "file",
        "has a number too long to be read (more than 4,300 digits)",
    ),
    (
        "duplicate-ids",
        collection(feature(), feature()).encode(),
        "new-report",
        "id",
        "is used by more than one report",
    ),
    (
        "nested-too-deeply",
        lambda: (
            b'{"type": "FeatureCollection", "features": [' + b"[" * 10**5 + b"]" * 10**5 + b"]}"
        ),
        "-",
        "file",
        "is nested too deeply to be a reports file",
    ),
    (
        "broken-unicode-escape",
        collection(feature(title="TITLE")).replace("TITLE", "Minsk \\ud800").encode(),
        "new-report",
        "title",
        "'Minsk \\ud800' contains a character that cannot be saved (a broken \\u escape)",
    ),
    (
        "50-mb-summary",
        lambda: collection(feature(summary="x" * FIFTY_MB)).encode(),
        "new-report",
        "summary",
        "is 52,428,800 characters long; write at most 2,000",
    ),
    (
        "list-written-as-text",
        collection(feature(actors="BLR")).encode(),
        "new-report",
        "actors",
        '\'BLR\' is not a list; write it as ["...", "..."]',
    ),
    (
        "a-feature-not-a-collection",
        json.dumps(feature()).encode(),
        "-",
        "type",
        "the file is not a GeoJSON FeatureCollection",
    ),
    (
        "features-not-objects",
        b'{"type": "FeatureCollection", "features": [null, "Minsk"]}',
        "?",
        "features[2]",
        "is not a JSON object",
    ),
]

CSV_CASES = [
    (
        "missing-column",
        csv_text(csv_row(), columns=[c for c in CSV_COLUMNS if c != "lon"]).encode(),
        "-",
        "columns",
        "missing column(s): lon; the first row must name the columns",
    ),
    (
        "windows-1252",
        csv_text(csv_row(place="Düsseldorf")).encode("cp1252"),
        "-",
        "file",
        "is not UTF-8 text; in your spreadsheet, save as 'CSV UTF-8' (line 2 has a character in "
        "another encoding, such as Latin-1 or Windows-1252)",
    ),
    (
        "utf-16",
        csv_text(csv_row()).encode("utf-16"),
        "-",
        "file",
        "is not UTF-8 text; in your spreadsheet, save as 'CSV UTF-8' (it is saved as UTF-16)",
    ),
    ("empty", b"", "-", "columns", "is empty; the first row must name the columns (id, title"),
    ("nan-latitude", csv_text(csv_row(lat="nan")).encode(), "new-report", "lat", "'nan' is not"),
    ("infinite-longitude", csv_text(csv_row(lon="-inf")).encode(), "new-report", "lon", "'-inf'"),
    (
        "decimal-comma",
        csv_text(csv_row(lat="53,9")).encode(),
        "new-report",
        "lat",
        "'53,9' is not a number; write decimals with a point, e.g. 53.9 (line 2)",
    ),
    (
        "duplicate-ids-that-disagree",
        csv_text(csv_row(), csv_row(title="Another title")).encode(),
        "new-report",
        "title",
        "line 3 says 'Another title' but line 2 says 'A title'; rows of one report must agree",
    ),
    (
        "semicolons",
        csv_text(csv_row(), delimiter=";").encode(),
        "-",
        "columns",
        "has its cells separated by ';' instead of ','; in your spreadsheet, save as 'CSV UTF-8 "
        "(comma delimited)'",
    ),
    (
        "truncated",
        csv_text(csv_row()).encode()[: csv_text(csv_row()).index("Minsk")],
        "new-report",
        "place",
        "is empty (line 2)",
    ),
    (
        "column-named-twice",
        csv_text(csv_row(), columns=[*CSV_COLUMNS, "id"]).encode(),
        "-",
        "columns",
        "the first row names column(s) id more than once",
    ),
    (
        "long-summary",
        csv_text(csv_row(summary="x" * 5000)).encode(),
        "new-report",
        "summary",
        "is 5,000 characters long; write at most 2,000 (line 2)",
    ),
    (
        "50-mb-cell",
        lambda: csv_text(csv_row(summary="x" * FIFTY_MB)).encode(),
        "-",
        "row",
        "line 2 has a cell longer than 131,072 characters; a cell holds at most 2,000",
    ),
]


@pytest.fixture
def runner(data_dir: Path):
    """Return a CLI runner on the fixture data, as `webmap` makes it (the data loads on demand)."""
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "LOAD_DATA": False})
    return app.test_cli_runner()


@pytest.fixture
def stored(data_dir: Path) -> tuple[Path, bytes]:
    """Return the data folder's reports.geojson and its bytes before the test."""
    path = data_dir / "reports.geojson"
    return path, path.read_bytes()


def ids(cases: list[tuple]) -> list[str]:
    """Return the case names for pytest ids."""
    return [case[0] for case in cases]


def made(content: bytes | Callable[[], bytes]) -> bytes:
    """Return a case's file content."""
    return content() if callable(content) else content


IMPORT_CASES = [(".geojson", *case) for case in GEOJSON_CASES]
IMPORT_CASES += [(".csv", *case) for case in CSV_CASES]


@pytest.mark.parametrize(
    ("suffix", "name", "content", "rid", "field", "message"),
    IMPORT_CASES,
    ids=[f"{case[1]}{case[0]}" for case in IMPORT_CASES],
)
def test_a_bad_import_file_is_refused_and_writes_nothing(
    runner, stored, tmp_path, suffix, name, content, rid, field, message
):
    path, before = stored
    source = tmp_path / f"{name}{suffix}"
    source.write_bytes(made(content))
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert_names(result.output, source, rid, field, message)
    assert f"nothing was written to {path}" in result.output
    assert path.read_bytes() == before
    checked = run(runner, "check", str(source))
    assert checked.exit_code == 1
    assert_names(checked.output, source, rid, field, message)


@pytest.mark.parametrize(
    ("name", "content", "rid", "field", "message"), GEOJSON_CASES, ids=ids(GEOJSON_CASES)
)
def test_bad_data_file_is_explained_and_never_overwritten(
    runner, stored, tmp_path, name, content, rid, field, message
):
    path, _ = stored
    content = made(content)
    path.write_bytes(content)
    checked = run(runner, "check")
    assert checked.exit_code == 1
    assert_names(checked.output, path, rid, field, message)
    good = tmp_path / "good.csv"
    good.write_text(csv_text(csv_row()), "utf-8")
    result = run(runner, "import", str(good))
    assert result.exit_code == 1
    assert f"{path}: -: file: has problems of its own; fix them first" in result.output
    assert path.read_bytes() == content


def test_a_utf8_bom_is_accepted_in_csv_geojson_and_the_data_file(runner, stored, tmp_path):
    path, before = stored
    spreadsheet = tmp_path / "excel.csv"
    spreadsheet.write_bytes(b"\xef\xbb\xbf" + csv_text(csv_row(id="from-excel")).encode())
    editor = tmp_path / "notepad.geojson"
    editor.write_bytes(b"\xef\xbb\xbf" + collection(feature("from-notepad")).encode())
    for source in (spreadsheet, editor):
        assert run(runner, "check", str(source)).exit_code == 0
        result = run(runner, "import", str(source))
        assert result.exit_code == 0, result.output
    assert {"from-excel", "from-notepad"} <= {r.id for r in load_reports(path)}
    assert path.read_bytes().startswith(b"{")  # saved without a BOM

    path.write_bytes(b"\xef\xbb\xbf" + before)
    checked = run(runner, "check")
    assert checked.exit_code == 0, checked.output
    assert "All good" in checked.output


@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_swapped_lat_lon_is_a_warning_at_import_and_at_check(runner, stored, tmp_path, kind):
    path, _ = stored
    source = tmp_path / f"swapped.{kind}"
    if kind == "csv":
        source.write_text(csv_text(csv_row(lat="27.56", lon="53.9")), "utf-8")
    else:
        source.write_text(collection(feature(coordinates=[53.9, 27.56])), "utf-8")
    warning = (
        "geometry: warning: point (53.9, 27.56) is in the sea, but (27.56, 53.9) is on land: "
        "are longitude and latitude swapped?"
    )
    checked = run(runner, "check", str(source))
    assert checked.exit_code == 0
    assert f"{source}: new-report: {warning}" in checked.output
    imported = run(runner, "import", str(source))
    assert imported.exit_code == 0, imported.output
    assert f"{source}: new-report: {warning}" in imported.output
    assert "Added 1 report(s): new-report" in imported.output
    after = run(runner, "check")
    assert after.exit_code == 0
    assert f"{path}: new-report: {warning}" in after.output


@pytest.mark.parametrize("kind", ["csv", "geojson"])
def test_swapped_lat_lon_off_the_map_is_an_error_at_import_and_at_check(
    runner, stored, tmp_path, kind
):
    path, before = stored
    source = tmp_path / f"vladivostok.{kind}"  # 131.9 E, 43.1 N written the wrong way round
    if kind == "csv":
        source.write_text(csv_text(csv_row(lat="131.9", lon="43.1")), "utf-8")
    else:
        source.write_text(collection(feature(coordinates=[43.1, 131.9])), "utf-8")
    field = "lat/lon" if kind == "csv" else "geometry"
    message = "point (43.1, 131.9) is outside the mapped region"
    for command in ("check", "import"):
        result = run(runner, command, str(source))
        assert result.exit_code == 1
        assert_names(result.output, source, "new-report", field, message)
        assert "are longitude and latitude in that order?" in result.output
    assert path.read_bytes() == before


def test_a_report_already_stored_is_left_alone_or_refused(runner, stored, tmp_path):
    path, before = stored
    existing = json.loads(before)["features"][0]
    same = tmp_path / "same.geojson"
    same.write_text(collection(existing), "utf-8")
    result = run(runner, "import", str(same))
    assert result.exit_code == 0
    assert "Unchanged: 1 report(s) already stored as they are." in result.output
    assert f"Nothing new: {path} was left as it was." in result.output
    assert path.read_bytes() == before

    existing["properties"]["title"] += " (edited)"
    edited = tmp_path / "edited.geojson"
    edited.write_text(collection(existing), "utf-8")
    result = run(runner, "import", str(edited))
    assert result.exit_code == 1
    assert_names(
        result.output,
        edited,
        existing["id"],
        "id",
        "already exists with different content; use --update to replace it",
    )
    assert path.read_bytes() == before


def test_an_import_file_that_is_a_folder_is_explained(runner, stored, tmp_path):
    path, before = stored
    folder = tmp_path / "reports.csv"
    folder.mkdir()
    result = run(runner, "import", str(folder))
    assert result.exit_code == 1
    assert f"{folder}: -: file: is a folder, not a file" in result.output
    assert path.read_bytes() == before


def test_an_unwritable_data_folder_is_explained(runner, stored, tmp_path, monkeypatch):
    path, before = stored
    source = tmp_path / "new.csv"
    source.write_text(csv_text(csv_row()), "utf-8")

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("webmap.record.geojson_io.tempfile.mkstemp", refuse)
    result = run(runner, "import", str(source))
    assert result.exit_code == 1
    assert (
        f"{path}: -: file: could not be written (Permission denied); it was left as it was."
        in result.output
    )
    assert path.read_bytes() == before


# A real `webmap` process: the console script's entry point, with os.replace made to stop
# before the rename of reports.geojson (it writes the temporary file's name to MARKER first).
PAUSED_BEFORE_RENAME = """
import os, sys, time
from pathlib import Path

marker, args = Path(sys.argv[1]), sys.argv[2:]
rename = os.replace

def paused(src, dst):
    if Path(dst).name == "reports.geojson":
        marker.write_text(str(src))
        time.sleep(300)
    rename(src, dst)

os.replace = paused
from webmap.web.app import create_app
from webmap.cli import cli
cli(args, prog_name="webmap")
"""


def test_an_import_killed_before_the_rename_leaves_the_old_file(runner, stored, tmp_path):
    path, before = stored
    source = tmp_path / "many.geojson"
    source.write_text(collection(*(feature(f"bulk-{n:04d}") for n in range(500))), "utf-8")
    marker = tmp_path / "paused"
    env = {**os.environ, "WEBMAP_DATA_DIR": str(path.parent)}
    command = [sys.executable, "-c", PAUSED_BEFORE_RENAME, str(marker), "import", str(source)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not marker.exists() or not marker.read_text():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "the import never reached the rename"
            time.sleep(0.05)
        temporary = Path(marker.read_text())
        # The new file is written in full, next to the old one, and not yet renamed.
        assert temporary.parent == path.parent and temporary.name.startswith(".reports.geojson.")
        assert len(json.loads(temporary.read_bytes())["features"]) == 505
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()
    assert process.returncode == -signal.SIGKILL
    assert path.read_bytes() == before
    assert len(load_reports(path)) == 5
    assert temporary.exists()  # left behind by the killed process: it must not count as data

    checked = run(runner, "check")
    assert checked.exit_code == 0, checked.output
    retry = tmp_path / "one.csv"
    retry.write_text(csv_text(csv_row()), "utf-8")
    imported = run(runner, "import", str(retry))
    assert imported.exit_code == 0, imported.output
    assert len(load_reports(path)) == 6
    assert run(runner, "check").exit_code == 0


# Run a webmap command in a fresh process and report its peak memory on the last stderr line.
# The peak is this program's own (VmHWM): ru_maxrss would also count the test process it was
# started from, which Linux carries over an exec, so a big test run read as a big check.
MEASURED = """
import sys
from webmap.web.app import create_app
from webmap.cli import cli
try:
    cli(sys.argv[1:], prog_name="webmap")
finally:
    status = open("/proc/self/status").read().split("VmHWM:")[1].split()[0]
    print("peak KiB", status, file=sys.stderr)
"""


def write_big_collection(path: Path, size: int) -> str:
    """Write a FeatureCollection of at least size bytes whose last report is invalid."""
    template = json.dumps(feature("bulk-number"), ensure_ascii=False)
    count = size // len(template) + 1
    bad = f"bulk-{count:06d}"
    with path.open("w", encoding="utf-8") as out:
        out.write('{"type": "FeatureCollection", "features": [\n')
        for n in range(count):
            out.write(template.replace("bulk-number", f"bulk-{n:06d}") + ",\n")
        out.write(json.dumps(feature(bad, status="rumoured")) + "\n]}\n")
    return bad


def test_a_50_mb_file_is_checked_and_refused_in_reasonable_time_and_memory(stored, tmp_path):
    path, before = stored
    big = tmp_path / "big.geojson"
    bad = write_big_collection(big, FIFTY_MB)
    assert big.stat().st_size >= FIFTY_MB
    big_data = tmp_path / "big-data"
    shutil.copytree(path.parent, big_data)
    shutil.copy(big, big_data / "reports.geojson")
    runs = {
        "check": (["check"], big_data, big_data / "reports.geojson"),
        "import": (["import", str(big)], path.parent, big),
    }
    started = time.monotonic()
    processes = {
        name: subprocess.Popen(
            [sys.executable, "-c", MEASURED, *args],
            env={**os.environ, "WEBMAP_DATA_DIR": str(data)},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name, (args, data, _) in runs.items()
    }
    outputs = {name: process.communicate(timeout=180) for name, process in processes.items()}
    elapsed = time.monotonic() - started
    for name, (stdout, stderr) in outputs.items():
        named = runs[name][2]
        assert processes[name].returncode == 1, stderr
        assert "Traceback" not in stdout + stderr
        assert stdout.splitlines() == [
            f"{named}: {bad}: status: 'rumoured' is not one of: announced, reported, confirmed, "
            "disputed, denied"
        ]
        peak_mib = int(stderr.splitlines()[-1].split()[-1]) / 1024
        assert peak_mib < 1024, f"webmap {name} of a 50 MB file used {peak_mib:.0f} MiB"
    assert elapsed < 60, f"a 50 MB file took {elapsed:.0f} s"
    assert path.read_bytes() == before
    assert (big_data / "reports.geojson").read_bytes() == big.read_bytes()
