"""Load on the production server (gunicorn) with wrk: requests per second, p99, errors."""

from __future__ import annotations

import re
import shutil
import subprocess

from common import SHIPPED, gunicorn

DURATION = "20s"
CONNECTIONS = 32
PATHS = ["/", "/api/reports", "/api/reports?kind=deployment&from=2022"]


def wrk(url: str) -> dict:
    """Run wrk against url; return requests/s, p99 and the error counts it printed."""
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{CONNECTIONS}",
            f"-d{DURATION}",
            "--latency",
            "-H",
            "Accept-Encoding: gzip",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    socket = re.search(r"Socket errors: (.*)", out)
    return {
        "rps": rps,
        "p99": p99,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket": socket.group(1) if socket else "none",
    }


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    print("| path | requests/s | p99 latency | non-2xx | socket errors |")
    print("|---|---|---|---|---|")
    with gunicorn(SHIPPED, workers=2) as (base, _):
        for path in PATHS:
            result = wrk(base + path)
            print(
                f"| `{path}` | {result['rps']:,.0f} | {result['p99']} | {result['non2xx']} | "
                f"{result['socket']} |"
            )


if __name__ == "__main__":
    main()
