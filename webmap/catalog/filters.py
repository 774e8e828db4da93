"""Filter reports by the criteria that /api/reports and the map share."""

from __future__ import annotations

import math
import re
import sys
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from webmap.record.dates import date_span, parse_partial_date
from webmap.record.languages import N_
from webmap.record.model import Report, brief
from webmap.record.validation import UNSAFE_CHARACTER

LIST_FILTERS = ("kind", "status", "actor", "affiliation")
MAX_WORDS = 32  # different words in one search: more is refused (400), so a query stays cheap
# A decimal number in ASCII digits (float() also reads "١٢", "1_0", "nan" and "1e999").
NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


class FilterError(ValueError):
    """Raised when a filter value cannot be understood; the message names the parameter.

    reason is the English template of what is wrong (marked for the catalogues) and values
    fill it, so a page can say it in the reader's language; str() is the English message.
    """

    def __init__(self, message: str, reason: str = "", **values: Any):
        super().__init__(message)
        self.param = message.partition(": ")[0]
        self.reason = reason or message.partition(": ")[2]
        self.values = values


@dataclass(frozen=True)
class Criteria:
    """What a reader asked to see; empty means no restriction."""

    date_from: str = ""
    date_to: str = ""
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    affiliation: tuple[str, ...] = ()
    q: str = ""
    bbox: tuple[float, float, float, float] | None = None


def parse_criteria(args: Mapping[str, Sequence[str]]) -> Criteria:
    """Build Criteria from query parameters (each a list of values; commas also separate)."""

    def values(name: str) -> tuple[str, ...]:
        items = [v.strip() for raw in args.get(name, ()) for v in raw.split(",")]
        return tuple(v for v in items if v)

    def one_date(name: str, end: bool) -> str:
        raw = (args.get(name) or [""])[-1].strip()
        if not raw:
            return ""
        if parse_partial_date(raw) is None:
            shown = brief(raw, 40)
            raise FilterError(
                f"{name}: {shown} is not a date written YYYY, YYYY-MM or YYYY-MM-DD "
                "in the digits 0-9",
                N_("%(value)s is not a date written YYYY, YYYY-MM or YYYY-MM-DD in the digits 0-9"),
                value=shown,
            )
        return date_span(raw)[1 if end else 0]

    bbox = None
    raw_bbox = (args.get("bbox") or [""])[-1].strip()
    if raw_bbox:
        bbox = parse_bbox(raw_bbox)
    return Criteria(
        date_from=one_date("from", end=False),
        date_to=one_date("to", end=True),
        kind=values("kind"),
        status=values("status"),
        actor=tuple(a.upper() for a in values("actor")),
        affiliation=values("affiliation"),
        q=" ".join(search_words((args.get("q") or [""])[-1])),
        bbox=bbox,
    )


# Letters that a search reads as their own, not as a letter with a mark: Cyrillic й, ї and ў
# have their own keys and are other letters than и, і and у (ё, usually written е, is folded).
OWN_LETTERS = "йЙїЇўЎ"
# Latin letters whose stroke is no combining mark, read as the letter without it.
STROKED = {"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d", "ħ": "h", "Ħ": "h"}
STROKED |= {"ı": "i", "ŧ": "t", "Ŧ": "t"}


def _mark_table() -> dict[int, str]:
    """Return, for str.translate, each Latin, Greek and Cyrillic letter with marks -> the letter
    without them (ą -> a, č -> c, é -> e, ё -> е, ά -> α), every combining mark of U+0300-U+036F
    -> nothing, and STROKED; OWN_LETTERS stay."""
    table: dict[int, str] = dict.fromkeys(range(0x300, 0x370), "")
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF or char in OWN_LETTERS or 0x300 <= code < 0x370:
            continue
        if not unicodedata.name(char, "").startswith(("LATIN", "GREEK", "CYRILLIC")):
            continue
        base = unicodedata.normalize("NFD", char).translate(table)
        if base and base != char:
            table[code] = base
    table.update({ord(k): v for k, v in STROKED.items()})
    return table


MARKS = _mark_table()


def fold(text: str) -> str:
    """Return text as search compares it: NFKC, folded for case, diacritics folded, NFKC.

    "Łódź" and "lodz", "Kryčaŭ" and "krycau", "Ёлка" and "елка" fold alike; й stays й.
    """
    folded = unicodedata.normalize("NFKC", text).casefold().translate(MARKS)
    return unicodedata.normalize("NFKC", folded)


def search_words(q: str) -> list[str]:
    """Return the words a search must find, folded; raise FilterError past MAX_WORDS.

    Repeated words, and words inside another word of the query ("bel" in "belarus"), add
    nothing to an AND search and are dropped; the longest (most selective) come first.
    """
    words = sorted(set(fold(UNSAFE_CHARACTER.sub(" ", q)).split()), key=lambda w: (-len(w), w))
    if len(words) > MAX_WORDS:
        raise FilterError(
            f"q: search for at most {MAX_WORDS} different words",
            N_("search for at most %(n)s different words"),
            n=MAX_WORDS,
        )
    return [w for i, w in enumerate(words) if not any(w in longer for longer in words[:i])]


def parse_bbox(raw: str) -> tuple[float, float, float, float]:
    """Return west, south, east, north from 'w,s,e,n' in ASCII decimals; raise FilterError."""
    parts = raw.split(",")
    if len(parts) != 4 or not all(NUMBER.fullmatch(p.strip()) for p in parts):
        raise FilterError(
            "bbox: write four numbers west,south,east,north, e.g. 14,45,40,64",
            N_("write four numbers west,south,east,north, e.g. 14,45,40,64"),
        )
    west, south, east, north = (float(p) for p in parts)
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise FilterError("bbox: every number must be finite", N_("every number must be finite"))
    if south > north:
        raise FilterError("bbox: south is greater than north", N_("south is greater than north"))
    return west, south, east, north


def searchable_text(report: Report) -> str:
    """Return the text that a search looks through, folded like the query's words.

    That is the English record and every translation; the index adds the spellings of the
    places and systems it names (derived.search_text).
    """
    return english_text(report) + "".join(
        " " + fold(" ".join((t.title, t.summary, t.place))) for t in report.translations
    )


def english_text(report: Report) -> str:
    """Return the English fields a search looks through, folded."""
    parts = [report.title, report.summary, report.place, report.claimed_by, *report.systems]
    parts += [s.publisher for s in report.sources]
    return fold(" ".join(parts))


def matches(report: Report, c: Criteria) -> bool:
    """Tell whether a report meets all criteria (values OR within a filter, AND across)."""
    start, end = report.span
    if c.date_from and end < c.date_from:
        return False
    if c.date_to and start > c.date_to:
        return False
    if c.kind and report.kind not in c.kind:
        return False
    if c.status and report.status not in c.status:
        return False
    if c.actor and not set(report.actors) & set(c.actor):
        return False
    if c.affiliation and not {s.affiliation for s in report.sources} & set(c.affiliation):
        return False
    if c.q:
        text = searchable_text(report)
        if not all(word in text for word in c.q.split()):
            return False
    if c.bbox:
        west, south, east, north = c.bbox
        in_lon = (
            west <= report.lon <= east if west <= east else report.lon >= west or report.lon <= east
        )
        if not (in_lon and south <= report.lat <= north):
            return False
    return True


def filter_reports(reports: Iterable[Report], criteria: Criteria) -> list[Report]:
    """Return the reports that meet the criteria, in their given order."""
    return [r for r in reports if matches(r, criteria)]
