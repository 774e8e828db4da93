"""A running server picks up changed data, and keeps serving the last good data if it breaks."""

from __future__ import annotations

import json
import logging
import shutil
import threading
import time
from urllib.request import urlopen

import pytest
from werkzeug.serving import make_server

from webmap.web.app import create_app

FIRST_TITLE = "Zapad-2021 Russia-Belarus strategic exercise, troop numbers disputed"


def watching_app(data_dir, background=False, interval=1e-6):
    return create_app(
        {
            "TESTING": True,
            "DATA_DIR": str(data_dir),
            "RELOAD_INTERVAL": interval,
            "RELOAD_IN_BACKGROUND": background,
        }
    )


def retitle(data_dir, new_title: str) -> None:
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    for feature in data["features"]:
        if feature["properties"]["id"] == "zapad-2021-exercise":
            feature["properties"]["title"] = new_title
    path.write_text(json.dumps(data), "utf-8")


def first_title(client) -> str:
    """Return the title the API gives the Zapad-2021 report (reading every report)."""
    features = client.get("/api/reports").get_json(force=True)["features"]
    (zapad,) = [f for f in features if f["id"] == "zapad-2021-exercise"]
    return zapad["properties"]["title"]


@pytest.fixture
def watched(data_dir):
    app = watching_app(data_dir)
    return app.test_client(), data_dir


def test_changed_reports_are_served_without_a_restart(watched):
    client, data_dir = watched
    before = client.get("/healthz").get_json()
    assert before["last_reload"] is None
    retitle(data_dir, "A corrected title")
    assert first_title(client) == "A corrected title"
    after = client.get("/healthz").get_json()
    assert after["data_version"] != before["data_version"]
    assert after["last_reload"]["result"] == "loaded"
    assert after["last_reload"]["data_version"] == after["data_version"]


BREAKAGES = {
    "truncated reports": lambda d: (d / "reports.geojson").write_bytes(
        (d / "reports.geojson").read_bytes()[:500]
    ),
    "a report without sources": lambda d: (d / "reports.geojson").write_text(
        (d / "reports.geojson").read_text("utf-8").replace('"sources"', '"sauces"'), "utf-8"
    ),
    "reports deleted": lambda d: (d / "reports.geojson").unlink(),
    "alliances broken": lambda d: (d / "alliances.json").write_text("[", "utf-8"),
    "countries emptied": lambda d: (d / "countries-overview.geojson").write_bytes(b""),
    "the whole folder gone": lambda d: shutil.rmtree(d),
}


@pytest.mark.parametrize("breakage", BREAKAGES)
def test_a_broken_change_keeps_the_last_good_data_live(watched, breakage, caplog):
    client, data_dir = watched
    version = client.get("/healthz").get_json()["data_version"]
    page_before = client.get("/reports/zapad-2021-exercise").data
    with caplog.at_level(logging.ERROR):
        BREAKAGES[breakage](data_dir)
        health = client.get("/healthz").get_json()
    assert health["status"] == "ok" and health["data_version"] == version
    assert health["last_reload"]["result"] == "failed" and health["last_reload"]["error"]
    assert "still served" in caplog.text
    assert first_title(client) == FIRST_TITLE
    assert client.get("/").status_code == 200
    assert client.get("/reports/zapad-2021-exercise").data == page_before


def test_fixing_the_data_after_a_broken_change_serves_the_fix(watched):
    client, data_dir = watched
    good = (data_dir / "reports.geojson").read_bytes()
    (data_dir / "reports.geojson").write_text("{", "utf-8")
    assert client.get("/healthz").get_json()["last_reload"]["result"] == "failed"
    (data_dir / "reports.geojson").write_bytes(good.replace(FIRST_TITLE.encode(), b"Fixed"))
    assert first_title(client) == "Fixed"


def test_data_that_was_broken_at_start_is_served_once_fixed(data_dir):
    good = (data_dir / "reports.geojson").read_bytes()
    (data_dir / "reports.geojson").write_text("{", "utf-8")
    client = watching_app(data_dir).test_client()
    assert client.get("/healthz").status_code == 503
    (data_dir / "reports.geojson").write_bytes(good)
    assert client.get("/healthz").get_json()["status"] == "ok"
    assert first_title(client) == FIRST_TITLE


def test_a_live_server_reloads_in_the_background(data_dir):
    app = watching_app(data_dir, background=True, interval=0.05)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"

    def health() -> dict:
        with urlopen(f"{base}/healthz") as response:
            return json.load(response)

    def wait_for(result: str) -> dict:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            found = health()
            if (found["last_reload"] or {}).get("result") == result:
                return found
            time.sleep(0.05)
        raise AssertionError(f"no reload ended in {result!r}")

    try:
        version = health()["data_version"]
        time.sleep(0.1)
        (data_dir / "reports.geojson").write_text("{not json", "utf-8")
        failed = wait_for("failed")
        assert failed["data_version"] == version
        with urlopen(f"{base}/api/reports") as response:
            assert len(json.load(response)["features"]) == 5
    finally:
        server.shutdown()
