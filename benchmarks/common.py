"""Shared pieces of the benchmarks: generated data, servers on loopback, Chromium, statistics."""

from __future__ import annotations

import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SHIPPED = ROOT / "geodata"


from webmap.record.vocabulary import AFFILIATIONS, KINDS, STATUSES  # noqa: E402

BIN = Path(sys.executable).parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ACTORS = [
    "RUS",
    "BLR",
    "UKR",
    "POL",
    "LTU",
    "LVA",
    "EST",
    "FIN",
    "SWE",
    "ROU",
    "BGR",
    "NATO",
    "CSTO",
]


def machine() -> str:
    """Describe this machine in one line."""
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def generated_reports(count: int, seed: int = 7) -> list[dict]:
    """Return count plausible report Features (fixed seed, so every run measures the same data)."""
    rng = random.Random(seed)
    features = []
    for i in range(count):
        year = rng.randint(2014, 2026)
        date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        lon, lat = round(rng.uniform(14.0, 40.0), 4), round(rng.uniform(45.0, 64.0), 4)
        rid = f"generated-{i:06d}"
        sources = [
            {
                "url": f"https://example.org/{i}/{n}",
                "publisher": f"Publisher {rng.randint(1, 60)}",
                "affiliation": rng.choice(AFFILIATIONS),
                "title": f"Generated headline {i}-{n}",
            }
            for n in range(rng.randint(1, 3))
        ]
        status = rng.choice(STATUSES)
        publishers = {s["publisher"] for s in sources}
        if status == "confirmed" and len(publishers) == 1:  # two publishers, one confirming
            sources.append({**sources[0], "url": f"{sources[0]['url']}b", "publisher": "Other"})
        first = {"confirmed": "confirms", "disputed": "disputes", "denied": "denies"}
        for n, source in enumerate(sources):
            source["stance"] = first.get(status, "claim") if n == 0 else "relays"
            source["says"] = f"Generated statement {i}-{n}."
        features.append(
            {
                "type": "Feature",
                "id": rid,
                "geometry": {"type": "Point", "coordinates": [lon, lat]},
                "properties": {
                    "id": rid,
                    "title": f"Generated report {i} about a {rng.choice(KINDS).replace('_', ' ')}",
                    "summary": "An official said that units would move; another side said "
                    f"they would not. Number {i} of a generated set for benchmarks.",
                    "kind": rng.choice(KINDS),
                    "status": status,
                    "claimed_by": f"Spokesperson {rng.randint(1, 40)}",
                    "date": date,
                    "expected": "",
                    "place": f"Place {rng.randint(1, 500)}",
                    "precision": "city",
                    "actors": rng.sample(ACTORS, rng.randint(1, 3)),
                    "systems": [],
                    "range_km": None,
                    "sources": sources,
                    "related": [],
                },
            }
        )
    return features


def data_dir_with(count: int, parent: Path) -> Path:
    """Return a data folder with the shipped geodata and count generated reports."""
    target = parent / f"data-{count}"
    if (target / "reports.geojson").exists():
        return target
    target.mkdir(parents=True, exist_ok=True)
    for path in SHIPPED.iterdir():
        if path.is_file() and path.name != "reports.geojson":
            shutil.copy(path, target / path.name)
    body = {"type": "FeatureCollection", "features": generated_reports(count)}
    (target / "reports.geojson").write_text(json.dumps(body), "utf-8")
    return target


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 120.0) -> None:
    """Wait until url answers."""
    from urllib.request import urlopen

    deadline = time.monotonic() + timeout
    while True:
        try:
            with urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@contextmanager
def gunicorn(data_dir: Path, workers: int = 2):
    """Run the production server as gunicorn.conf.py configures it, on a free loopback port.

    Yield (base URL, process).
    """
    port = free_port()
    env = {
        **os.environ,
        "WEBMAP_DATA_DIR": str(data_dir),
        "WEBMAP_TILES": "none",
        "WEBMAP_BIND": f"127.0.0.1:{port}",
        "WEBMAP_WORKERS": str(workers),
        "WEBMAP_ACCESS_LOG": "/dev/null",
        "WEBMAP_LOG_LEVEL": "warning",
    }
    process = subprocess.Popen(
        [BIN / "gunicorn", "-c", ROOT / "gunicorn.conf.py"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/healthz")
        yield base, process
    finally:
        process.terminate()
        process.wait(timeout=30)


def median(values: list[float]) -> float:
    return statistics.median(values)


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
