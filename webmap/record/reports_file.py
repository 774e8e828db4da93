"""The reports file (reports.geojson): read, stream, check and write it."""

from __future__ import annotations

import codecs
import json
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from webmap.catalog.datafiles import NotARegularFile, read_regular
from webmap.record.geojson_io import write_feature_collection
from webmap.record.languages import N_, Message
from webmap.record.model import AffiliationOf, Problem, Report, ReportError
from webmap.record.publishers import load_publishers
from webmap.record.stream_json import iter_collection
from webmap.record.validation import NOT_A_COLLECTION, check_features

REPORTS_FILE = "reports.geojson"

GEOJSON_HINT = N_("save it as UTF-8 (in most editors: Save As, then Encoding)")


def _file_error(path: Path, message: str) -> ReportError:
    """Return a ReportError about a whole file."""
    return ReportError([Problem(str(path), "-", "file", message)])


def read_text(path: Path, hint: str = GEOJSON_HINT) -> str:
    """Read a UTF-8 file (a BOM is fine); raise a ReportError naming it if it cannot be read."""
    try:
        data = read_regular(Path(path))
    except FileNotFoundError:
        raise _file_error(path, N_("does not exist")) from None
    except IsADirectoryError:
        raise _file_error(path, N_("is a folder, not a file")) from None
    except NotARegularFile:
        raise _file_error(path, N_("is not a regular file (a FIFO or a device?)")) from None
    except OSError as exc:
        reason = str(exc.strerror or exc)
        raise _file_error(path, N_("cannot be read (%(reason)s)", reason=reason)) from None
    hint = Message(hint, {})  # a marked hint, translated with the message
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_error(
            path, N_("is not UTF-8 text; %(hint)s (it is saved as UTF-16)", hint=hint)
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        where = N_(
            "line %(line)s has a character in another encoding, such as Latin-1 or Windows-1252",
            line=line,
        )
        message = N_("is not UTF-8 text; %(hint)s (%(where)s)", hint=hint, where=where)
        raise _file_error(path, message) from None


_JSON_REASONS = {
    "Expecting value": N_("expected a value here"),
    "Expecting property name enclosed in double quotes": N_(
        "expected a name in double quotes (is there a comma too many, or single quotes?)"
    ),
    "Expecting ',' delimiter": N_("expected a comma between two items"),
    "Expecting ':' delimiter": N_("expected a colon after a name"),
    "Unterminated string starting at": N_("text in quotes starts here but never ends"),
    "Invalid control character at": N_(
        "a line break or tab inside quotes must be written \\n or \\t"
    ),
    "Extra data": N_("there is more after the end of the data"),
}


def _json_problem(path: Path, exc: json.JSONDecodeError) -> ReportError:
    """Return a ReportError saying, in plain words, where a file stops being valid JSON."""
    if not exc.doc.strip():
        return _file_error(path, N_("is empty; a reports file is a GeoJSON FeatureCollection"))
    known = _JSON_REASONS.get(exc.msg)
    reason = Message(known, {}) if known else exc.msg.removesuffix(" at")
    if exc.msg.startswith("Unterminated") or exc.pos >= len(exc.doc.rstrip()):
        reason = N_("%(reason)s; the file ends too early: was it cut short?", reason=reason)
    message = N_(
        "is not valid JSON: %(reason)s (line %(line)s, column %(column)s)",
        reason=reason,
        line=exc.lineno,
        column=exc.colno,
    )
    return _file_error(path, message)


def _unparsable(path: Path, exc: Exception) -> ReportError:
    """Return a ReportError for JSON that Python cannot turn into values."""
    if isinstance(exc, RecursionError):
        return _file_error(path, N_("is nested too deeply to be a reports file"))
    if "digits" in str(exc):
        limit = f"{sys.get_int_max_str_digits():,}"
        message = N_("has a number too long to be read (more than %(limit)s digits)", limit=limit)
        return _file_error(path, message)
    return _file_error(path, N_("is not usable JSON (%(reason)s)", reason=str(exc)))


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning decoding errors into a ReportError that names the file."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _json_problem(path, exc) from None
    except (RecursionError, ValueError) as exc:  # ValueError: an integer of > 4300 digits
        raise _unparsable(path, exc) from None


def load_reports(path: Path) -> list[Report]:
    """Load and validate a reports file; raise ReportError on errors."""
    reports: list[Report] = []
    read_reports_into(path, reports)
    return sorted(reports, key=lambda r: r.id)


def read_reports_into(path: Path, sink: Any) -> None:
    """Validate a reports file one feature at a time, appending each Report to sink.

    Raise ReportError listing every error; the sink may then hold part of the reports.
    """
    text = read_text(path)
    if text.strip() and not text.lstrip().startswith("{"):
        raise ReportError([Problem(str(path), "-", "type", NOT_A_COLLECTION)])
    members: dict[str, Any] = {}

    def features() -> Iterator[Any]:
        try:
            for key, value in iter_collection(text):
                if key == "features":
                    yield value
                else:
                    members[key] = value
        except json.JSONDecodeError as exc:
            raise _json_problem(path, exc) from None
        except (RecursionError, ValueError) as exc:  # ValueError: an integer of > 4300 digits
            raise _unparsable(path, exc) from None

    problems = check_features(features(), str(path), sink, publisher_affiliations(path))
    if members.get("type") != "FeatureCollection":
        problems.insert(0, Problem(str(path), "-", "type", NOT_A_COLLECTION))
    elif "features:start" not in members:
        problems.insert(0, Problem(str(path), "-", "features", N_("is not a list")))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ReportError(errors)


def publisher_affiliations(path: Path) -> AffiliationOf | None:
    """Return the affiliation lookup of the publishers table beside a reports file, if any."""
    table = load_publishers(Path(path).parent)
    if table is None:
        return None
    return lambda url: row.affiliation if (row := table.lookup(url)) else None


def save_reports(path: Path, reports: Iterable[Report]) -> None:
    """Write reports atomically as a FeatureCollection sorted by id, 2-space indented."""
    features = [r.to_feature() for r in sorted(reports, key=lambda r: r.id)]
    write_feature_collection(path, features, indent=2)
