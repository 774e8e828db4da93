"""Crash-safe start and reload, and little said to strangers (issue 13, items 6-8)."""

from __future__ import annotations

import io
import json
import os
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from webmap.web.app import create_app

GENERIC = {"the data files have problems", "a data file could not be read"}
SECRET = "SECRET-VALUE-4711"


def bounded_get(client, url: str, seconds: float = 15.0):
    """Return client.get(url), failing the test (not hanging it) if it takes longer."""
    box: list = []
    thread = threading.Thread(target=lambda: box.append(client.get(url)), daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"GET {url} did not answer within {seconds} s"
    return box[0]


def assert_says_little(text: str, data_dir: Path) -> None:
    """Assert a public answer names no path and no value from the data."""
    assert str(data_dir) not in text and "/tmp" not in text and "reports.geojson" not in text
    assert SECRET not in text


def watched(data_dir: Path, **config):
    """Return a client of an app that reloads on every request, in the request's thread."""
    settings = {"RELOAD_INTERVAL": 1e-6, "RELOAD_IN_BACKGROUND": False, **config}
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), **settings}).test_client()


# --- start ---------------------------------------------------------------------------------


def _reports_is_a_folder(data_dir: Path) -> None:
    path = data_dir / "reports.geojson"
    path.unlink()
    path.mkdir()


def _reports_is_a_fifo(data_dir: Path) -> None:
    path = data_dir / "reports.geojson"
    path.unlink()
    os.mkfifo(path)


def _reports_links_out(data_dir: Path) -> None:
    outside = data_dir.parent / "elsewhere.json"
    outside.write_text(json.dumps({"type": "FeatureCollection", "secret": SECRET}), "utf-8")
    (data_dir / "reports.geojson").unlink()
    (data_dir / "reports.geojson").symlink_to(outside)


def _layer_is_dev_zero(data_dir: Path) -> None:
    (data_dir / "cities.geojson").unlink()
    (data_dir / "cities.geojson").symlink_to("/dev/zero")


def _bad_value(data_dir: Path) -> None:
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"][0]["properties"]["kind"] = SECRET
    path.write_text(json.dumps(data), "utf-8")


BREAKAGES = {
    "reports is a folder": _reports_is_a_folder,
    "reports is a FIFO": _reports_is_a_fifo,
    "reports links out of the folder": _reports_links_out,
    "a layer links to /dev/zero": _layer_is_dev_zero,
    "a bad value": _bad_value,
}


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
@pytest.mark.parametrize("lazy", [False, True], ids=["gunicorn-style", "webmap-run-style"])
def test_broken_data_at_start_gives_the_503_page(data_dir, breakage, lazy):
    breakage(data_dir)
    box: list = []

    def start() -> None:  # bounded: a FIFO used to block the start for ever
        box.append(create_app({"TESTING": True, "DATA_DIR": str(data_dir), "LOAD_DATA": not lazy}))

    thread = threading.Thread(target=start, daemon=True)
    thread.start()
    thread.join(15)
    assert box, "the app did not start"
    client = box[0].test_client()
    health = bounded_get(client, "/healthz")
    assert health.status_code == 503 and health.get_json()["error"] in GENERIC
    page = bounded_get(client, "/")
    assert page.status_code == 503 and "not available" in page.get_data(as_text=True)
    assert bounded_get(client, "/api/reports").status_code == 503
    for answer in (health, page):
        assert_says_little(answer.get_data(as_text=True), data_dir)


def test_a_digest_that_cannot_be_taken_gives_the_503_page(data_dir, monkeypatch):
    def refuse(path):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr("webmap.catalog.catalog.file_digest", refuse)
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    assert client.get("/healthz").status_code == 503
    assert client.get("/").status_code == 503


# --- the index cache -----------------------------------------------------------------------


def _rewrite_cache(path: Path, change) -> None:
    """Change a cache file as someone without its key would: edit the arrays, keep any header."""
    data = path.read_bytes()
    start = data.index(b"PK")  # an .npz is a zip file
    with np.load(io.BytesIO(data[start:]), allow_pickle=False) as arrays:
        contents = {name: arrays[name] for name in arrays.files}
    change(contents)
    out = io.BytesIO()
    np.savez(out, **contents)
    path.write_bytes(data[:start] + out.getvalue())


def _poison(contents: dict) -> None:
    blob = contents["features"].tobytes()
    poisoned = blob.replace(b'"url":"https://', b'"url":"javascript:alert(1)//')
    assert poisoned != blob and len(poisoned) != len(blob)
    contents["features"] = np.frombuffer(poisoned, dtype=np.uint8)
    step = (len(poisoned) - len(blob)) // (len(contents["offsets"]) - 1)
    contents["offsets"] = contents["offsets"] + step * np.arange(len(contents["offsets"]))


def _shift_offsets(contents: dict) -> None:
    contents["offsets"] = contents["offsets"] + 3


def _drop_a_column(contents: dict) -> None:
    del contents["col_ranged"]


CACHE_DAMAGE = {"poisoned": _poison, "shifted": _shift_offsets, "column gone": _drop_a_column}


@pytest.mark.parametrize("damage", CACHE_DAMAGE.values(), ids=CACHE_DAMAGE.keys())
def test_a_cache_that_does_not_match_its_checksum_is_rebuilt(data_dir, tmp_path, damage):
    cache = tmp_path / "cache"
    config = {"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": str(cache)}
    first = create_app(config).test_client()
    good = [first.get(url).get_json() for url in ("/api/reports", "/api/reports?q=oreshnik")]
    (cache_file,) = cache.glob("reports-*.npz")
    _rewrite_cache(cache_file, damage)
    client = create_app(config).test_client()
    for url, expected in zip(("/api/reports", "/api/reports?q=oreshnik"), good, strict=True):
        response = client.get(url)
        assert response.status_code == 200
        assert b"javascript:" not in response.data
        assert json.loads(response.data) == expected


def test_the_cache_key_is_private(data_dir, tmp_path):
    cache = tmp_path / "cache"
    create_app({"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": str(cache)})
    assert (cache / "key").stat().st_mode & 0o077 == 0


# --- reload --------------------------------------------------------------------------------


@pytest.mark.parametrize("breakage", BREAKAGES.values(), ids=BREAKAGES.keys())
def test_a_broken_reload_keeps_the_last_good_data_and_says_little(data_dir, breakage):
    client = watched(data_dir)
    before = client.get("/healthz").get_json()
    breakage(data_dir)
    health = bounded_get(client, "/healthz")
    assert health.status_code == 200  # the previous data is still served
    body = health.get_json()
    assert body["data_version"] == before["data_version"]
    assert body["last_reload"]["result"] == "failed"
    assert body["last_reload"]["error"] in GENERIC
    assert_says_little(health.get_data(as_text=True), data_dir)
    assert bounded_get(client, "/api/reports").status_code == 200


def test_a_reload_that_hangs_is_abandoned_and_reported(data_dir, monkeypatch):
    client = watched(data_dir, RELOAD_TIMEOUT=0.5)
    release = threading.Event()
    monkeypatch.setattr("webmap.web.data.MapData.read", lambda self: release.wait(30))
    (data_dir / "reports.geojson").touch()
    os.utime(data_dir / "reports.geojson", (1, 1))
    start = time.monotonic()
    health = bounded_get(client, "/healthz")
    assert time.monotonic() - start < 5
    assert health.status_code == 200
    assert health.get_json()["last_reload"]["result"] == "abandoned"
    assert "too long" in health.get_json()["last_reload"]["error"]
    release.set()


def test_a_fixed_file_after_a_fifo_is_picked_up(data_dir):
    client = watched(data_dir)
    good = (data_dir / "reports.geojson").read_bytes()
    _reports_is_a_fifo(data_dir)
    assert bounded_get(client, "/healthz").get_json()["last_reload"]["result"] == "failed"
    (data_dir / "reports.geojson").unlink()
    data = json.loads(good)
    data["features"][0]["properties"]["title"] = "Fixed again"
    (data_dir / "reports.geojson").write_text(json.dumps(data), "utf-8")
    assert bounded_get(client, "/healthz").get_json()["last_reload"]["result"] == "loaded"
    assert b"Fixed again" in bounded_get(client, "/api/reports").data


# --- the revisions log (the record's history, read for /changes and ?as_of=) ----------------

HISTORY_URLS = ["/changes", "/changes.atom", "/api/reports?as_of=2025-01-01", "/?as_of=2025-01-01"]


def _log_is_a_fifo(data_dir: Path) -> None:
    os.mkfifo(data_dir / "revisions.jsonl")


def _log_is_dev_zero(data_dir: Path) -> None:
    (data_dir / "revisions.jsonl").symlink_to("/dev/zero")


def _log_links_out(data_dir: Path) -> None:
    outside = data_dir.parent / "elsewhere.jsonl"
    outside.write_text(json.dumps({"time": SECRET}) + "\n", "utf-8")
    (data_dir / "revisions.jsonl").symlink_to(outside)


def _log_has_a_broken_line(data_dir: Path) -> None:
    (data_dir / "revisions.jsonl").write_text('{"time": "' + SECRET + "\n", "utf-8")


LOG_BREAKAGES = {
    "log is a FIFO": _log_is_a_fifo,
    "log links to /dev/zero": _log_is_dev_zero,
    "log links out of the folder": _log_links_out,
    "log has a broken line": _log_has_a_broken_line,
}


@pytest.mark.parametrize("breakage", LOG_BREAKAGES.values(), ids=LOG_BREAKAGES.keys())
def test_a_broken_revisions_log_at_start_is_a_503_never_a_500(data_dir, breakage):
    breakage(data_dir)
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    # A log that is no regular file inside the folder stops the start like any data file; one
    # with a broken line is read (and refused) only when a page asks for the history.
    kind_refused = breakage is not _log_has_a_broken_line
    health = bounded_get(client, "/healthz")
    assert health.status_code == (503 if kind_refused else 200)
    for url in HISTORY_URLS:
        answer = bounded_get(client, url)
        assert answer.status_code == 503, url
        assert_says_little(answer.get_data(as_text=True), data_dir)


@pytest.mark.parametrize("breakage", LOG_BREAKAGES.values(), ids=LOG_BREAKAGES.keys())
def test_a_revisions_log_broken_while_serving_is_a_503_not_a_500(data_dir, breakage):
    client = watched(data_dir)
    before = client.get("/healthz").get_json()
    breakage(data_dir)
    health = bounded_get(client, "/healthz").get_json()
    if breakage is not _log_has_a_broken_line:  # refused like any data file: the last good
        assert health["data_version"] == before["data_version"]
        assert health["last_reload"]["result"] == "failed"
    for url in HISTORY_URLS:  # the log is read when asked for: never a 500, never its content
        answer = bounded_get(client, url)
        assert answer.status_code == 503, url
        assert_says_little(answer.get_data(as_text=True), data_dir)
    assert bounded_get(client, "/api/reports").status_code == 200  # the map itself goes on
