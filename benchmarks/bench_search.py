"""Search cost at 100,000 reports: what a 4 KB `q` costs the server (parse + query), in ms.

Run: .venv/bin/python benchmarks/bench_search.py [COUNT]
"""

from __future__ import annotations

import sys
import time

from common import generated_reports, machine, median

from webmap.catalog.filters import FilterError, parse_criteria
from webmap.catalog.report_index import ReportIndex
from webmap.record.model import report_from_feature

RUNS = 15
# Each query is about 4 KB, the longest query string the app accepts (security.MAX_QUERY_BYTES).
QUERIES = {
    "2,000 different words (refused: over 32, answered 400)": " ".join(
        f"w{n}" for n in range(2000)
    )[:4000],
    "32 long words no report holds": " ".join(f"{n:02d}" + "x" * 120 for n in range(32)),
    "one word 400 times (every report holds it)": " ".join(["generated"] * 400),
    "32 different words, every report holds each (worst case)": " ".join(
        [
            "generated",
            "report",
            "about",
            "official",
            "said",
            "that",
            "units",
            "would",
            "move",
            "another",
            "side",
            "they",
            "not.",
            "number",
            "set",
            "for",
            "benchmarks.",
            "spokesperson",
            "place",
            "publisher",
            "gene",
            "rated",
            "repo",
            "offi",
            "cial",
            "uni",
            "wou",
            "mov",
            "anot",
            "sid",
            "numb",
            "bench",
        ]
        * 12
    )[:4000],
    "a realistic search: 'oreshnik belarus'": "oreshnik belarus",
    "a realistic search that matches: 'official units 4711'": "official units 4711",
}


def measure(index: ReportIndex, q: str, cold: bool) -> tuple[list[float], int | str]:
    """Return the times (ms) of parsing and running q, and how many reports it matched.

    cold: forget the common words' masks first, as if the words had never been searched.
    """
    times, found = [], 0
    for _ in range(RUNS):
        if cold:
            index._masks.clear()
        start = time.perf_counter()
        try:
            found = len(index.query(parse_criteria({"q": [q]})))
        except FilterError:
            found = "400"
        times.append((time.perf_counter() - start) * 1000)
    return times, found


def main() -> None:
    """Build an index of generated reports and time each query."""
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    start = time.perf_counter()
    index = ReportIndex.of(report_from_feature(f) for f in generated_reports(count))
    print(f"{machine()}; {count:,} reports indexed in {time.perf_counter() - start:.1f} s")
    print("| query (about 4 KB unless named) | matched | first time, median ms (max) | again, ms |")
    print("|---|---|---|---|")
    for name, q in QUERIES.items():
        cold, found = measure(index, q, cold=True)
        warm, _ = measure(index, q, cold=False)
        print(
            f"| {name} ({len(q):,} chars) | {found} | {median(cold):.1f} ({max(cold):.1f}) "
            f"| {median(warm):.1f} |"
        )


if __name__ == "__main__":
    main()
