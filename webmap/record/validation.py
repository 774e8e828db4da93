"""Validation of report Features: every rule `webmap check` applies to one report or a file."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

from webmap.geo.countries import COUNTRY_NAMES
from webmap.record.dates import parse_edtf, parse_partial_date, parse_period
from webmap.record.languages import DEFAULT_LANGUAGE, LANGUAGES, N_
from webmap.record.model import (
    OPTIONAL_SOURCE_FIELDS,
    TRANSLATED_FIELDS,
    TRANSLATORS,
    AffiliationOf,
    Problem,
    brief,
    items_of,
    report_from_feature,
    report_label,
    text_of,
)
from webmap.record.vocabulary import (
    AFFILIATIONS,
    ALLIANCE_CODES,
    KINDS,
    PRECISIONS,
    STANCES,
    STATUSES,
)

ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
NOT_A_COLLECTION = N_("the file is not a GeoJSON FeatureCollection")
LON_RANGE = (-30.0, 190.0)
LAT_RANGE = (25.0, 85.0)
MAX_TEXT = 2000  # characters in any one text field: a summary is one to three sentences
TEXT_FIELDS = ("title", "summary", "place", "claimed_by", "expected")
LIST_FIELDS = ("actors", "systems", "related")
LIST_SEPARATOR = ";"  # between the items of a list in a CSV cell
SOURCE_FIELDS = ("url", "publisher", "affiliation", *OPTIONAL_SOURCE_FIELDS)
ACTOR_CODES = (*ALLIANCE_CODES, *sorted(COUNTRY_NAMES))
TRANSLATION_LANGUAGES = tuple(lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE)
TRANSLATION_FIELDS = (*TRANSLATED_FIELDS, "by")


def _anycase(word: str) -> str:
    """Return a pattern matching word in any mix of case (JSON Schema patterns have no flags)."""
    return "".join(f"[{c.upper()}{c.lower()}]" if c.isalpha() else re.escape(c) for c in word)


# Written in the part of regular expressions that Python and ECMA 262 (JSON Schema) share, so
# the schema uses the same patterns: no flags, and the true end written (?![\s\S]) because
# Python's $ also matches before a final line break.
END = r"(?![\s\S])"
_LABEL = r"[^\s/?#@:\\.]+"  # one part of a host name: no space, no / ? # @ : \ or dot
# A host that is no public web site: a number (an IP address such as 127.0.0.1 or 10.0.0.5),
# localhost, or a name that only a local network knows.
_LOCAL_NAMES = ("localhost", "local", "internal", "localdomain", "lan", "home", "intranet")
_NOT_PUBLIC = (
    rf"(?:{_LABEL}\.)*(?:[0-9]+|0[xX][0-9a-fA-F]*|"
    + "|".join(_anycase(n) for n in _LOCAL_NAMES)
    + r")(?![^:/?#])"
)
# http(s), then a public host name with a dot (no user name before it), an optional port, then
# a path without spaces.
HTTP_URL_BODY = (
    rf"{_anycase('http')}[Ss]?://(?!{_NOT_PUBLIC}){_LABEL}(?:\.{_LABEL})+(?::[0-9]{{1,5}})?"
    r"(?:[/?#]\S*)?"
)
HTTP_URL = re.compile(f"^{HTTP_URL_BODY}{END}")


def not_a_link(value: Any) -> str:
    """Say that value is not the address of a public web page, and how to write one."""
    return N_(
        "%(value)s is not the address of a public web page: write it http:// or https://, "
        "then the site's name (not localhost or a number such as 127.0.0.1), with no spaces",
        value=brief(value),
    )


def not_one_of(value: Any, allowed: Iterable[str]) -> str:
    """Say that value is not one of the allowed words."""
    return N_(
        "%(value)s is not one of: %(allowed)s", value=brief(value), allowed=", ".join(allowed)
    )


def no_report(shown: str) -> str:
    """Say that no report has the id shown (already quoted)."""
    return N_("no report has id %(id)s", id=shown)


def is_http_url(url: str) -> bool:
    """Tell whether url is an absolute http(s) URL of a public site, the only kind we link to."""
    return bool(HTTP_URL.match(url))


def _finite(value: Any) -> bool:
    """Tell whether value is a JSON number that is finite as a float (not NaN, not Infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


# Code points no text field may hold: control characters other than tab and line feed (C0, DEL,
# C1), lone surrogates, and the 66 Unicode noncharacters. They break XML (KML), confuse
# terminals, or are not text at all. Written as the inside of a character class that Python and
# JSON Schema both read (the schema uses it too).
UNSAFE_RANGES = r"\u0000-\u0008\u000b-\u001f\u007f-\u009f\ud800-\udfff\ufdd0-\ufdef" + "".join(
    chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)
)
UNSAFE_CHARACTER = re.compile(f"[{UNSAFE_RANGES}]")


def unsafe_character(value: str) -> int | None:
    """Return the first code point of value that no text may hold, or None."""
    found = UNSAFE_CHARACTER.search(value)
    return ord(found.group()) if found else None


def _bad_text(value: Any) -> str:
    """Return why a text value cannot be stored, or '' when it can."""
    if not isinstance(value, str):
        return N_("%(value)s is not text", value=brief(value))
    if len(value) > MAX_TEXT:
        return N_(
            "is %(length)s characters long; write at most %(most)s",
            length=f"{len(value):,}",
            most=f"{MAX_TEXT:,}",
        )
    code = unsafe_character(value)
    if code is not None and 0xD800 <= code <= 0xDFFF:
        return N_(
            "%(value)s contains a character that cannot be saved (a broken \\u escape)",
            value=brief(value),
        )
    if code is not None:
        return N_(
            "contains %(code)s, a control character or noncharacter that text may not "
            "hold; delete it (it is often invisible)",
            code=f"U+{code:04X}",
        )
    return ""


def validate_feature(feature: Any, path: str = "") -> list[Problem]:
    """Return every problem of one report Feature (errors and warnings)."""
    problems: list[Problem] = []
    if not isinstance(feature, dict):
        return [Problem(path, "?", "feature", N_("is not a JSON object"))]
    props = feature.get("properties")
    if not isinstance(props, dict):
        return [
            Problem(path, report_label(str(feature.get("id") or "?")), "properties", N_("missing"))
        ]
    rid = report_label(text_of(props, "id") or str(feature.get("id") or "?"))

    def err(name: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, rid, name, message, severity))

    if feature.get("type") != "Feature":
        err("type", N_('%(value)s should be "Feature"', value=brief(feature.get("type"))))
    raw_id = props.get("id")
    if not isinstance(raw_id, str) or not ID_PATTERN.fullmatch(raw_id):
        err("id", N_("must be lowercase letters, digits and hyphens, e.g. oreshnik-belarus-2024"))
    elif feature.get("id") not in (None, raw_id):
        err(
            "id",
            N_("Feature id %(value)s differs from properties.id", value=brief(feature.get("id"))),
        )
    for name in TEXT_FIELDS:
        value = props.get(name)
        if name in ("title", "summary", "place") and not text_of(props, name):
            err(name, _bad_text(value) if value and not isinstance(value, str) else N_("is empty"))
        elif value is not None and (why := _bad_text(value)):
            err(name, why)
    for name, allowed in (("kind", KINDS), ("status", STATUSES), ("precision", PRECISIONS)):
        if props.get(name) not in allowed:
            err(name, not_one_of(props.get(name), allowed))
    date = props.get("date")
    if not isinstance(date, str) or parse_edtf(date) is None:
        err(
            "date",
            N_(
                "%(value)s is not a real date written YYYY, YYYY-MM or YYYY-MM-DD "
                "(~ about, ? uncertain, START/END a period)",
                value=brief(props.get("date")),
            ),
        )
    for name in LIST_FIELDS:
        value = props.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            err(name, N_('%(value)s is not a list; write it as ["...", "..."]', value=brief(value)))
        elif why := next((w for w in map(_bad_text, value) if w), ""):
            err(name, why)
        elif item := next((v for v in value if LIST_SEPARATOR in v), ""):
            err(
                name,
                N_(
                    "%(value)s contains '%(sign)s', which separates the items of a "
                    "list in spreadsheets; make it two items, or use another sign",
                    value=brief(item),
                    sign=LIST_SEPARATOR,
                ),
            )
    expected = props.get("expected")
    if isinstance(expected, str) and expected and parse_period(expected) is None:
        err("expected", N_("%(value)s is not a date or a START/END period", value=brief(expected)))
    actors = props.get("actors")
    for actor in actors if isinstance(actors, list) else ():
        if actor not in ACTOR_CODES:
            err(
                "actors",
                N_(
                    "%(value)s is not a country code (ISO 3166-1 alpha-3, e.g. BLR) "
                    "or NATO, CSTO, UNION-STATE",
                    value=brief(actor),
                ),
            )
    range_km = props.get("range_km")
    if range_km is not None and (not _finite(range_km) or range_km <= 0):
        err(
            "range_km",
            N_("%(value)s is not a positive number of kilometres", value=brief(range_km)),
        )
    _validate_translations(props.get("translations"), err)
    problems += _validate_geometry(feature.get("geometry"), err)
    problems += _validate_sources(props.get("sources"), err)
    return problems


def _validate_translations(translations: Any, err) -> None:
    """Check each translation: a language of the map, the English fields' text rules, and `by`."""
    if translations is None:
        return
    if not isinstance(translations, dict):
        err(
            "translations",
            N_('%(value)s is not an object; write {"uk": {...}}', value=brief(translations)),
        )
        return
    for lang, translation in translations.items():
        name = f"translations.{lang}"
        if lang not in TRANSLATION_LANGUAGES:
            if lang == "en":
                err(
                    name,
                    N_(
                        "is English, which the report's own fields hold; %(value)s is not one "
                        "of: %(allowed)s",
                        value=brief(lang),
                        allowed=", ".join(TRANSLATION_LANGUAGES),
                    ),
                )
            else:
                err(name, not_one_of(lang, TRANSLATION_LANGUAGES))
            continue
        if not isinstance(translation, dict):
            err(name, N_("is not an object with %(fields)s", fields=", ".join(TRANSLATION_FIELDS)))
            continue
        for key in sorted(set(translation) - set(TRANSLATION_FIELDS), key=str):
            err(
                f"{name}.{key}",
                N_(
                    "is not a field of a translation; use %(fields)s",
                    fields=", ".join(TRANSLATION_FIELDS),
                ),
            )
        for key in TRANSLATED_FIELDS:  # the rules of the English title, summary and place
            value = translation.get(key)
            if not text_of(translation, key):
                err(
                    f"{name}.{key}",
                    _bad_text(value) if value and not isinstance(value, str) else N_("is empty"),
                )
            elif why := _bad_text(value):
                err(f"{name}.{key}", why)
        if translation.get("by") not in TRANSLATORS:
            err(
                f"{name}.by",
                N_(
                    "%(value)s is not one of: %(allowed)s (who translated it: an editor, or a "
                    "machine that no editor has checked)",
                    value=brief(translation.get("by")),
                    allowed=", ".join(TRANSLATORS),
                ),
            )


def _validate_geometry(geometry: Any, err) -> list[Problem]:
    """Check that the geometry is a Point inside the mapped region."""
    coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if (
        not isinstance(geometry, dict)
        or geometry.get("type") != "Point"
        or not isinstance(coords, list)
        or len(coords) != 2
        or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coords)
    ):
        err("geometry", N_("must be a Point with [longitude, latitude] numbers"))
        return []
    if not all(_finite(c) for c in coords):
        shown = ", ".join(brief(c, 20) for c in coords)
        err(
            "geometry",
            N_(
                "must be a Point with [longitude, latitude] numbers; [%(shown)s] is not",
                shown=shown,
            ),
        )
        return []
    lon, lat = coords
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        err(
            "geometry",
            N_(
                "point (%(lon)s, %(lat)s) is outside the mapped region (longitude %(west)s to "
                "%(east)s, latitude %(south)s to %(north)s); are longitude and latitude in that "
                "order?",
                lon=lon,
                lat=lat,
                west=f"{LON_RANGE[0]:g}",
                east=f"{LON_RANGE[1]:g}",
                south=f"{LAT_RANGE[0]:g}",
                north=f"{LAT_RANGE[1]:g}",
            ),
        )
    return []


def _validate_sources(sources: Any, err) -> list[Problem]:
    """Check that there is at least one source and each one is complete and linkable."""
    if not isinstance(sources, list) or not sources:
        err("sources", N_("a report needs at least one source with a URL and a publisher"))
        return []
    for i, source in enumerate(sources, start=1):
        name = f"sources[{i}]"
        if not isinstance(source, dict):
            err(name, N_("is not an object with url and publisher"))
            continue
        for key in sorted(set(source) - set(SOURCE_FIELDS), key=str):
            # The field's name comes from the file: quoted, so a line break in it stays visible.
            plain = key.isidentifier() and key.isascii()
            shown = key if plain else brief(key)
            err(
                f"{name}.{shown}",
                N_("is not a field of a source; use %(fields)s", fields=", ".join(SOURCE_FIELDS)),
            )
        url = source.get("url")
        if not isinstance(url, str) or not is_http_url(url):
            err(f"{name}.url", not_a_link(url))
        elif why := _bad_text(url):
            err(f"{name}.url", why)
        if not isinstance(source.get("publisher"), str) or not source["publisher"].strip():
            err(f"{name}.publisher", N_("is empty"))
        affiliation = source.get("affiliation", "unknown")
        if affiliation not in AFFILIATIONS:
            err(f"{name}.affiliation", not_one_of(affiliation, AFFILIATIONS))
        archive = source.get("archive_url")
        bad_archive = archive not in (None, "") and (
            not isinstance(archive, str) or not is_http_url(archive)
        )
        if bad_archive:
            err(f"{name}.archive_url", not_a_link(archive))
        stance = source.get("stance")
        if stance not in (None, "") and stance not in STANCES:
            err(f"{name}.stance", not_one_of(stance, STANCES))
        published = source.get("published")
        if published not in (None, "") and parse_partial_date(published) is None:
            err(f"{name}.published", N_("%(value)s is not a real date", value=brief(published)))
        for key in ("publisher", "title", "language", "archive_url", "note", "says"):
            value = source.get(key)
            reported = (key == "publisher" and not isinstance(value, str)) or (
                key == "archive_url" and bad_archive
            )
            if value is not None and not reported and (why := _bad_text(value)):
                err(f"{name}.{key}", why)
    return []


def check_features(
    features: Iterable[Any],
    path: str = "",
    keep: Any = None,
    affiliation_of: AffiliationOf | None = None,
) -> list[Problem]:
    """Return every problem of the features, cross-report ones included.

    With keep, each valid feature is also turned into a Report and appended to it, so a caller
    reading features one at a time never holds them all.
    """
    problems: list[Problem] = []
    seen: set[str] = set()
    related: list[tuple[str, tuple[str, ...]]] = []
    for number, feature in enumerate(features, start=1):
        found = validate_feature(feature, path)
        if not isinstance(feature, dict):
            found = [Problem(path, "?", f"features[{number}]", N_("is not a JSON object"))]
        problems += found
        rid = _feature_id(feature)
        if rid in seen and rid != "?":
            problems.append(
                Problem(path, report_label(rid), "id", N_("is used by more than one report"))
            )
        seen.add(rid)
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            related.append((rid, items_of(props, "related")))
        if keep is not None and not any(p.severity == "error" for p in found):
            keep.append(report_from_feature(feature, affiliation_of))
    for rid, others in related:
        problems += [
            Problem(path, report_label(rid), "related", no_report(brief(other)))
            for other in others
            if other not in seen
        ]
    return problems


def check_collection(data: Any, path: str = "") -> list[Problem]:
    """Return every problem of a parsed reports FeatureCollection, cross-report ones included."""
    if not isinstance(data, dict) or data.get("type") != "FeatureCollection":
        return [Problem(path, "-", "type", NOT_A_COLLECTION)]
    features = data.get("features")
    if not isinstance(features, list):
        return [Problem(path, "-", "features", N_("is not a list"))]
    return check_features(features, path)


def _feature_id(feature: Any) -> str:
    """Return a feature's report id for messages, or '?'."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    rid = text_of(props, "id") if isinstance(props, dict) else ""
    return rid or "?"
