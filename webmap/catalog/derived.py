"""Fields the server derives for the browser, so the map compares values instead of re-deriving.

Each report Feature served carries `properties.derived`: its date span (first and last ISO day)
and its caveat about the sources. A search is the server's (the map asks `view=ids`); only the
static site's data carries each report's folded search text, and the fold table lets the
browser fold what a reader types exactly as `filters.fold` does.
"""

from __future__ import annotations

import functools
import json
import sys
from typing import Any

from webmap.catalog.filters import MARKS, english_text, searchable_text
from webmap.catalog.spellings import Spellings
from webmap.record.model import Report


def derived_fields(report: Report) -> dict[str, Any]:
    """Return the span and the caveat of a report (a search is the server's: view=ids)."""
    start, end = report.span
    return {"span": [start, end], "caveat": report.caveat}


def feature_with_derived(report: Report) -> dict[str, Any]:
    """Return the report as a GeoJSON Feature whose properties carry its derived fields."""
    feature = report.to_feature()
    feature["properties"]["derived"] = derived_fields(report)
    return feature


def with_search_text(raw: bytes | memoryview, text: str) -> bytes:
    """Return a stored Feature with the server's folded search text added (derived.search).

    For the static site only, which has no server to ask: its map searches this text, which
    is the very text the server searches (English, every translation, every spelling).
    """
    feature = json.loads(bytes(raw))
    feature["properties"].setdefault("derived", {})["search"] = text
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode()


@functools.cache
def fold_table() -> dict[str, str]:
    """Return the characters whose fold is not their lowercase (ß -> ss, ς -> σ, ł -> l, é -> e).

    A character's fold is its case fold with its diacritics folded (filters.MARKS). With the
    table, the browser folds a query as `filters.fold` does: NFKC, each character lowercased
    or taken from this table, NFKC again.
    """
    table = {}
    for code in range(sys.maxunicode + 1):
        if 0xD800 <= code <= 0xDFFF:
            continue
        char = chr(code)
        folded = char.casefold().translate(MARKS)
        if folded != char.lower():
            table[char] = folded
    return table


def search_text(report: Report, spellings: Spellings | None = None) -> str:
    """Return the text the server searches a report by, folded.

    English, every spelling (names.json) of the places and systems the English names, and
    every translation. The map asks the server what a search finds (view=ids); the static site,
    which has no server, gets this text with each report (with_search_text).
    """
    english = english_text(report)
    names = spellings.mentioned(english) if spellings else []
    spelled = " ".join(s for i in names for s in spellings.folded[i]) if spellings else ""
    translations = searchable_text(report)[len(english) :]
    return " ".join(t for t in (english, spelled) if t) + translations
