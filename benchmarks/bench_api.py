"""/api/reports latency on the production server at 1k, 10k and 100k reports (median, p95)."""

from __future__ import annotations

import http.client
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from common import data_dir_with, gunicorn, median, p95

REQUESTS = 200
QUERIES = {
    "time and kind (≤ 1,000 features)": "/api/reports?from=2024-01&to=2024-12&kind=strike",
    "bbox (Baltic states)": "/api/reports?bbox=21,57,23,58",
}


def latencies(base: str, path: str) -> tuple[list[float], int]:
    """Return per-request latencies in ms over one keep-alive connection, and the feature count."""
    host = urlsplit(base)
    conn = http.client.HTTPConnection(host.hostname, host.port, timeout=30)
    times, size = [], 0
    for _ in range(REQUESTS):
        start = time.perf_counter()
        conn.request("GET", path, headers={"Accept-Encoding": "gzip"})
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status == 200, response.status
        size = len(body)
    conn.close()
    return times, size


def count(base: str, path: str) -> int:
    """Return how many features a query returns."""
    import json
    from urllib.request import urlopen

    with urlopen(base + path) as response:
        return len(json.load(response)["features"])


def main() -> None:
    print("| reports | query | features returned | median | p95 | target |")
    print("|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for n in (1_000, 10_000, 100_000):
            with gunicorn(data_dir_with(n, Path(tmp)), workers=1) as (base, _):
                for label, path in QUERIES.items():
                    times, _ = latencies(base, path)
                    print(
                        f"| {n:,} | {label} | {count(base, path):,} | {median(times):.1f} ms | "
                        f"{p95(times):.1f} ms | median < 20 ms, p95 < 50 ms |"
                    )


if __name__ == "__main__":
    main()
