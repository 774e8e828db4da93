"""PostGIS as the record: db commands, imports in one transaction, faults (a real PostgreSQL)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.request import urlopen

import psycopg
import pytest
from postgis_cluster import Cluster
from test_importer import row, write_csv

from webmap.cli import cli
from webmap.store import postgis
from webmap.store.postgis import Store
from webmap.web.app import create_app

ROOT = Path(__file__).parent.parent


def _config(data_dir: Path, url: str) -> dict:
    return {
        "TESTING": True,
        "DATA_DIR": str(data_dir),
        "TILES": "none",
        "INDEX_CACHE_DIR": "",
        "DATABASE_URL": url,
        "RELOAD_INTERVAL": 0.01,
        "RELOAD_IN_BACKGROUND": False,
    }


def _close(app) -> None:
    record = app.extensions["webmap"].record
    if record is not None:
        record.store.close()


@pytest.fixture
def database(postgis_cluster, data_dir, request) -> str:
    """Return the URL of a new database holding the fixture data."""
    url = postgis_cluster.new_database(f"record_{request.node.name[:40]}".lower())
    store = Store(url)
    store.init()
    store.load(data_dir)
    store.close()
    return url


def _dump(url: str, folder: Path) -> dict[str, bytes]:
    store = Store(url)
    store.dump(folder)
    store.close()
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _ids(client) -> list[str]:
    response = client.get("/api/reports?view=ids")
    assert response.status_code == 200, response.data
    return response.get_json()["ids"]


def test_db_commands_init_load_dump(postgis_cluster, data_dir, tmp_path):
    url = postgis_cluster.new_database("commands")
    runner = create_app({"TESTING": True, "LOAD_DATA": False}).test_cli_runner()
    env = {"WEBMAP_DATABASE_URL": url}
    assert runner.invoke(cli, ["db", "init"], env=env).exit_code == 0
    assert runner.invoke(cli, ["db", "init"], env=env).exit_code == 0  # again: nothing breaks
    loaded = runner.invoke(cli, ["db", "load", str(data_dir)], env=env)
    assert loaded.exit_code == 0 and "Loaded 5 reports" in loaded.output, loaded.output
    dumped = runner.invoke(cli, ["db", "dump", str(tmp_path / "out")], env=env)
    assert dumped.exit_code == 0, dumped.output
    for name in ("reports.geojson", "publishers.json", "alliances.json"):
        assert (tmp_path / "out" / name).read_bytes() == (data_dir / name).read_bytes()
    missing = runner.invoke(cli, ["db", "init"], env={"WEBMAP_DATABASE_URL": ""})
    assert missing.exit_code == 2 and "WEBMAP_DATABASE_URL" in missing.output


def test_db_load_of_a_broken_folder_changes_nothing(database, data_dir, tmp_path):
    before = _dump(database, tmp_path / "before")
    broken = json.loads((data_dir / "reports.geojson").read_text())
    broken["features"][0]["properties"]["status"] = "rumoured"
    broken["features"] = broken["features"][:2]
    (data_dir / "reports.geojson").write_text(json.dumps(broken))
    runner = create_app({"TESTING": True, "LOAD_DATA": False}).test_cli_runner()
    result = runner.invoke(
        cli, ["db", "load", str(data_dir)], env={"WEBMAP_DATABASE_URL": database}
    )
    assert result.exit_code == 1 and "status" in result.output
    assert "the database was left as it was" in result.output
    assert _dump(database, tmp_path / "after") == before


def test_a_load_failing_midway_rolls_back(database, data_dir, tmp_path, monkeypatch):
    before = _dump(database, tmp_path / "before")
    token = Store(database).token()

    def fail(conn, revisions):
        raise psycopg.errors.DiskFull("no space left on device")

    monkeypatch.setattr(postgis, "_append_revisions", fail)  # after the reports were written
    store = Store(database)
    with pytest.raises(postgis.StoreError):
        store.load(data_dir)
    store.close()
    assert _dump(database, tmp_path / "after") == before
    assert Store(database).token() == token


def test_import_into_the_database_is_served_by_every_worker(database, data_dir, tmp_path):
    workers = [create_app(_config(data_dir, database)) for _ in range(2)]
    clients = [w.test_client() for w in workers]
    versions = {c.get("/healthz").get_json()["data_version"] for c in clients}
    assert len(versions) == 1
    source = write_csv(tmp_path / "new.csv", row("db-first-new"), row("db-second-new"))
    result = workers[0].test_cli_runner().invoke(cli, ["import", str(source)])
    assert result.exit_code == 0, result.output
    assert "Added 2 report(s): db-first-new, db-second-new" in result.output
    assert "Saved 7 reports to the database." in result.output
    assert not (data_dir / "reports.geojson").read_bytes().count(b"db-first-new")  # not a file
    time.sleep(0.05)
    for client in clients:
        assert {"db-first-new", "db-second-new"} <= set(_ids(client))
    after = {c.get("/healthz").get_json()["data_version"] for c in clients}
    assert len(after) == 1 and after != versions
    lines = _dump(database, tmp_path / "out")["revisions.jsonl"].decode().splitlines()
    added = [json.loads(line) for line in lines[-2:]]
    assert [(r["action"], r["id"]) for r in added] == [
        ("add", "db-first-new"),
        ("add", "db-second-new"),
    ]
    history = clients[1].get("/reports/db-first-new/history")
    assert history.status_code == 200
    for worker in workers:
        _close(worker)


def test_a_failed_import_stores_nothing(database, data_dir, tmp_path, monkeypatch):
    before = _dump(database, tmp_path / "before")
    app = create_app({**_config(data_dir, database), "LOAD_DATA": False})
    bad = write_csv(tmp_path / "bad.csv", row("fine-one"), row("bad-one", status="rumoured"))
    result = app.test_cli_runner().invoke(cli, ["import", str(bad)])
    assert result.exit_code == 1 and "nothing was written to the database" in result.output

    def fail(conn, revisions):
        raise psycopg.errors.DiskFull("no space left on device")

    monkeypatch.setattr(postgis, "_append_revisions", fail)  # after the reports were stored
    good = write_csv(tmp_path / "good.csv", row("fine-one"))
    result = app.test_cli_runner().invoke(cli, ["import", str(good)])
    assert result.exit_code == 1 and "nothing was imported" in result.output
    assert _dump(database, tmp_path / "after") == before
    _close(app)


def test_concurrent_imports_lose_no_report(database, data_dir, tmp_path):
    """Four editors import at once, each from a machine of their own: every report is kept."""
    env = {**os.environ, "WEBMAP_DATABASE_URL": database, "WEBMAP_DATA_DIR": str(data_dir)}
    sources = [write_csv(tmp_path / f"e{n}.csv", row(f"editor-{n}-report")) for n in range(4)]

    def run(source: Path) -> subprocess.CompletedProcess:
        command = [sys.executable, "-c", "from webmap.cli import cli; cli()", "import", str(source)]
        return subprocess.run(command, env=env, capture_output=True, text=True, cwd=ROOT)

    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(run, sources))
    assert all(r.returncode == 0 for r in results), [r.stdout + r.stderr for r in results]
    files = _dump(database, tmp_path / "out")
    ids = {f["id"] for f in json.loads(files["reports.geojson"])["features"]}
    assert {f"editor-{n}-report" for n in range(4)} <= ids and len(ids) == 9
    adds = [json.loads(line)["id"] for line in files["revisions.jsonl"].decode().splitlines()]
    assert sorted(a for a in adds if a.startswith("editor-")) == sorted(
        f"editor-{n}-report" for n in range(4)
    )


@pytest.fixture
def own_cluster():
    """A cluster of this test's own, to stop and start."""
    try:
        cluster = Cluster()
    except RuntimeError as exc:
        pytest.fail(f"PostGIS tests cannot run: {exc}", pytrace=False)
    yield cluster
    cluster.remove()


def _wait_for(client, path: str, status: int, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while True:
        response = client.get(path)
        if response.status_code == status or time.monotonic() > deadline:
            return response
        time.sleep(0.05)


def test_database_down_at_start_gives_503_then_recovers(own_cluster, data_dir):
    url = own_cluster.new_database("faults")
    store = Store(url)
    store.init()
    store.load(data_dir)
    store.close()
    own_cluster.stop()
    app = create_app(_config(data_dir, url))
    client = app.test_client()
    page = client.get("/")
    assert page.status_code == 503 and b"could not be loaded" in page.data
    api = client.get("/api/reports")
    assert api.status_code == 503 and api.get_json()["error"]
    assert client.get("/healthz").status_code == 503
    own_cluster.start()
    assert _wait_for(client, "/", 200).status_code == 200
    assert len(_ids(client)) == 5
    _close(app)


def test_lost_connection_gives_503_not_a_traceback(own_cluster, data_dir):
    url = own_cluster.new_database("lost")
    store = Store(url)
    store.init()
    store.load(data_dir)
    store.close()
    app = create_app(_config(data_dir, url))
    client = app.test_client()
    assert len(_ids(client)) == 5
    with psycopg.connect(own_cluster.admin_url, autocommit=True) as admin:  # cut every session
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = 'lost' AND pid <> pg_backend_pid()"
        )
    assert len(_ids(client)) == 5  # a cut idle connection: the read is tried again on a new one
    own_cluster.stop()
    api = client.get("/api/reports?kind=statement")
    assert api.status_code == 503 and b"Traceback" not in api.data
    assert api.get_json() == {
        "error": "the map data could not be loaded",
        "reason": "the data could not be loaded",
    }
    listing = client.get("/reports?q=minsk")
    assert listing.status_code == 503 and b"Please try again later" in listing.data
    own_cluster.start()
    assert _wait_for(client, "/api/reports?kind=statement", 200).status_code == 200
    _close(app)


def test_gunicorn_workers_serve_one_version_of_the_database(database, data_dir, tmp_path):
    """The production server (preloaded, forked workers) against one database."""
    from production import gunicorn

    def versions(base: str) -> set[str]:
        found = set()
        for _ in range(24):  # a new connection each time: the workers take turns
            with urlopen(f"{base}/healthz", timeout=10) as response:
                found.add(json.load(response)["data_version"])
        return found

    env = {"WEBMAP_DATABASE_URL": database, "WEBMAP_RELOAD_SECONDS": "0.2"}
    with gunicorn(data_dir, tmp_path / "cache", workers=3, **env) as base:
        before = versions(base)
        assert len(before) == 1
        source = write_csv(tmp_path / "new.csv", row("served-by-all"))
        command = [sys.executable, "-c", "from webmap.cli import cli; cli()", "import", str(source)]
        done = subprocess.run(
            command,
            env={**os.environ, **env, "WEBMAP_DATA_DIR": str(data_dir)},
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        deadline = time.monotonic() + 90  # three workers reload at once on two busy cores
        while (now := versions(base)) == before or len(now) > 1:
            assert time.monotonic() < deadline, now
            time.sleep(0.3)
        with urlopen(f"{base}/api/reports?view=ids", timeout=10) as response:
            assert "served-by-all" in json.load(response)["ids"]


def test_update_and_export_with_the_database(database, data_dir, tmp_path):
    """An update is one more revision row; export reads the database, not the data folder."""
    app = create_app({**_config(data_dir, database), "LOAD_DATA": False})
    runner = app.test_cli_runner()
    assert runner.invoke(cli, ["import", str(write_csv(tmp_path / "a.csv", row("to-update")))])
    changed = write_csv(tmp_path / "b.csv", row("to-update", status="confirmed"))
    result = runner.invoke(cli, ["import", "--update", "--note", "confirmed since", str(changed)])
    assert result.exit_code == 0 and "Updated 1 report(s): to-update" in result.output
    lines = _dump(database, tmp_path / "out")["revisions.jsonl"].decode().splitlines()
    last = json.loads(lines[-1])
    assert (last["action"], last["id"], last["note"]) == ("update", "to-update", "confirmed since")
    assert last["after"]["properties"]["status"] == "confirmed"
    exported = runner.invoke(cli, ["export", "--format", "csv", "--where", "status=confirmed"])
    assert exported.exit_code == 0 and "to-update" in exported.output
    assert b"to-update" not in (data_dir / "reports.geojson").read_bytes()
    files_app = create_app({**_config(tmp_path / "out", ""), "LOAD_DATA": False})
    shutil.copytree(data_dir, tmp_path / "out", dirs_exist_ok=True, ignore=_held)  # the layers
    from_files = files_app.test_cli_runner().invoke(cli, ["export", "--where", "as_of=2099-01-01"])
    from_db = runner.invoke(cli, ["export", "--where", "as_of=2099-01-01"])
    assert from_db.exit_code == 0 and from_db.output == from_files.output
    _close(app)


def _held(folder: str, names: list[str]) -> list[str]:
    """Leave out the files the database holds (copytree's ignore)."""
    return [n for n in names if n in postgis.HELD_FILES]
