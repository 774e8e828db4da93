"""The JSON Schema of a report Feature, built from the same vocabularies the validator uses."""

from __future__ import annotations

from typing import Any

from webmap.record.reports import (
    AFFILIATIONS,
    ALLIANCE_CODES,
    ID_PATTERN,
    KINDS,
    LAT_RANGE,
    LIST_SEPARATOR,
    LON_RANGE,
    MAX_TEXT,
    PRECISIONS,
    STANCES,
    STATUSES,
)

PARTIAL_DATE = r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_EDTF_PART = r"[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?[~?%]?"
EDTF_DATE = f"^{_EDTF_PART}(/{_EDTF_PART})?$"  # EDTF level 1: ~ about, ? uncertain, A/B
HTTP_URL = r"^[Hh][Tt][Tt][Pp][Ss]?://"
# An item of a list: spreadsheets get the list in one cell, joined by LIST_SEPARATOR.
LIST_ITEM = {"type": "string", "maxLength": MAX_TEXT, "pattern": f"^[^{LIST_SEPARATOR}]*$"}


def _text(description: str, min_length: int = 0) -> dict[str, Any]:
    """Return a string property schema."""
    schema: dict[str, Any] = {"type": "string", "description": description, "maxLength": MAX_TEXT}
    if min_length:
        schema["minLength"] = min_length
    return schema


SOURCE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["url", "publisher", "stance", "says"],
    "additionalProperties": False,
    "properties": {
        "url": {**_text("the page that reported the claim"), "pattern": HTTP_URL},
        "publisher": _text("who published the page, e.g. Reuters", 1),
        "affiliation": {"enum": list(AFFILIATIONS), "description": "what kind of publisher"},
        "title": _text("the page's headline, when known"),
        "published": {**_text("when the page was published"), "pattern": PARTIAL_DATE},
        "language": _text("the page's language, e.g. en"),
        "archive_url": {**_text("an archived copy of the page"), "pattern": HTTP_URL},
        "note": _text("anything a reader should know about this source"),
        "stance": {
            "enum": list(STANCES),
            "description": "what the source does with the claim: makes it (claim), reports it "
            "(relays), brings independent evidence (confirms), disputes or denies it, or gives "
            "background (context)",
        },
        "says": _text("one sentence, in our words, of what this source states"),
    },
}


def report_schema() -> dict[str, Any]:
    """Return the JSON Schema (draft 2020-12) of one report as a GeoJSON Feature."""
    properties = {
        "id": {**_text("permanent short name"), "pattern": ID_PATTERN.pattern},
        "title": _text("a short headline in our own words", 1),
        "summary": _text("one to three sentences in our own words, claims attributed", 1),
        "kind": {"enum": list(KINDS)},
        "status": {"enum": list(STATUSES)},
        "claimed_by": _text("who made the claim"),
        "date": {
            **_text(
                "YYYY, YYYY-MM or YYYY-MM-DD: as precise as known; ~ about, ? uncertain, "
                "START/END a period (EDTF level 1), e.g. 2025-12~, 2025?, 2025-07/2025-12"
            ),
            "pattern": EDTF_DATE,
        },
        "expected": _text("planned date or START/END period, e.g. 2025-07/2025-12"),
        "place": _text("place name", 1),
        "precision": {"enum": list(PRECISIONS)},
        "actors": {
            "type": "array",
            "items": {"type": "string", "pattern": "^([A-Z]{3}|" + "|".join(ALLIANCE_CODES) + ")$"},
            "description": "ISO 3166-1 alpha-3 country codes and NATO, CSTO, UNION-STATE",
        },
        "systems": {"type": "array", "items": LIST_ITEM},
        "range_km": {
            "type": ["number", "null"],
            "exclusiveMinimum": 0,
            "description": "reported range, only where a cited source states it",
        },
        "sources": {"type": "array", "minItems": 1, "items": SOURCE_SCHEMA},
        "related": {"type": "array", "items": LIST_ITEM},
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "webmap-report",
        "title": "webmap report",
        "description": "A claim about an alliance or a military deployment, with its sources.",
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"const": "Feature"},
            "id": {"type": "string"},
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
                "required": [
                    "id",
                    "title",
                    "summary",
                    "kind",
                    "status",
                    "date",
                    "place",
                    "precision",
                    "sources",
                ],
                "properties": properties,
            },
        },
    }
