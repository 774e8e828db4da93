"""Reports as CSV for spreadsheets: one row per source; rows sharing an id are one report."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from typing import Any

from webmap.reports import Problem, Report, validate_feature

CSV_COLUMNS = [
    "id",
    "title",
    "summary",
    "kind",
    "status",
    "claimed_by",
    "date",
    "expected",
    "place",
    "precision",
    "lat",
    "lon",
    "actors",
    "systems",
    "range_km",
    "related",
    "source_url",
    "source_publisher",
    "source_title",
    "source_published",
    "source_language",
    "source_affiliation",
    "source_archive_url",
    "source_note",
]
OPTIONAL_COLUMNS = {"source_note"}
REPORT_COLUMNS = CSV_COLUMNS[1:16]
LIST_COLUMNS = ("actors", "systems", "related")
NUMBER_COLUMNS = ("lat", "lon", "range_km")
SOURCE_FIELDS = ("url", "publisher", "title", "published", "language", "affiliation")
SOURCE_FIELDS += ("archive_url", "note")
# A spreadsheet runs a cell that starts with one of these as a formula; we quote it with '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Quote text a spreadsheet would run as a formula."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _uncell(value: str) -> str:
    """Undo _cell's quoting."""
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_STARTS) else value


def _number(value: float | None) -> str:
    """Write a number without a needless .0."""
    if value is None:
        return ""
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def flat_fields(r: Report) -> dict[str, str]:
    """Return a report's text fields flat, lists joined by ';' (for tables and GIS layers)."""
    return {
        "title": r.title,
        "summary": r.summary,
        "kind": r.kind,
        "status": r.status,
        "claimed_by": r.claimed_by,
        "date": r.date,
        "expected": r.expected,
        "place": r.place,
        "precision": r.precision,
        "actors": ";".join(r.actors),
        "systems": ";".join(r.systems),
        "related": ";".join(r.related),
    }


def reports_to_csv(reports: Iterable[Report]) -> str:
    """Return reports as CSV text with the standard columns, one row per source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in reports:
        report_cells = flat_fields(r)
        numbers = {"lat": _number(r.lat), "lon": _number(r.lon), "range_km": _number(r.range_km)}
        for s in r.sources:
            row = {"id": r.id, **{k: _cell(v) for k, v in report_cells.items()}, **numbers}
            row.update({f"source_{f}": _cell(getattr(s, f)) for f in SOURCE_FIELDS})
            writer.writerow([row[c] for c in CSV_COLUMNS])
    return out.getvalue()


class _Rows:
    """The rows of one report, with their line numbers, for messages."""

    def __init__(self) -> None:
        self.lines: list[int] = []
        self.rows: list[dict[str, str]] = []


def _parse_number(
    text: str, column: str, where: str, problems: list[Problem], rid: str, line: int
) -> Any:
    """Return text as a float, None when empty, or record a problem."""
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if math.isnan(value) or math.isinf(value):
        problems.append(Problem(where, rid, column, f"{text!r} is not a number (line {line})"))
        return None
    return value


def features_from_csv(text: str, path: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Parse and validate CSV text as report Features; problems name the column and line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = reader.fieldnames or []
    missing = [c for c in CSV_COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    if missing:
        message = f"missing column(s): {', '.join(missing)}; the first row must name the columns"
        return [], [Problem(path, "-", "columns", message)]
    groups: dict[str, _Rows] = {}
    problems: list[Problem] = []
    for row in reader:
        line = reader.line_num
        if None in row:
            problems.append(Problem(path, "-", "row", f"line {line} has more cells than columns"))
            continue
        clean = {k: _uncell((v or "").strip()) for k, v in row.items() if k in CSV_COLUMNS}
        if not any(clean.values()):
            continue
        group = groups.setdefault(clean["id"], _Rows())
        group.lines.append(line)
        group.rows.append(clean)
    features = []
    for rid, group in groups.items():
        feature = _feature(rid, group, path, problems)
        problems += [_with_line(group.lines, p) for p in validate_feature(feature, path)]
        features.append(feature)
    return features, problems


def _feature(rid: str, group: _Rows, path: str, problems: list[Problem]) -> dict[str, Any]:
    """Build one Feature from the rows sharing an id, checking that they agree."""
    first = group.rows[0]
    for line, row in zip(group.lines[1:], group.rows[1:], strict=True):
        for column in REPORT_COLUMNS:
            if row[column] and row[column] != first[column]:
                message = (
                    f"line {line} says {row[column]!r} but line {group.lines[0]} says "
                    f"{first[column]!r}; rows of one report must agree"
                )
                problems.append(Problem(path, rid, column, message))
    numbers = {
        c: _parse_number(first[c], c, path, problems, rid, group.lines[0]) for c in NUMBER_COLUMNS
    }
    props: dict[str, Any] = {c: first[c] for c in REPORT_COLUMNS if c not in NUMBER_COLUMNS}
    props.update({c: [v.strip() for v in first[c].split(";") if v.strip()] for c in LIST_COLUMNS})
    props["id"] = rid
    props["range_km"] = numbers["range_km"]
    props["sources"] = [
        {
            f: row.get(f"source_{f}", "")
            for f in SOURCE_FIELDS
            if row.get(f"source_{f}") or f in ("url", "publisher")
        }
        for row in group.rows
        if any(row.get(f"source_{f}") for f in SOURCE_FIELDS)
    ]
    coords = [numbers["lon"], numbers["lat"]]
    geometry = {"type": "Point", "coordinates": coords if None not in coords else None}
    return {"type": "Feature", "id": rid, "geometry": geometry, "properties": props}


def _with_line(lines: list[int], problem: Problem) -> Problem:
    """Name the CSV column and line a validation problem came from."""
    line, field = lines[0], problem.field
    if field.startswith("sources[") and "]" in field:
        index = int(field[len("sources[") : field.index("]")]) - 1
        line = lines[index] if 0 <= index < len(lines) else line
        field = "source_" + (field.split(".", 1)[1] if "." in field else "url")
    elif field == "sources":
        field = "source_url"
    elif field == "geometry":
        field = "lat/lon"
    message = f"{problem.message} (line {line})"
    return Problem(problem.path, problem.report_id, field, message, problem.severity)
