"""The documented production server (gunicorn.conf.py) under slow clients and bad data."""

from __future__ import annotations

import os
import socket
import time
from contextlib import ExitStack
from urllib.request import urlopen

import pytest
from production import ROOT, gunicorn, status

HALF_OPEN = 40
SAMPLES = 5


def test_the_production_config_is_the_documented_one():
    text = (ROOT / "gunicorn.conf.py").read_text("utf-8")
    assert 'worker_class = "gthread"' in text and "preload_app = True" in text
    assert "gunicorn -c gunicorn.conf.py" in (ROOT / "Makefile").read_text("utf-8")
    assert "proxy_buffering on" in (ROOT / "deploy" / "nginx.conf").read_text("utf-8")


def half_open(base: str, partial: bool) -> socket.socket:
    """Open a connection that never finishes its request (or never starts one)."""
    host, port = base.removeprefix("http://").split(":")
    sock = socket.create_connection((host, int(port)), timeout=5)
    if partial:
        sock.sendall(b"GET /reports HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
    return sock


def test_forty_half_open_connections_do_not_stall_healthz(data_dir, tmp_path):
    with gunicorn(data_dir, tmp_path / "cache") as base, ExitStack() as stack:
        for n in range(HALF_OPEN):
            stack.enter_context(half_open(base, partial=n % 2 == 0))
        time.sleep(0.5)  # let the workers take them
        times = []
        for _ in range(SAMPLES):
            start = time.monotonic()
            with urlopen(f"{base}/healthz", timeout=10) as response:
                assert response.status == 200
            times.append(time.monotonic() - start)
        assert max(times) < 1.0, times
        assert status(f"{base}/", timeout=10) == 200


def _folder(data_dir):
    (data_dir / "reports.geojson").unlink()
    (data_dir / "reports.geojson").mkdir()


def _fifo(data_dir):
    (data_dir / "reports.geojson").unlink()
    os.mkfifo(data_dir / "reports.geojson")


@pytest.mark.parametrize("breakage", [_folder, _fifo], ids=["folder", "fifo"])
def test_gunicorn_starts_with_broken_data_and_shows_the_503_page(data_dir, tmp_path, breakage):
    breakage(data_dir)
    with gunicorn(data_dir, tmp_path / "cache", workers=2) as base:
        assert status(f"{base}/healthz") == 503
        assert status(f"{base}/") == 503
        assert status(f"{base}/api/reports") == 503
