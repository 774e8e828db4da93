"""Merge a CSV or GeoJSON file of reports into reports.geojson: all or nothing, atomically."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from webmap.record.languages import N_
from webmap.record.model import Problem, Report, ReportError, report_from_feature
from webmap.record.publishers import load_publishers
from webmap.record.record_rules import record_problems
from webmap.record.reports_file import (
    REPORTS_FILE,
    load_reports,
    publisher_affiliations,
    read_json,
    read_text,
    save_reports,
)
from webmap.record.revisions import save_with_revisions
from webmap.record.tabular import CSV_HINT, features_from_csv
from webmap.record.validation import check_collection, no_report

SUFFIXES = {".csv": "csv", ".geojson": "geojson", ".json": "geojson"}
LOCK_FILE = ".webmap-import.lock"  # in the data folder: one import at a time
log = logging.getLogger(__name__)


class ImportLockError(Exception):
    """Raised when the data folder's import lock cannot be taken: busy, or not writable."""


@contextmanager
def import_lock(data_dir: Path, wait: float = 60.0) -> Iterator[None]:
    """Hold the data folder's import lock (waiting up to `wait` seconds), then tidy up.

    The lock is an flock, so a killed import releases it. Whoever holds it is the only
    import running, so any temporary file of a reports write left behind is stale: removed.
    """
    lock = FileLock(data_dir / LOCK_FILE, timeout=wait)
    try:
        lock.acquire()
    except Timeout:
        message = N_(
            "another import is running in this data folder; waited %(seconds)s s for it to "
            "finish. Try again when it has finished.",
            seconds=f"{wait:g}",
        )
        raise ImportLockError(message) from None
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ImportLockError(
            N_("the data folder cannot be locked (%(reason)s)", reason=reason)
        ) from None
    try:
        for stale in remove_stale_temp_files(data_dir):
            log.warning("Removed %s, left behind by an import that did not finish", stale.name)
        yield
    finally:
        lock.release()


def remove_stale_temp_files(data_dir: Path) -> list[Path]:
    """Delete the temporary files an interrupted write of the reports file left; return them."""
    stale = sorted(data_dir.glob(f".{REPORTS_FILE}.*.tmp"))
    for path in stale:
        path.unlink(missing_ok=True)
    return stale


@dataclass
class ImportPlan:
    """What an import would do; nothing is written while `errors` is not empty."""

    target: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    merged: list[Report] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        """Return the problems that stop the import."""
        return [p for p in self.problems if p.severity == "error"]


def read_incoming(path: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Read and validate the reports in a CSV or GeoJSON file."""
    kind = SUFFIXES.get(path.suffix.lower())
    if kind is None:
        message = N_("import reads .csv, .geojson or .json files")
        return [], [Problem(str(path), "-", "file", message)]
    if kind == "csv":
        try:
            text = read_text(path, hint=CSV_HINT)
        except ReportError as exc:
            return [], exc.problems
        return features_from_csv(text, str(path))
    try:
        data = read_json(path)
    except ReportError as exc:
        return [], exc.problems
    problems = check_collection(data, str(path))
    related = [p for p in problems if p.field == "related"]  # may name reports already stored
    problems = [p for p in problems if p not in related]
    features = data.get("features", []) if isinstance(data, dict) else []
    return (features if isinstance(features, list) else []), problems


def plan_import(source: Path, target: Path, update: bool = False) -> ImportPlan:
    """Work out what importing source into target would add and update, and every problem."""
    plan = ImportPlan(target=target)
    features, plan.problems = read_incoming(source)
    try:
        existing = load_reports(target) if target.exists() else []
    except ReportError as exc:
        plan.problems += exc.problems
        plan.problems.append(
            Problem(str(target), "-", "file", N_("has problems of its own; fix them first"))
        )
        return plan
    if plan.errors:
        return plan
    # Files written before stances still import: the record's rules (which `webmap check`
    # enforces) are said here as warnings; the publisher table's warnings are check's to give.
    found = record_problems(features, str(source), load_publishers(target.parent))
    plan.problems += [replace(p, severity="warning") for p in found if p.severity == "error"]
    if plan.errors:
        return plan
    by_id = {r.id: r for r in existing}
    affiliation_of = publisher_affiliations(target)
    for feature in features:
        report = report_from_feature(feature, affiliation_of)
        if report.id not in by_id:
            plan.added.append(report.id)
        elif by_id[report.id] == report:
            plan.unchanged.append(report.id)
        elif update:
            plan.updated.append(report.id)
        else:
            message = N_("already exists with different content; use --update to replace it")
            plan.problems.append(Problem(str(source), report.id, "id", message))
        by_id.setdefault(report.id, report)
        if report.id in plan.updated:
            by_id[report.id] = report
    for report in by_id.values():
        for other in report.related:
            if other not in by_id:
                message = no_report(repr(other))
                plan.problems.append(Problem(str(source), report.id, "related", message))
    plan.merged = sorted(by_id.values(), key=lambda r: r.id)
    return plan


def apply_import(plan: ImportPlan, note: str = "") -> None:
    """Write the merged reports and log the changes (atomically); refuse if the plan has errors."""
    if plan.errors:
        raise ReportError(plan.errors)
    features = [r.to_feature() for r in plan.merged]
    save_with_revisions(plan.target, features, lambda: save_reports(plan.target, plan.merged), note)
