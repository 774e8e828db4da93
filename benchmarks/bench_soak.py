"""A soak under wrk: 64 connections for 60 seconds across three pages; errors and memory."""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.request import Request, urlopen

from common import SHIPPED, gunicorn

DURATION = "60s"
CONNECTIONS = 64
SAMPLE_EVERY = 15  # seconds between memory samples while wrk runs
PATHS = [
    "/",
    "/api/reports?kind=deployment,exercise&from=2022&status=confirmed,reported",
    "/reports/zapad-2021-exercise",
]
# wrk sends the paths in turn on every connection and counts the answers by status.
ROTATE = """
local paths = {%s}
local i = 0
local statuses = {}
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init() responses = {} end
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i], {["Accept-Encoding"] = "gzip"})
end
response = function(status) responses[status] = (responses[status] or 0) + 1 end
function done()
  for _, thread in ipairs(threads) do
    local counts = thread:get("responses")
    for status, n in pairs(counts) do statuses[status] = (statuses[status] or 0) + n end
  end
  for status, n in pairs(statuses) do io.write(string.format("status %%d %%d\\n", status, n)) end
end
"""


def rss_mb(pid: int) -> float:
    """Return a process's resident memory in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def workers(master: int) -> list[int]:
    """Return the pids of gunicorn's workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def memory(master: int) -> list[float]:
    """Return the resident memory of the master and each worker, in MB."""
    return [rss_mb(master)] + [rss_mb(pid) for pid in workers(master)]


def main() -> None:
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    script = ROTATE % ", ".join(f'"{p}"' for p in PATHS)
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua, gunicorn(SHIPPED) as (base, proc):
        lua.write(script)
        lua.flush()
        for path in PATHS:  # warm: every page served by both workers, so "before" is steady
            for _ in range(20):
                urlopen(Request(base + path, headers={"Accept-Encoding": "gzip"})).read()
        samples = [memory(proc.pid)]  # before, then every SAMPLE_EVERY seconds, then after
        load = subprocess.Popen(
            ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency", "-s", lua.name, base],
            stdout=subprocess.PIPE,
            text=True,
        )
        while True:
            try:
                out, _ = load.communicate(timeout=SAMPLE_EVERY)
                break
            except subprocess.TimeoutExpired:
                samples.append(memory(proc.pid))
        if load.returncode:
            raise SystemExit(f"wrk failed with exit code {load.returncode}")
        samples.append(memory(proc.pid))
    statuses = {int(s): int(n) for s, n in re.findall(r"status (\d+) (\d+)", out)}
    total = sum(statuses.values())
    not_ok = sum(n for s, n in statuses.items() if not 200 <= s < 300)
    socket = re.search(r"Socket errors: (.*)", out)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+\w+)", out).group(1)
    print("| measure | result |")
    print("|---|---|")
    print(f"| requests answered | {total:,} ({rps:,.0f}/s) |")
    print(
        f"| answers by status | {', '.join(f'{s}: {n:,}' for s, n in sorted(statuses.items()))} |"
    )
    print(f"| non-2xx answers | {not_ok} |")
    print(f"| socket errors | {socket.group(1) if socket else 'none'} |")
    print(f"| p99 latency | {p99} |")
    labels = ["master"] + [f"worker {i}" for i in range(1, len(samples[0]))]
    for n, label in enumerate(labels):
        series = [sample[n] for sample in samples if n < len(sample)]
        steps = " → ".join(f"{mb:.0f}" for mb in series)
        change = series[-1] - series[0]
        print(
            f"| RSS {label}: before → every {SAMPLE_EVERY} s → after | {steps} MB ({change:+.1f}) |"
        )


if __name__ == "__main__":
    main()
