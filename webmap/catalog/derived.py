"""Fields the server derives for the browser, so the map compares values instead of re-deriving.

Each report Feature served carries `properties.derived`: its date span (first and last ISO day),
its searchable text folded as a search folds it, and its caveat about the sources. The fold
table lets the browser fold what a reader types exactly as `filters.fold` does.
"""

from __future__ import annotations

import functools
import sys
from typing import Any

from webmap.catalog.filters import MARKS, english_text, searchable_text
from webmap.catalog.spellings import Spellings
from webmap.record.model import Report


def derived_fields(report: Report, search: str | None = None) -> dict[str, Any]:
    """Return the span, folded search text and caveat of a report."""
    start, end = report.span
    return {
        "span": [start, end],
        "search": english_text(report) if search is None else search,
        "caveat": report.caveat,
    }


def feature_with_derived(report: Report, search: str | None = None) -> dict[str, Any]:
    """Return the report as a GeoJSON Feature whose properties carry its derived fields."""
    feature = report.to_feature()
    feature["properties"]["derived"] = derived_fields(report, search)
    return feature


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


def search_texts(report: Report, spellings: Spellings | None = None) -> tuple[str, list[int], str]:
    """Return what the map filters a report by, the names it mentions, and the server's text.

    The map's text (`derived.search`) is the English record, folded; `derived.names` lists the
    names.json entries it mentions, whose spellings in every language and script the map has
    once (its config's `names`) and adds to the text when it loads. The map in another language
    also gets that language's translation (localized.py). The server's search looks through all
    of it: English, every spelling of the names mentioned, and every translation.
    """
    english = english_text(report)
    names = spellings.mentioned(english) if spellings else []
    spelled = " ".join(s for i in names for s in spellings.folded[i]) if spellings else ""
    translations = searchable_text(report)[len(english) :]
    return english, names, " ".join(t for t in (english, spelled) if t) + translations
