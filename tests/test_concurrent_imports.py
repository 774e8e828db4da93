"""Imports never lose a report: one at a time per data folder (issue 13, item 5)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from filelock import FileLock

ROUNDS = 4
EXTRA = 3000
LOCK_FILE = ".webmap-import.lock"  # webmap.record.importer.LOCK_FILE
WEBMAP = [sys.executable, "-c", "from webmap.cli import cli; cli()"]


def new_report(data_dir: Path, rid: str, target: Path) -> Path:
    """Write a GeoJSON file with one new report (a copy of the first, renamed) to target."""
    data = json.loads((data_dir / "reports.geojson").read_text("utf-8"))
    feature = data["features"][0]
    feature["id"] = feature["properties"]["id"] = rid
    feature["properties"]["related"] = []
    target.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}), "utf-8")
    return target


def run_import(data_dir: Path, path: Path, *extra: str) -> subprocess.Popen:
    """Start `webmap import` on path in the background."""
    env = {**os.environ, "WEBMAP_DATA_DIR": str(data_dir), "WEBMAP_CACHE_DIR": ""}
    return subprocess.Popen(
        [*WEBMAP, "import", str(path), *extra],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def ids(data_dir: Path) -> set[str]:
    """Return the ids in the data folder's reports file."""
    data = json.loads((data_dir / "reports.geojson").read_text("utf-8"))
    return {f["id"] for f in data["features"]}


@pytest.fixture
def big_data_dir(data_dir: Path) -> Path:
    """Return the fixture data with 3,000 more reports, so an import takes a while."""
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    model = data["features"][0]
    for n in range(EXTRA):
        feature = json.loads(json.dumps(model))
        feature["id"] = feature["properties"]["id"] = f"bulk-{n:05d}"
        feature["properties"]["related"] = []
        data["features"].append(feature)
    path.write_text(json.dumps(data), "utf-8")
    return data_dir


def test_two_imports_at_once_keep_both_reports(big_data_dir, tmp_path):
    data_dir = big_data_dir
    for n in range(ROUNDS):
        files = [
            new_report(data_dir, f"round-{n}-{k}", tmp_path / f"{n}-{k}.geojson") for k in "ab"
        ]
        runs = [run_import(data_dir, path) for path in files]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0], outputs
        assert {f"round-{n}-a", f"round-{n}-b"} <= ids(data_dir), (n, outputs)
    assert len(ids(data_dir)) == 5 + EXTRA + 2 * ROUNDS


def test_an_import_waits_for_the_lock_then_says_another_is_running(data_dir, tmp_path):
    before = (data_dir / "reports.geojson").read_bytes()
    path = new_report(data_dir, "blocked", tmp_path / "b.geojson")
    with FileLock(data_dir / LOCK_FILE):  # as a running import holds it
        run = run_import(data_dir, path, "--wait", "0.5")
        output = run.communicate(timeout=120)[0]
    assert run.returncode == 1
    assert "another import is running" in output and "Traceback" not in output
    assert (data_dir / "reports.geojson").read_bytes() == before


@pytest.fixture
def stale_temp(data_dir: Path) -> Path:
    """Leave a temporary file as an import killed while writing would."""
    stale = data_dir / ".reports.geojson.k1ll3d.tmp"
    stale.write_bytes(b'{"type": "FeatureCollection", "features": [' * 1000)
    return stale


def test_an_import_removes_what_a_killed_import_left(data_dir, tmp_path, stale_temp):
    run = run_import(data_dir, new_report(data_dir, "after-kill", tmp_path / "k.geojson"))
    output = run.communicate(timeout=120)[0]
    assert run.returncode == 0, output
    assert not stale_temp.exists()
    assert "after-kill" in ids(data_dir)


def test_a_cache_write_a_killed_process_left_is_removed(data_dir, tmp_path):
    from webmap.web.app import create_app

    cache = tmp_path / "cache"
    cache.mkdir()
    orphan = cache / ".reports-0123.npz.k1ll3d"
    orphan.write_bytes(b"\0" * 1000)
    os.utime(orphan, (time.time() - 3600, time.time() - 3600))
    create_app({"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": str(cache)})
    assert not orphan.exists()
    assert len(list(cache.glob("reports-*.npz"))) == 1
