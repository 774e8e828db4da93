"""Seed revisions.jsonl from git: one add per report, dated the day its id entered the data.

A maintainer's tool: `python -m webmap.revisions_seed` in a git checkout. Edits made before the
log began are not itemised; each seeded entry says so in its note.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from webmap.record.geojson_io import atomic_write_text
from webmap.record.reports_file import REPORTS_FILE
from webmap.record.revisions import REVISIONS_FILE, Revision

NOTE = (
    "Seeded from git history: the day this report's id first entered geodata/reports.geojson "
    "(commit {commit}); edits before the log began are not itemised."
)


def _git(repo: Path, *args: str) -> str:
    """Run git in repo and return its output."""
    return subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, check=True
    ).stdout


def first_seen(repo: Path, relpath: str) -> dict[str, tuple[str, str]]:
    """Return id -> (UTC time, short commit) of the first commit whose file held that id."""
    seen: dict[str, tuple[str, str]] = {}
    for line in _git(repo, "log", "--reverse", "--format=%H %aI", "--", relpath).splitlines():
        commit, when = line.split()
        try:
            features = json.loads(_git(repo, "show", f"{commit}:{relpath}"))["features"]
        except (subprocess.CalledProcessError, json.JSONDecodeError, KeyError, TypeError):
            continue  # the file was absent or broken in that commit
        stamp = datetime.fromisoformat(when).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        for feature in features:
            rid = (feature.get("properties") or {}).get("id") or feature.get("id")
            if isinstance(rid, str):
                seen.setdefault(rid, (stamp, commit[:10]))
    return seen


def seed(repo: Path, data_dir: Path) -> list[Revision]:
    """Return one add revision per current report, oldest first."""
    relpath = str((data_dir / REPORTS_FILE).resolve().relative_to(repo.resolve()))
    seen = first_seen(repo, relpath)
    current = json.loads((data_dir / REPORTS_FILE).read_text("utf-8"))["features"]
    revisions = []
    for feature in current:
        rid = feature["properties"]["id"]
        stamp, commit = seen[rid]
        revisions.append(Revision(stamp, "add", rid, None, feature, NOTE.format(commit=commit)))
    return sorted(revisions, key=lambda r: (r.time, r.id))


def main() -> None:
    """Write geodata/revisions.jsonl from the git history of the checkout."""
    repo = Path(_git(Path.cwd(), "rev-parse", "--show-toplevel").strip())
    data_dir = repo / "geodata"
    target = data_dir / REVISIONS_FILE
    if target.exists() and target.stat().st_size:
        sys.exit(f"{target} exists already; the log is append-only, so it is not seeded again")
    revisions = seed(repo, data_dir)
    atomic_write_text(target, "".join(r.to_line() for r in revisions))
    print(f"Wrote {len(revisions)} add revisions to {target}.")


if __name__ == "__main__":
    main()
