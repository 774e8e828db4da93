"""The map's light view of a report: what it draws, filters and searches by."""

from __future__ import annotations

import json

from webmap.catalog.localized import feature_in_language
from webmap.record.dates import written_edtf
from webmap.record.languages import DEFAULT_LANGUAGE

# What the map needs of a source before its popup opens: the facet counts and the caveat read
# the affiliation. The summary waits for the popup too, and the server does the search.
MAP_SOURCE_FIELDS = ("publisher", "affiliation", "stance")


def slim_feature(raw: bytes | memoryview, lang: str = "") -> bytes:
    """Return a report Feature with its sources cut to MAP_SOURCE_FIELDS and marked slim.

    With lang, its texts are in that language where it has them (localized.feature_in_language);
    its derived fields gain the date (and the expected date) written in lang (else English), so
    the map shows them the language's way without formatting dates itself.
    """
    feature = json.loads(bytes(raw))
    if lang:
        feature_in_language(feature, lang)
    props = feature["properties"]
    derived = props.setdefault("derived", {})
    derived.update(written_dates(props, lang or DEFAULT_LANGUAGE))
    props["sources"] = [
        {k: s[k] for k in MAP_SOURCE_FIELDS if k in s} for s in props.get("sources") or []
    ]
    props.pop("translations", None)
    props.pop("summary", None)  # shown only in a popup, which fetches the full record
    props["slim"] = True
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode()


def written_dates(props: dict, lang: str) -> dict[str, str]:
    """Return a report's date and expected date written in lang (written_date, written_expected)."""
    out = {"written_date": written_edtf(props.get("date") or "", lang)}
    if props.get("expected"):
        out["written_expected"] = written_edtf(props["expected"], lang)
    return out


def slim_chunks(features: list[bytes]) -> list[bytes]:
    """Return the pieces of a FeatureCollection of slim reports."""
    return [b'{"type":"FeatureCollection","features":[', b",".join(features), b"]}"]


def labels_in(layer: bytes, lang: str) -> bytes:
    """Return the label layer with each feature's names cut to one language (if it has it)."""
    data = json.loads(layer)
    for feature in data["features"]:
        names = feature["properties"].get("names") or {}
        feature["properties"]["names"] = {lang: names[lang]} if lang in names else {}
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
