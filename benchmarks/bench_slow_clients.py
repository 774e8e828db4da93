"""Slow clients and expensive queries against gunicorn.conf.py: how long /healthz takes meanwhile.

Run: .venv/bin/python benchmarks/bench_slow_clients.py   (needs wrk for the load part)
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

from common import SHIPPED, gunicorn, machine, median

SAMPLES = 20
TIMEOUT = 10  # seconds: a /healthz that takes longer counts as this long
WORKERS = 3
LOAD_SECONDS = 10
LONG_Q = quote(" ".join(f"{n:02d}" + "x" * 120 for n in range(32)))  # 32 words, ~4 KB
REFUSED_Q = quote(" ".join(f"w{n}" for n in range(2000))[:3000])  # over 32 words: a 400


def healthz_times(base: str, count: int = SAMPLES) -> list[float]:
    """Return how long /healthz took (ms), count times, each on a new connection."""
    times = []
    for _ in range(count):
        start = time.perf_counter()
        try:
            with urlopen(f"{base}/healthz", timeout=TIMEOUT) as response:
                response.read()
        except TimeoutError:
            pass  # counted as TIMEOUT seconds
        times.append((time.perf_counter() - start) * 1000)
        time.sleep(0.05)
    return times


def hold(base: str, count: int, partial: bool, stack: ExitStack) -> None:
    """Open count connections that never finish a request (or never start one)."""
    host, port = base.removeprefix("http://").split(":")
    for _ in range(count):
        sock = stack.enter_context(socket.create_connection((host, int(port)), timeout=5))
        if partial:
            sock.sendall(b"GET /reports HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")


def under_load(base: str, path: str) -> tuple[str, list[float]]:
    """Run wrk with 64 connections on path; return its requests/s line and /healthz times."""
    result: dict = {}

    def run() -> None:
        out = subprocess.run(
            ["wrk", "-t2", "-c64", f"-d{LOAD_SECONDS}s", f"{base}{path}"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        result["rate"] = next(line for line in out.splitlines() if "Requests/sec" in line)

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(2)
    times = healthz_times(base, count=SAMPLES)
    thread.join()
    return result["rate"].split()[-1], times


def row(name: str, times: list[float], extra: str = "") -> str:
    """Return one table row."""
    return f"| {name} | {median(times):.1f} | {max(times):.1f} | {extra} |"


def main() -> None:
    """Measure /healthz with idle, half-open and busy connections."""
    print(f"{machine()}; gunicorn.conf.py, {WORKERS} workers, the shipped data")
    print("| while | /healthz median ms | max ms | load |\n|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = Path(tmp) / "data"
        shutil.copytree(SHIPPED, data_dir)
        with gunicorn(data_dir, workers=WORKERS) as (base, _):
            print(row("nothing else", healthz_times(base)))
            for count, partial in ((40, True), (40, False), (200, False), (200, True)):
                with ExitStack() as stack:
                    hold(base, count, partial, stack)
                    time.sleep(0.5)
                    kind = "half-open (headers unfinished)" if partial else "idle (nothing sent)"
                    print(row(f"{count} {kind} connections", healthz_times(base)))
            if shutil.which("wrk"):
                for name, q in (("32-word 4 KB", LONG_Q), ("2,000-word (400)", REFUSED_Q)):
                    rate, times = under_load(base, f"/api/reports?q={q}")
                    print(row(f"wrk -c64: {name} q", times, f"{rate} requests/s"))


if __name__ == "__main__":
    main()
