"""A report Feature in a reader's language: its translation's title, summary and place, marked.

`properties.lang` says which language the three texts are in and `translated_by` who translated
them ("machine" or "editor"); a report without that translation keeps its English texts, with
`lang: "en"` and `untranslated: true`. The map's search text (`derived.search`) gains the
translation, so the map finds what it shows. Without a language the Feature is left as stored.
"""

from __future__ import annotations

import json
from typing import Any

from webmap.catalog.filters import FilterError, fold
from webmap.geo.countries import place_countries_in
from webmap.record.languages import DEFAULT_LANGUAGE, LANGUAGES, N_
from webmap.record.model import TRANSLATED_FIELDS


class LanguageError(FilterError):
    """Raised for a lang parameter that is not one of the map's languages."""


def parse_lang(raw: str | None) -> str:
    """Return the language asked for ('' for none); raise LanguageError for an unknown one."""
    lang = (raw or "").strip()
    if lang and lang not in LANGUAGES:
        shown = json.dumps(lang[:20], ensure_ascii=False)
        allowed = ", ".join(LANGUAGES)
        raise LanguageError(
            f"lang: {shown} is not one of: {allowed}",
            N_("%(value)s is not one of: %(allowed)s"),
            value=shown,
            allowed=allowed,
        )
    return lang


def feature_in_language(feature: dict[str, Any], lang: str) -> dict[str, Any]:
    """Put the feature's texts in lang (in place) and mark where they came from; return it."""
    props = feature["properties"]
    english_place = props.get("place") or ""
    translation = (props.get("translations") or {}).get(lang) if lang != DEFAULT_LANGUAGE else None
    if translation:
        props.update({name: translation[name] for name in TRANSLATED_FIELDS})
        props["lang"], props["translated_by"] = lang, translation["by"]
        derived = props.get("derived")
        if isinstance(derived, dict) and "search" in derived:
            added = fold(" ".join(translation[name] for name in TRANSLATED_FIELDS))
            derived["search"] = f"{derived['search']} {added}"
    else:
        props["lang"] = DEFAULT_LANGUAGE
        if lang != DEFAULT_LANGUAGE:
            props["untranslated"] = True
    if props.get("precision") == "country":
        # The map groups whole-country reports by the countries their English place names, so
        # a translated report and an untranslated one share one badge; an untranslated one
        # still names its countries in lang (CLDR's names) for the badge.
        derived = props.setdefault("derived", {})
        derived["area"] = english_place
        if props.get("untranslated"):
            derived["area_name"] = place_countries_in(english_place, lang) or None
    return feature


def bytes_in_language(raw: bytes | memoryview, lang: str) -> bytes:
    """Return stored Feature bytes in lang (the bytes as they are without a language)."""
    if not lang:
        return bytes(raw)
    feature = feature_in_language(json.loads(bytes(raw)), lang)
    return json.dumps(feature, ensure_ascii=False, separators=(",", ":")).encode()
