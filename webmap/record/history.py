"""The record as it stood on a day, rebuilt from the revisions log, and the log's consistency."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from webmap.record.dates import parse_partial_date
from webmap.record.languages import N_
from webmap.record.model import Problem, Report, ReportError, report_from_feature, report_label
from webmap.record.reports_file import REPORTS_FILE
from webmap.record.revisions import REVISIONS_FILE, Revision, features_by_id, read_revisions
from webmap.record.validation import validate_feature


@lru_cache(maxsize=8)
def _cached(path: str, mtime_ns: int, size: int) -> tuple[Revision, ...]:
    """Return the revisions of a log file as it was at mtime_ns and size."""
    return tuple(read_revisions(Path(path)))


def cached_revisions(path: Path) -> tuple[Revision, ...]:
    """Return a log's revisions, read again only when the file has changed."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return ()
    return _cached(str(path), stat.st_mtime_ns, stat.st_size)


def record_as_of(revisions: Iterable[Revision], day: str) -> dict[str, dict[str, Any]]:
    """Return every report Feature by id as the record stood at the end of an ISO day."""
    record: dict[str, dict[str, Any]] = {}
    for revision in sorted(revisions, key=lambda r: r.time):  # stable: file order within a time
        if revision.day > day:
            break
        if revision.after is None:
            record.pop(revision.id, None)
        else:
            record[revision.id] = revision.after
    return record


_ISO_DAY = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def parse_as_of(text: str) -> str:
    """Return an as_of day (YYYY-MM-DD); raise ValueError saying how to write it."""
    if not _ISO_DAY.fullmatch(text) or parse_partial_date(text) is None:
        raise ValueError(f"as_of: {text!r} is not a day written YYYY-MM-DD")
    return text


def reports_as_of(revisions: Iterable[Revision], day: str) -> list[Report]:
    """Return the reports as they stood at the end of day, rebuilt from the log, by id."""
    return reports_as_of_record(record_as_of(revisions, day))


def reports_as_of_record(record: dict[str, dict[str, Any]]) -> list[Report]:
    """Return the valid reports of a day's record (Features by id), by id."""
    return [
        report_from_feature(feature)
        for _, feature in sorted(record.items())
        if not [p for p in validate_feature(feature) if p.severity == "error"]
    ]


def log_problems(data_dir: Path) -> list[Problem]:
    """Return the log's problems: unreadable lines (errors), reports it has not seen (warnings)."""
    log, reports = Path(data_dir) / REVISIONS_FILE, Path(data_dir) / REPORTS_FILE
    if not log.exists() or not reports.exists():
        return []
    try:
        record = record_as_of(read_revisions(log), "9999-12-31")
        current = features_by_id(reports)
    except ReportError as exc:
        return exc.problems
    except (ValueError, AttributeError):
        return []  # the reports file's own problems are reported already
    problems = []
    for rid in sorted(set(record) | set(current)):
        if record.get(rid) != current.get(rid):
            if rid not in record:
                state = N_("has no entry in %(file)s", file=REVISIONS_FILE)
            elif rid in current:
                state = N_("is not what %(file)s last recorded", file=REVISIONS_FILE)
            else:
                state = N_("was removed without an entry in %(file)s", file=REVISIONS_FILE)
            message = N_(
                "the stored report %(state)s: it was changed outside `webmap import`, so its "
                'history misses a change; record it with `webmap import --update --note "why"`',
                state=state,
            )
            problems.append(Problem(str(reports), report_label(rid), "history", message, "warning"))
    return problems


@lru_cache(maxsize=32)
def _reports_as_of(path: str, mtime_ns: int, size: int, day: str) -> tuple[Report, ...]:
    """Return the reports as of day from a log file as it was at mtime_ns and size."""
    return tuple(reports_as_of(_cached(path, mtime_ns, size), day))


def cached_reports_as_of(path: Path, day: str) -> list[Report]:
    """Return the reports as they stood at the end of day, rebuilt once per log version."""
    try:
        stat = Path(path).stat()
    except FileNotFoundError:
        return []
    return list(_reports_as_of(str(path), stat.st_mtime_ns, stat.st_size, day))
