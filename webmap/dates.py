"""Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) whose precision is their format."""

from __future__ import annotations

import calendar
import re
from datetime import date

# [0-9], not \d: \d also matches Arabic-Indic and other digits, which int() accepts.
_PARTIAL = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")


def parse_partial_date(text: str) -> tuple[int, int | None, int | None] | None:
    """Return (year, month, day) with None for missing parts, or None if not a real date."""
    if not isinstance(text, str):
        return None
    match = _PARTIAL.fullmatch(text)
    if not match:
        return None
    year, month, day = (int(g) if g else None for g in match.groups())
    if month is not None and not 1 <= month <= 12:
        return None
    if day is not None:
        try:
            date(year, month, day)
        except ValueError:
            return None
    return year, month, day


def date_span(text: str) -> tuple[str, str]:
    """Return the first and last ISO day that a partial date covers."""
    parsed = parse_partial_date(text)
    if parsed is None:
        raise ValueError(f"not a date: {text!r}")
    year, month, day = parsed
    if month is None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if day is None:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    return (text, text)


def parse_period(text: str) -> tuple[str, str] | None:
    """Return the span of a partial date or a START/END interval, or None if malformed."""
    parts = text.split("/")
    if len(parts) > 2 or not all(parse_partial_date(p) for p in parts):
        return None
    start, end = date_span(parts[0])[0], date_span(parts[-1])[1]
    return (start, end) if start <= end else None
