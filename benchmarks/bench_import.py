"""Benchmark: import a generated 1,000-row CSV (500 reports, 2 sources each) into the data.

Run with `make bench` or `.venv/bin/python benchmarks/import_csv.py`. Prints medians over
repeated runs: the import itself (read, validate, merge, atomic write) and the whole
`webmap import` command including Python start-up. Target (issue #3): under 2 seconds.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webmap.record.importer import apply_import, plan_import  # noqa: E402
from webmap.record.model import Source  # noqa: E402
from webmap.record.reports_file import load_reports  # noqa: E402
from webmap.record.tabular import reports_to_csv  # noqa: E402

ROWS = 1000
RUNS = 7


def generated_csv(path: Path) -> int:
    """Write ROWS rows: copies of a shipped report, moved a little, each with two sources."""
    template = load_reports(ROOT / "geodata" / "reports.geojson")[0]
    reports = [
        replace(
            template,
            id=f"generated-report-{i:05d}",
            title=f"Generated report {i}",
            lon=20 + (i % 100) * 0.2,
            lat=50 + (i // 100) * 0.3,
            related=(),
            sources=(
                Source(url=f"https://example.org/a/{i}", publisher="Example A", affiliation="wire"),
                Source(url=f"https://example.org/b/{i}", publisher="Example B"),
            ),
        )
        for i in range(ROWS // 2)
    ]
    path.write_text(reports_to_csv(reports), "utf-8")
    return sum(len(r.sources) for r in reports)


def median_seconds(action) -> float:
    """Return the median wall time of action over RUNS runs."""
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        rows = generated_csv(tmp / "generated.csv")
        data = tmp / "data"

        def fresh_data() -> None:
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(ROOT / "geodata", data)

        def in_process() -> None:
            fresh_data()
            plan = plan_import(tmp / "generated.csv", data / "reports.geojson")
            assert not plan.errors and len(plan.added) == rows // 2
            apply_import(plan)

        def command() -> None:
            fresh_data()
            env = {**os.environ, "WEBMAP_DATA_DIR": str(data)}
            webmap = Path(sys.executable).parent / "webmap"
            subprocess.run(
                [webmap, "import", tmp / "generated.csv"], env=env, check=True, capture_output=True
            )

        copy_only = median_seconds(fresh_data)
        inside = median_seconds(in_process) - copy_only
        whole = median_seconds(command) - copy_only
    print("| measure | median | target |")
    print("|---|---|---|")
    print(
        f"| import of a {rows}-row CSV in process (read, validate, merge, write) | "
        f"{inside:.3f} s | — |"
    )
    print(f"| the whole `webmap import` command, start-up included | {whole:.2f} s | < 2 s |")


if __name__ == "__main__":
    main()
