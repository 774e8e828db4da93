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
from webmap import create_app
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


def cold_start(data_dir: Path) -> float:
    """Return the median time to import webmap and create the app (data loaded, map built)."""
    code = "from webmap import create_app; create_app()"
    env = {"WEBMAP_DATA_DIR": str(data_dir)}
    return median([timed([sys.executable, "-c", code], env) for _ in range(RUNS)])


def peak_rss_mb(data_dir: Path) -> float:
    """Return the peak resident memory of a server process that loaded data_dir and served."""
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE],
        env={**os.environ, "WEBMAP_DATA_DIR": str(data_dir)},
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
            rows.append(
                (
                    f"cold start (import, load, build the map), {label}",
                    f"{cold_start(data):.2f} s",
                    "< 1.5 s",
                )
            )
        for n in (1_000, 100_000):
            rows.append(
                (
                    f"peak server memory (RSS), {n:,} reports",
                    f"{peak_rss_mb(data_dir_with(n, tmp)):,.0f} MB",
                    "< 400 MB",
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
