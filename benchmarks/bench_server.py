"""Cold start, peak memory, `webmap check` and `webmap import` on generated data."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import BIN, ROOT, SHIPPED, data_dir_with, generated_reports, median

RUNS = 5
# VmHWM, the peak resident set of this process image (ru_maxrss would include the parent's,
# which Linux carries across fork and exec).
RSS_PROBE = """
from webmap.web.app import create_app
app = create_app()
client = app.test_client()
for path in ["/", "/map.js", "/api/reports", "/api/reports?kind=strike&from=2024", "/reports"]:
    client.get(path, headers={"Accept-Encoding": "gzip"})
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print(line.split()[1])
"""


def timed(command: list, env: dict | None = None) -> float:
    """Return the wall time of a command in seconds (it must succeed)."""
    start = time.perf_counter()
    subprocess.run(
        command, env={**os.environ, **(env or {})}, cwd=ROOT, check=True, capture_output=True
    )
    return time.perf_counter() - start


def cold_start(data_dir: Path, cache: Path) -> tuple[float, float]:
    """Return the first start's time (it writes the index cache) and the median of later ones."""
    code = "from webmap import create_app; create_app()"
    env = {"WEBMAP_DATA_DIR": str(data_dir), "WEBMAP_CACHE_DIR": str(cache)}
    first = timed([sys.executable, "-c", code], env)
    return first, median([timed([sys.executable, "-c", code], env) for _ in range(RUNS)])


def peak_rss_mb(data_dir: Path, cache: Path) -> float:
    """Return the peak resident memory of a server process that loaded data_dir and served."""
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE],
        env={**os.environ, "WEBMAP_DATA_DIR": str(data_dir), "WEBMAP_CACHE_DIR": str(cache)},
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return int(out.strip().splitlines()[-1]) / 1024


def main() -> None:
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for label, data in [
            ("shipped data (50 reports)", SHIPPED),
            ("1,000 reports", data_dir_with(1_000, tmp)),
            ("100,000 reports", data_dir_with(100_000, tmp)),
        ]:
            first, later = cold_start(data, tmp / f"cache-{data.name}")
            rows.append((f"cold start, {label}", f"{later:.2f} s", "< 1.5 s"))
            what = f"first start after a data change (writes the cache), {label}"
            rows.append((what, f"{first:.2f} s", "—"))
        for n in (1_000, 100_000):
            data = data_dir_with(n, tmp)
            empty = tmp / f"empty-cache-{n}"
            first = peak_rss_mb(data, empty)  # reads every report and writes the cache
            peak = peak_rss_mb(data, empty)
            rows.append((f"peak server memory (RSS), {n:,} reports", f"{peak:,.0f} MB", "< 400 MB"))
            rows.append(
                (
                    f"peak server memory, first start after a data change, {n:,} reports",
                    f"{first:,.0f} MB",
                    "—",
                )
            )
        ten_k = data_dir_with(10_000, tmp)
        env = {"WEBMAP_DATA_DIR": str(ten_k)}
        check = [timed([BIN / "webmap", "check", ten_k / "reports.geojson"], env) for _ in range(3)]
        rows.append(("`webmap check` on 10,000 reports", f"{median(check):.2f} s", "—"))
        incoming = tmp / "incoming.geojson"
        incoming.write_text(
            json.dumps(
                {"type": "FeatureCollection", "features": generated_reports(10_000, seed=11)}
            )
        )
        # The import adds 10,000 reports with new ids into a copy of the shipped data.
        data = json.loads(incoming.read_text())
        for f in data["features"]:
            f["id"] = f["properties"]["id"] = "import-" + f["id"]
        incoming.write_text(json.dumps(data))

        def one_import() -> float:
            target = tmp / "import-target"
            subprocess.run(["rm", "-rf", str(target)], check=True)
            subprocess.run(["cp", "-r", str(SHIPPED), str(target)], check=True)
            return timed([BIN / "webmap", "import", incoming], {"WEBMAP_DATA_DIR": str(target)})

        rows.append(
            (
                "`webmap import` of 10,000 reports (GeoJSON)",
                f"{median([one_import() for _ in range(3)]):.2f} s",
                "—",
            )
        )
    print("| measure | result | target |")
    print("|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
