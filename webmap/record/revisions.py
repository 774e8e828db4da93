"""The record's history: an append-only log of every add, update and removal of a report."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from webmap.record.geojson_io import atomic_write_bytes
from webmap.record.languages import N_
from webmap.record.model import Problem, ReportError
from webmap.record.reports_file import read_text

REVISIONS_FILE = "revisions.jsonl"
ACTIONS = ("add", "update", "remove")
FIELDS = ("time", "action", "id", "before", "after", "note")


@dataclass(frozen=True)
class Revision:
    """One change to one report: when, what, the Feature before and after, and why."""

    time: str
    action: str
    id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    note: str = ""

    @property
    def day(self) -> str:
        """Return the ISO day of the change."""
        return self.time[:10]

    def to_line(self) -> str:
        """Return the revision as one line of JSON."""
        return json.dumps(asdict(self), ensure_ascii=False, separators=(",", ":")) + "\n"


def now() -> str:
    """Return the current time in UTC, to the second, as ISO 8601."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _revision(line: str, number: int, path: str) -> Revision:
    """Parse one line of the log; raise ReportError naming the line if it is not a revision."""

    def bad(message: str) -> ReportError:
        return ReportError([Problem(path, "-", f"line {number}", message)])

    try:
        data = json.loads(line)
    except json.JSONDecodeError as exc:
        raise bad(N_("is not valid JSON (%(reason)s)", reason=exc.msg)) from None
    if not isinstance(data, dict) or set(data) != set(FIELDS):
        raise bad(N_("must have exactly the fields %(fields)s", fields=", ".join(FIELDS)))
    if data["action"] not in ACTIONS:
        raise bad(
            N_(
                "action %(value)s is not one of: %(allowed)s",
                value=repr(data["action"]),
                allowed=", ".join(ACTIONS),
            )
        )
    if not isinstance(data["time"], str) or not data["time"][:10].count("-") == 2:
        raise bad(N_("time %(value)s is not an ISO date and time", value=repr(data["time"])))
    for side in ("before", "after"):
        if data[side] is not None and not isinstance(data[side], dict):
            raise bad(N_("%(side)s must be a report Feature or null", side=side))
    return Revision(**data)


def read_revisions(path: Path) -> list[Revision]:
    """Read a revisions log in file order (oldest first); an absent log is empty."""
    if not Path(path).exists():
        return []
    text = read_text(path, hint="save it as UTF-8")
    return [
        _revision(line, number, str(path))
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def changed_fields(revision: Revision) -> list[tuple[str, Any, Any]]:
    """Return (field, before, after) for every property and the place that a revision changed."""
    before = (revision.before or {}).get("properties") or {}
    after = (revision.after or {}).get("properties") or {}
    changes = [
        (name, before.get(name), after.get(name))
        for name in dict.fromkeys([*before, *after])
        if before.get(name) != after.get(name)
    ]
    points = [((r or {}).get("geometry") or {}).get("coordinates") for r in (revision.before,
              revision.after)]  # fmt: skip
    if points[0] != points[1]:
        changes.append(("coordinates", points[0], points[1]))
    return changes


def import_revisions(
    current: dict[str, dict[str, Any]],
    merged: dict[str, dict[str, Any]],
    note: str,
    time: str | None = None,
) -> list[Revision]:
    """Return the revisions that turn the current Features (by id) into the merged ones."""
    time = time or now()
    revisions = []
    for rid in sorted(set(current) | set(merged)):
        before, after = current.get(rid), merged.get(rid)
        if before == after:
            continue
        action = "add" if before is None else "remove" if after is None else "update"
        revisions.append(Revision(time, action, rid, before, after, note))
    return revisions


def features_by_id(path: Path) -> dict[str, dict[str, Any]]:
    """Return the Features of a reports file by id ({} if there is no file)."""
    if not path.exists():
        return {}
    return {f["id"]: f for f in json.loads(read_text(path)).get("features", [])}


def save_with_revisions(
    target: Path, merged: Iterable[dict[str, Any]], save: Callable[[], None], note: str
) -> list[Revision]:
    """Save the reports with save() and append what changed to the log beside them.

    Both files are written atomically; if the log cannot be written, the reports file is put
    back as it was, so the log never misses a change. Call it under the import's lock.
    """
    target = Path(target)
    log = target.parent / REVISIONS_FILE
    revisions = import_revisions(features_by_id(target), {f["id"]: f for f in merged}, note)
    old_reports = target.read_bytes() if target.exists() else None
    old_log = log.read_bytes() if log.exists() else b""
    if old_log and not old_log.endswith(b"\n"):
        old_log += b"\n"
    save()
    try:
        atomic_write_bytes(log, old_log + "".join(r.to_line() for r in revisions).encode())
    except BaseException:
        if old_reports is None:
            target.unlink(missing_ok=True)
        else:
            atomic_write_bytes(target, old_reports)
        raise
    return revisions
