"""Reports as CSV for spreadsheets: one row per source; rows sharing an id are one report."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from webmap.record.languages import N_, Message
from webmap.record.model import Problem, Report, brief, report_label
from webmap.record.validation import (
    MAX_TEXT,
    TRANSLATION_FIELDS,
    TRANSLATION_LANGUAGES,
    validate_feature,
)

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
    "source_stance",
    "source_says",
]
# A report's translations: title_uk, summary_uk, place_uk, by_uk, title_ru, ... after the
# English columns, which stay as they are.
TRANSLATION_COLUMNS = [f"{f}_{lang}" for lang in TRANSLATION_LANGUAGES for f in TRANSLATION_FIELDS]
CSV_COLUMNS += TRANSLATION_COLUMNS
# Columns added later: files written before them still import.
OPTIONAL_COLUMNS = {"source_note", "source_stance", "source_says", *TRANSLATION_COLUMNS}
CSV_HINT = N_("in your spreadsheet, save as 'CSV UTF-8'")
REPORT_COLUMNS = CSV_COLUMNS[1:16]
LIST_COLUMNS = ("actors", "systems", "related")
NUMBER_COLUMNS = ("lat", "lon", "range_km")
SOURCE_FIELDS = ("url", "publisher", "title", "published", "language", "affiliation")
SOURCE_FIELDS += ("archive_url", "note", "stance", "says")
# A spreadsheet runs a cell that starts with one of these as a formula; we quote it with '.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A decimal number in ASCII digits: float() also takes "١٢", "1_000", "nan" and "inf".
ASCII_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def _quoted(value: str) -> bool:
    """Tell whether text, after any leading 's, starts like a formula (so _cell quotes it)."""
    return value.lstrip("'").startswith(FORMULA_STARTS)


def _cell(value: str) -> str:
    """Quote text a spreadsheet would run as a formula (and text that only looks quoted)."""
    return "'" + value if _quoted(value) else value


def _uncell(value: str) -> str:
    """Undo _cell's quoting."""
    return value[1:] if value.startswith("'") and _quoted(value[1:]) else value


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


def translation_cells(r: Report) -> dict[str, str]:
    """Return a report's translations as TRANSLATION_COLUMNS (empty for a language it lacks)."""
    cells = dict.fromkeys(TRANSLATION_COLUMNS, "")
    for t in r.translations:
        cells.update({f"{f}_{t.lang}": getattr(t, f) for f in TRANSLATION_FIELDS})
    return cells


def reports_to_csv(reports: Iterable[Report]) -> str:
    """Return reports as CSV text with the standard columns, one row per source."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in reports:
        report_cells = {**flat_fields(r), **translation_cells(r)}
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
    value = float(text) if ASCII_NUMBER.fullmatch(text) else math.nan
    if math.isnan(value) or math.isinf(value):
        if "," in text:
            template = N_("%(value)s is not a number; write decimals with a point, e.g. 53.9")
        elif column in ("lat", "lon"):
            template = N_(
                "%(value)s is not a number; write decimal degrees, e.g. 53.9 "
                "(53°54' is 53 + 54/60 = 53.9)"
            )
        else:
            template = N_("%(value)s is not a number")
        message = N_(
            "%(message)s (line %(line)s)",
            message=Message(template, {"value": brief(text)}),
            line=line,
        )
        problems.append(Problem(where, report_label(rid), column, message))
        return None
    return value


def _header_problem(text: str, header: list[str], path: str) -> Problem | None:
    """Return what is wrong with the first row (the column names), or None."""
    missing = [c for c in CSV_COLUMNS if c not in header and c not in OPTIONAL_COLUMNS]
    twice = sorted({c for c in header if c and header.count(c) > 1})
    if not missing and not twice:
        return None
    first_line = text.lstrip().split("\n", 1)[0]
    if not text.strip():
        message = N_(
            "is empty; the first row must name the columns (id, title, summary, ...), "
            "then one row per source: see 'Adding a report' in the README"
        )
    elif first_line.startswith(("{", "[")):
        message = N_("looks like GeoJSON, not CSV: give it a name ending in .geojson")
    elif "id" in [c.strip() for c in first_line.split(";")] and len(missing) > 1:
        message = N_(
            "has its cells separated by ';' instead of ','; in your spreadsheet, "
            "save as 'CSV UTF-8 (comma delimited)'"
        )
    elif "id" in [c.strip() for c in first_line.split("\t")] and len(missing) > 1:
        message = N_("has its cells separated by tabs instead of ','; save it as 'CSV UTF-8'")
    elif missing:
        message = N_(
            "missing column(s): %(columns)s; the first row must name the columns",
            columns=", ".join(missing),
        )
    else:
        message = N_(
            "the first row names column(s) %(columns)s more than once", columns=", ".join(twice)
        )
    return Problem(path, "-", "columns", message)


def _csv_error(exc: csv.Error, line: int) -> str:
    """Say in plain words why a line of a CSV file cannot be read."""
    if "field larger than field limit" in str(exc):
        return N_(
            "line %(line)s has a cell longer than %(limit)s characters; a cell holds at most "
            "%(most)s",
            line=line,
            limit=f"{csv.field_size_limit():,}",
            most=f"{MAX_TEXT:,}",
        )
    return N_("line %(line)s cannot be read as CSV (%(reason)s)", line=line, reason=str(exc))


def features_from_csv(text: str, path: str) -> tuple[list[dict[str, Any]], list[Problem]]:
    """Parse and validate CSV text as report Features; problems name the column and line."""
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = [name.strip() for name in reader.fieldnames or []]
    except csv.Error as exc:
        return [], [Problem(path, "-", "columns", _csv_error(exc, 1))]
    reader.fieldnames = header
    problem = _header_problem(text, header, path)
    if problem:
        return [], [problem]
    groups: dict[str, _Rows] = {}
    problems: list[Problem] = []
    try:
        for row in reader:
            line = reader.line_num
            if None in row:
                message = N_(
                    "line %(line)s has more cells than the first row has column names "
                    "(a comma too many, or text with a comma that is not in quotes?)",
                    line=line,
                )
                problems.append(Problem(path, "-", "row", message))
                continue
            clean = {k: _uncell((v or "").strip()) for k, v in row.items() if k in CSV_COLUMNS}
            if not any(clean.values()):
                continue
            group = groups.setdefault(clean["id"], _Rows())
            group.lines.append(line)
            group.rows.append(clean)
    except csv.Error as exc:
        problems.append(Problem(path, "-", "row", _csv_error(exc, reader.line_num + 1)))
    features = []
    for rid, group in groups.items():
        before = len(problems)
        feature = _feature(rid, group, path, problems)
        bad_numbers = {p.field for p in problems[before:]} & {"lat", "lon"}
        problems += [
            _with_line(group.lines, p)
            for p in validate_feature(feature, path)
            if not (bad_numbers and p.field == "geometry")
        ]
        features.append(feature)
    return features, problems


def _feature(rid: str, group: _Rows, path: str, problems: list[Problem]) -> dict[str, Any]:
    """Build one Feature from the rows sharing an id, checking that they agree."""
    first = group.rows[0]
    for line, row in zip(group.lines[1:], group.rows[1:], strict=True):
        for column in (*REPORT_COLUMNS, *(c for c in TRANSLATION_COLUMNS if c in row)):
            if row[column] and row[column] != first[column]:
                message = N_(
                    "line %(line)s says %(value)s but line %(first_line)s says %(first)s; rows "
                    "of one report must agree",
                    line=line,
                    value=brief(row[column]),
                    first_line=group.lines[0],
                    first=brief(first[column]),
                )
                problems.append(Problem(path, report_label(rid), column, message))
    numbers = {
        c: _parse_number(first[c], c, path, problems, rid, group.lines[0]) for c in NUMBER_COLUMNS
    }
    props: dict[str, Any] = {c: first[c] for c in REPORT_COLUMNS if c not in NUMBER_COLUMNS}
    props.update({c: [v.strip() for v in first[c].split(";") if v.strip()] for c in LIST_COLUMNS})
    props["id"] = rid
    props["range_km"] = numbers["range_km"]
    translations = {
        lang: {f: first[f"{f}_{lang}"] for f in TRANSLATION_FIELDS if first.get(f"{f}_{lang}")}
        for lang in TRANSLATION_LANGUAGES
    }
    if any(translations.values()):
        props["translations"] = {lang: t for lang, t in translations.items() if t}
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


def _marked(message: str) -> str:
    """Return a message as a Message, so that it is translated inside another."""
    return message if isinstance(message, Message) else Message(message, {})


def _with_line(lines: list[int], problem: Problem) -> Problem:
    """Name the CSV column and line a validation problem came from."""
    line, field = lines[0], problem.field
    if field.startswith("sources[") and "]" in field:
        index = int(field[len("sources[") : field.index("]")]) - 1
        line = lines[index] if 0 <= index < len(lines) else line
        field = "source_" + (field.split(".", 1)[1] if "." in field else "url")
    elif field == "sources":
        field = "source_url"
    elif field.startswith("translations.") and field.count(".") == 2:
        _, lang, name = field.split(".")
        field = f"{name}_{lang}"
    elif field == "geometry":
        field = "lat/lon"
        if problem.message.startswith("must be a Point"):
            problem = replace(
                problem, message=N_("needs lat and lon in decimal degrees, e.g. 53.9, 27.56")
            )
    message = N_("%(message)s (line %(line)s)", message=_marked(problem.message), line=line)
    return Problem(problem.path, problem.report_id, field, message, problem.severity)
