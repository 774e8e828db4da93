"""Partial dates (YYYY, YYYY-MM, YYYY-MM-DD) whose precision is their format."""

from __future__ import annotations

import calendar
import re
from datetime import date

from babel.dates import format_date, format_interval, format_skeleton

from webmap.record.languages import DEFAULT_LANGUAGE, babel_locale, translator

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


# English, whatever the locale (calendar.month_name follows it).
MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def written_date(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write a partial date in words: '2025-12-06' as '6 December 2025' ('6 grudnia 2025')."""
    parsed = parse_partial_date(text)
    if parsed is None:
        return text
    year, month, day = parsed
    if month is None:
        return str(year)
    if lang != DEFAULT_LANGUAGE:  # CLDR's way of the language (Babel)
        locale = babel_locale(lang)
        if day is None:
            return format_skeleton("yMMMM", date(year, month, 1), locale=locale)
        return format_date(date(year, month, day), "long", locale=locale)
    if day is None:
        return f"{MONTH_NAMES[month - 1]} {year}"
    return f"{day} {MONTH_NAMES[month - 1]} {year}"


def parse_period(text: str) -> tuple[str, str] | None:
    """Return the span of a partial date or a START/END interval, or None if malformed."""
    parts = text.split("/")
    if len(parts) > 2 or not all(parse_partial_date(p) for p in parts):
        return None
    start, end = date_span(parts[0])[0], date_span(parts[-1])[1]
    return (start, end) if start <= end else None


# EDTF level 1 (ISO 8601-2): a partial date with ~ (about), ? (uncertain) or % (both), or an
# interval START/END of two such dates. ASCII digits only.
_EDTF_PART = re.compile(r"([0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?)([~?%]?)")


def parse_edtf_part(text: str) -> tuple[str, bool, bool] | None:
    """Return (partial date, about, uncertain) of one EDTF date, or None if malformed."""
    match = _EDTF_PART.fullmatch(text or "")  # not match with $: that allows a final line break
    if not match or parse_partial_date(match.group(1)) is None:
        return None
    mark = match.group(2)
    return match.group(1), mark in "~%" and bool(mark), mark in "?%" and bool(mark)


def parse_edtf(text: str) -> list[tuple[str, bool, bool]] | None:
    """Return the one or two parts of an EDTF date or interval, or None if it is not one."""
    pieces = (text or "").split("/")
    if len(pieces) > 2:
        return None
    parts = [parse_edtf_part(p) for p in pieces]
    if any(p is None for p in parts):
        return None
    if len(parts) == 2 and date_span(parts[0][0])[0] > date_span(parts[1][0])[1]:
        return None  # an interval that ends before it starts
    return parts


def edtf_span(text: str) -> tuple[str, str]:
    """Return the first and last ISO day an EDTF date or interval covers."""
    parts = parse_edtf(text)
    if parts is None:
        raise ValueError(f"not a date: {text!r}")
    return date_span(parts[0][0])[0], date_span(parts[-1][0])[1]


def _written_part(
    part: tuple[str, bool, bool], bare: str = "", lang: str = DEFAULT_LANGUAGE
) -> str:
    """Write one EDTF part in words, optionally with its year left out."""
    text, about, uncertain = part
    words = bare or written_date(text, lang)
    _ = translator(lang).gettext
    if about:
        words = _("about %(date)s") % {"date": words}
    if uncertain:
        words = _("%(date)s (uncertain)") % {"date": words}
    return words


def written_edtf(text: str, lang: str = DEFAULT_LANGUAGE) -> str:
    """Write an EDTF date in words: 'about December 2025', 'July–December 2025'."""
    parts = parse_edtf(text)
    if parts is None:
        return text
    if len(parts) == 1:
        return _written_part(parts[0], lang=lang)
    (a, a_about, a_unsure), (b, b_about, b_unsure) = parts
    pa, pb = parse_partial_date(a), parse_partial_date(b)
    plain = not (a_about or a_unsure)
    if plain and not pa[1] and not pb[1]:
        return f"{a}–{_written_part(parts[1], lang=lang)}"
    if lang != DEFAULT_LANGUAGE and plain and not (b_about or b_unsure):
        interval = _cldr_interval(pa, pb, babel_locale(lang))
        if interval:
            return interval
    if plain and pa[0] == pb[0] and pa[1] and pb[1] and not pa[2] and not pb[2]:
        if lang == DEFAULT_LANGUAGE:
            return f"{MONTH_NAMES[pa[1] - 1]}–{_written_part(parts[1])}"
    if plain and pa[:2] == pb[:2] and pa[2] and pb[2] and lang == DEFAULT_LANGUAGE:
        return f"{pa[2]}–{_written_part(parts[1])}"
    return f"{_written_part(parts[0], lang=lang)} – {_written_part(parts[1], lang=lang)}"


def _cldr_interval(pa: tuple, pb: tuple, locale: str) -> str:
    """Write a plain interval of two months or two days of one year the CLDR way, or ''."""
    if pa[0] != pb[0] or not pa[1] or not pb[1] or bool(pa[2]) != bool(pb[2]):
        return ""
    skeleton = "yMMMMd" if pa[2] else "yMMMM"
    start, end = date(pa[0], pa[1], pa[2] or 1), date(pb[0], pb[1], pb[2] or 1)
    return format_interval(start, end, skeleton, locale=locale)
