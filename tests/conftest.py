"""Fixtures: an app on a copy of the small fixture data, its client and CLI runner."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from webmap.web.app import create_app

DATA = Path(__file__).parent / "data"
REPO_DATA = Path(__file__).parent.parent / "geodata"
# Caches go to a folder of this test run, never the user's ~/.cache (subprocesses inherit it).
os.environ["WEBMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="webmap-test-cache-")
# The commands speak the environment's language: the tests expect English unless they ask.
for _name in ("WEBMAP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
    os.environ.pop(_name, None)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    """Return a writable copy of the fixture data directory."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture
def app(data_dir: Path):
    """Return an app serving the fixture data."""
    return create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"})


@pytest.fixture
def client(app):
    """Return a test client."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Return a CLI runner bound to the app."""
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def postgis_cluster():
    """Start a throw-away PostgreSQL + PostGIS for the session (tests/postgis_cluster.py).

    Never skipped: without PostgreSQL and PostGIS installed, the tests fail saying so.
    """
    try:
        from postgis_cluster import Cluster

        cluster = Cluster()
    except (ImportError, RuntimeError) as exc:
        pytest.fail(f"PostGIS tests cannot run: {exc}", pytrace=False)
    yield cluster
    cluster.remove()
