"""The JSON Schema of a report Feature, built from the vocabulary table and the validator's rules.

It refuses what `webmap check` refuses as an error, except the rules listed in NOT_IN_SCHEMA,
which JSON Schema cannot express; tests/test_schema_cases.py holds both to one table of cases.
"""

from __future__ import annotations

import sys
from typing import Any

from webmap.record.model import TRANSLATORS
from webmap.record.record_rules import STATUS_NEEDS
from webmap.record.validation import (
    ACTOR_CODES,
    END,
    HTTP_URL_BODY,
    ID_PATTERN,
    LAT_RANGE,
    LIST_SEPARATOR,
    LON_RANGE,
    MAX_TEXT,
    SOURCE_FIELDS,
    TRANSLATION_FIELDS,
    TRANSLATION_LANGUAGES,
    UNSAFE_RANGES,
)
from webmap.record.vocabulary import AFFILIATIONS, KINDS, PRECISIONS, STANCES, STATUSES

# Calendar dates in the digits 0-9: months 01-12, days that month has, 29 February in leap years.
_LEAP_YEAR = r"(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:[02468][048]|[13579][26])00)"
_DAY = (
    r"(?:(?!0000)[0-9]{4}-(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])"
    r"|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))"
    rf"|(?!0000){_LEAP_YEAR}-02-29)"
)
PARTIAL_DATE_BODY = rf"(?:{_DAY}|[0-9]{{4}}(?:-(?:0[1-9]|1[0-2]))?)"
PARTIAL_DATE = f"^(?:{PARTIAL_DATE_BODY})?{END}"  # empty: not known
_EDTF_PART = f"{PARTIAL_DATE_BODY}[~?%]?"
EDTF_DATE = f"^{_EDTF_PART}(?:/{_EDTF_PART})?{END}"  # EDTF level 1: ~ about, ? uncertain, A/B
PERIOD = f"^(?:{PARTIAL_DATE_BODY}(?:/{PARTIAL_DATE_BODY})?)?{END}"
HTTP_URL = f"^{HTTP_URL_BODY}{END}"
_SAFE = f"[^{UNSAFE_RANGES}]"  # a character text may hold
SAFE_TEXT = f"^{_SAFE}*{END}"
FILLED_TEXT = rf"^(?=[\s\S]*\S){_SAFE}*{END}"  # at least one character that is not a space
LIST_ITEM_TEXT = f"^[^{LIST_SEPARATOR}{UNSAFE_RANGES}]*{END}"

# What `webmap check` refuses that no JSON Schema can: rules across reports or files, and
# comparisons between two values of one report.
NOT_IN_SCHEMA = (
    "an id used by two reports",
    "a related id that no report has",
    "a period (date or expected) that ends before it starts",
    "a Feature id that differs from properties.id",
    "'confirmed' with fewer than 2 different publishers (the schema asks for 2 sources)",
    "a source whose affiliation disagrees with publishers.json",
    "NaN as a number (not JSON, but Python's json module reads it)",
)
DESCRIPTION = (
    "A claim about an alliance or a military deployment, with its sources. Patterns are "
    "ECMA 262 regular expressions with the u flag, as draft 2020-12 recommends. `webmap check` "
    "also refuses, beyond this schema: " + "; ".join(NOT_IN_SCHEMA) + "."
)


def _string(description: str, pattern: str = SAFE_TEXT, nullable: bool = False) -> dict[str, Any]:
    """Return a string property schema: at most MAX_TEXT characters, none that text may not hold."""
    kind: Any = ["string", "null"] if nullable else "string"
    schema: dict[str, Any] = {"type": kind, "description": description, "maxLength": MAX_TEXT}
    patterns = [SAFE_TEXT] if pattern == SAFE_TEXT else [SAFE_TEXT, pattern]
    if len(patterns) == 1:
        schema["pattern"] = patterns[0]
    else:
        schema["allOf"] = [{"pattern": p} for p in patterns]
    return schema


def _list(items: dict[str, Any], description: str) -> dict[str, Any]:
    """Return a list property schema (null is an empty list)."""
    return {"type": ["array", "null"], "items": items, "description": description}


def _source_schema() -> dict[str, Any]:
    """Return the schema of one source."""
    properties = {
        "url": _string("the page that reported the claim (a public http(s) address)", HTTP_URL),
        "publisher": _string("who published the page, e.g. Reuters", FILLED_TEXT),
        "affiliation": {"enum": list(AFFILIATIONS), "description": "what kind of publisher"},
        "published": _string("when the page was published", PARTIAL_DATE, nullable=True),
        "archive_url": _string(
            "an archived copy of the page", f"^(?:{HTTP_URL_BODY})?{END}", nullable=True
        ),
        "stance": {
            "enum": list(STANCES),
            "description": "what the source does with the claim: makes it (claim), reports it "
            "(relays), brings independent evidence (confirms), disputes or denies it, or gives "
            "background (context)",
        },
        "says": _string("one sentence, in our words, of what this source states", FILLED_TEXT),
        "title": _string("the page's headline, when known", nullable=True),
        "language": _string("the page's language, e.g. en", nullable=True),
        "note": _string("anything a reader should know about this source", nullable=True),
    }
    return {
        "type": "object",
        "required": ["url", "publisher", "stance", "says"],
        "additionalProperties": False,
        "properties": {name: properties[name] for name in SOURCE_FIELDS},
    }


def _translations_schema() -> dict[str, Any]:
    """Return the schema of a report's translations: by language, each whole, with who made it."""
    one = {
        "type": "object",
        "required": list(TRANSLATION_FIELDS),
        "additionalProperties": False,
        "properties": {
            "title": _string("the title in this language", FILLED_TEXT),
            "summary": _string("the summary in this language", FILLED_TEXT),
            "place": _string("the place name in this language", FILLED_TEXT),
            "by": {
                "enum": list(TRANSLATORS),
                "description": "who translated it: an editor, or a machine no editor has checked",
            },
        },
    }
    return {
        "type": ["object", "null"],
        "description": "the title, summary and place in other languages of the map, by code",
        "properties": {lang: one for lang in TRANSLATION_LANGUAGES},
        "additionalProperties": False,
    }


def _status_rules() -> list[dict[str, Any]]:
    """Return the rules tying a status to its sources' stances (record_rules.STATUS_NEEDS)."""
    rules = []
    for status, (stances, needed) in STATUS_NEEDS.items():
        then: dict[str, Any] = {
            "properties": {
                "sources": {
                    "contains": {"type": "object", "properties": {"stance": {"enum": [*stances]}}},
                    **({"minItems": 2} if status == "confirmed" else {}),
                }
            }
        }
        rules.append(
            {
                "description": f"{status!r} needs {needed}",
                "if": {"properties": {"status": {"const": status}}, "required": ["status"]},
                "then": then,
            }
        )
    return rules


def report_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one report as a GeoJSON Feature."""
    id_pattern = ID_PATTERN.pattern.removesuffix("$") + END
    properties = {
        "id": {**_string("permanent short name"), "pattern": id_pattern},
        "title": _string("a short headline in our own words", FILLED_TEXT),
        "summary": _string(
            "one to three sentences in our own words, claims attributed", FILLED_TEXT
        ),
        "kind": {"enum": list(KINDS)},
        "status": {"enum": list(STATUSES)},
        "claimed_by": _string("who made the claim", nullable=True),
        "date": _string(
            "YYYY, YYYY-MM or YYYY-MM-DD: as precise as known; ~ about, ? uncertain, "
            "START/END a period (EDTF level 1), e.g. 2025-12~, 2025?, 2025-07/2025-12",
            EDTF_DATE,
        ),
        "expected": _string(
            "planned date or START/END period, e.g. 2025-07/2025-12", PERIOD, nullable=True
        ),
        "place": _string("place name", FILLED_TEXT),
        "precision": {"enum": list(PRECISIONS)},
        "actors": _list(
            {"enum": list(ACTOR_CODES)},
            "ISO 3166-1 alpha-3 country codes and NATO, CSTO, UNION-STATE",
        ),
        "systems": _list(_string("a weapon system", LIST_ITEM_TEXT), "weapon systems named"),
        "range_km": {
            "type": ["number", "null"],
            "exclusiveMinimum": 0,
            "maximum": sys.float_info.max,  # so Infinity, which Python's json reads, is refused
            "description": "reported range, only where a cited source states it",
        },
        "sources": {"type": "array", "minItems": 1, "items": _source_schema()},
        "related": _list(
            _string("a report id", LIST_ITEM_TEXT), "ids of related reports (each must exist)"
        ),
        "translations": _translations_schema(),
    }
    required = ["id", "title", "summary", "kind", "status", "date", "place", "precision"]
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "webmap-report",
        "title": "webmap report",
        "description": DESCRIPTION,
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": ["string", "null"], "pattern": id_pattern},
            "geometry": {
                "type": "object",
                "required": ["type", "coordinates"],
                "properties": {
                    "type": {"const": "Point"},
                    "coordinates": {
                        "type": "array",
                        "prefixItems": [
                            {"type": "number", "minimum": LON_RANGE[0], "maximum": LON_RANGE[1]},
                            {"type": "number", "minimum": LAT_RANGE[0], "maximum": LAT_RANGE[1]},
                        ],
                        "minItems": 2,
                        "maxItems": 2,
                        "description": "[longitude, latitude] in WGS 84",
                    },
                },
            },
            "properties": {
                "type": "object",
                "required": [*required, "sources"],
                "properties": properties,
                "allOf": _status_rules(),
            },
        },
    }
