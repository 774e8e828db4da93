"""Which glossary terms a report's texts use, and where: the one rule the pages and the map share.

The server finds the first use of each term in a report's title and summary (in the language
the texts are in), and serves it as `derived.terms`: `[{term, field, start, end}]`, offsets in
UTF-16 code units as the browser counts them. The browser only links those spans; the report
page links the same spans, found by the same function.

A term is found by its name or any of its spellings in that language: as whole words, in the
case written (a spelling that starts with a small letter also with a capital, as at the start
of a sentence); a word ending in `*` with any ending; words apart by any white space. Where two
uses overlap, the earlier and then the longer wins; each term is linked once, at its first use.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from typing import Any

from webmap.record.glossary import STEM_MARK, Glossary
from webmap.record.languages import DEFAULT_LANGUAGE

TERM_FIELDS = ("title", "summary")  # in the order a reader meets them


@dataclass(frozen=True)
class TermUse:
    """The first use of a term in a field's text: code point offsets [start, end)."""

    term: str
    field: str
    start: int
    end: int


def _pattern(spellings: list[str]) -> re.Pattern[str] | None:
    """Return the regular expression that finds any of the spellings as a whole word."""
    parts = []
    for spelling in sorted(set(spellings), key=len, reverse=True):
        words = [
            re.escape(word[:-1]) + r"\w*" if word.endswith(STEM_MARK) else re.escape(word)
            for word in spelling.split()
        ]
        if words:
            parts.append(_any_first_case(r"\s+".join(words)))
    if not parts:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def _any_first_case(pattern: str) -> str:
    """Let a pattern that starts with a lowercase letter start with its capital too."""
    first = pattern[:1]
    if first.islower() and len(first.upper()) == 1:
        return f"[{first}{first.upper()}]{pattern[1:]}"
    return pattern


@functools.lru_cache(maxsize=4)
def _patterns(glossary: Glossary, lang: str) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Return (term id, pattern) for every term that has a spelling in lang."""
    found = []
    for term in glossary.terms:
        text = term.in_language(lang)
        if text.lang != lang:
            continue  # no spellings of its own in this language: nothing to look for
        pattern = _pattern([text.term, *text.spellings])
        if pattern is not None:
            found.append((term.id, pattern))
    return tuple(found)


def first_uses(texts: list[tuple[str, str]], glossary: Glossary, lang: str) -> list[TermUse]:
    """Return the first use of each term in texts [(field, text)], in reading order."""
    if not glossary.terms:
        return []
    candidates = []
    for order, (field, text) in enumerate(texts):
        for term_id, pattern in _patterns(glossary, lang or DEFAULT_LANGUAGE):
            for match in pattern.finditer(text or ""):
                if match.end() > match.start():
                    candidates.append((order, match.start(), -match.end(), term_id, field))
    used: set[str] = set()
    taken: list[tuple[int, int, int]] = []  # (order, start, end) of accepted spans
    uses = []
    for order, start, negative_end, term_id, field in sorted(candidates):
        end = -negative_end
        if term_id in used or any(o == order and s < end and start < e for o, s, e in taken):
            continue
        used.add(term_id)
        taken.append((order, start, end))
        uses.append(TermUse(term_id, field, start, end))
    return uses


def report_texts(props: dict[str, Any]) -> list[tuple[str, str]]:
    """Return the texts of a report's properties that terms are found in, with their fields."""
    return [(name, props.get(name) or "") for name in TERM_FIELDS]


def _utf16(text: str, offset: int) -> int:
    """Return a code point offset into text as a UTF-16 code unit offset (as JavaScript counts)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def uses_for_browser(uses: list[TermUse], props: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the uses as the browser gets them: offsets in UTF-16 code units."""
    out = []
    for use in uses:
        text = props.get(use.field) or ""
        start, end = _utf16(text, use.start), _utf16(text, use.end)
        out.append({"term": use.term, "field": use.field, "start": start, "end": end})
    return out


def feature_terms(props: dict[str, Any], glossary: Glossary) -> list[dict[str, Any]]:
    """Return derived.terms of a report's properties, in the language its texts are in."""
    lang = props.get("lang") or DEFAULT_LANGUAGE
    return uses_for_browser(first_uses(report_texts(props), glossary, lang), props)


def with_terms(raw: bytes | memoryview, glossary: Glossary) -> bytes:
    """Return Feature bytes with derived.terms added (the bytes as they are with no glossary)."""
    if not glossary.terms:
        return bytes(raw)
    feature = json.loads(bytes(raw))
    props = feature["properties"]
    derived = props.setdefault("derived", {})
    derived["terms"] = feature_terms(props, glossary)
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode()
