"""Reports and their sources: the model, validation, loading, filtering and serialisation."""

from __future__ import annotations

import codecs
import json
import math
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from webmap.catalog.datafiles import NotARegularFile, read_regular
from webmap.geo.countries import COUNTRY_NAMES
from webmap.record.dates import edtf_span, parse_edtf, parse_partial_date, parse_period
from webmap.record.geojson_io import write_feature_collection
from webmap.record.stream_json import iter_collection

KINDS = (
    "deployment_announcement",
    "deployment",
    "strike",
    "exercise",
    "agreement",
    "accession",
    "statement",
    "incident",
    "fortification",
)
STATUSES = ("announced", "reported", "confirmed", "disputed", "denied")
AFFILIATIONS = (
    "independent",
    "public_broadcaster",
    "state_media",
    "government",
    "think_tank",
    "wire",
    "unknown",
)
PRECISIONS = ("site", "city", "region", "country")
# What a source does with the claim, in the order a report page lists them, with its heading.
STANCE_HEADINGS = {
    "claim": "The claim",
    "relays": "Reported by",
    "confirms": "Confirmed by",
    "disputes": "Disputed by",
    "denies": "Denied by",
    "context": "Background",
}
STANCES = tuple(STANCE_HEADINGS)
ALLIANCE_CODES = ("NATO", "CSTO", "UNION-STATE")
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
PARTISAN_AFFILIATIONS = frozenset({"state_media", "government"})
CAVEATS = {
    "partisan": "Only state media or government sources report this.",
    "single": "This rests on a single source.",
}
REPORTS_FILE = "reports.geojson"
NOT_A_COLLECTION = "the file is not a GeoJSON FeatureCollection"
LON_RANGE = (-30.0, 190.0)
LAT_RANGE = (25.0, 85.0)
MAX_TEXT = 2000  # characters in any one text field: a summary is one to three sentences
TEXT_FIELDS = ("title", "summary", "place", "claimed_by", "expected")
LIST_FIELDS = ("actors", "systems", "related")
LIST_SEPARATOR = ";"  # between the items of a list in a CSV cell
GEOJSON_HINT = "save it as UTF-8 (in most editors: Save As, then Encoding)"


class ReportError(ValueError):
    """Raised when a reports file cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a data file, printable as PATH: ID: FIELD: message."""

    path: str
    report_id: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{self.path}: {self.report_id}: {self.field}: {prefix}{self.message}"


@dataclass(frozen=True)
class Source:
    """A page that reported the claim."""

    url: str
    publisher: str
    affiliation: str = "unknown"
    title: str = ""
    published: str = ""
    language: str = ""
    archive_url: str = ""
    note: str = ""
    stance: str = ""
    says: str = ""

    def to_dict(self) -> dict[str, str]:
        """Return the source as a dict without empty optional fields."""
        return {k: v for k, v in asdict(self).items() if v or k in ("url", "publisher")}


@dataclass(frozen=True)
class Report:
    """A claim: who said what happened, when and where, and who reported it."""

    id: str
    title: str
    summary: str
    kind: str
    status: str
    date: str
    place: str
    precision: str
    lon: float
    lat: float
    sources: tuple[Source, ...]
    claimed_by: str = ""
    expected: str = ""
    actors: tuple[str, ...] = ()
    systems: tuple[str, ...] = ()
    range_km: float | None = None
    related: tuple[str, ...] = field(default_factory=tuple)

    @property
    def caveat(self) -> str:
        """Say plainly when the report rests on one source, or only on partisan ones."""
        return source_caveat([s.affiliation for s in self.sources])

    @property
    def span(self) -> tuple[str, str]:
        """Return the first and last ISO day the report's date covers."""
        return edtf_span(self.date)

    def to_feature(self) -> dict[str, Any]:
        """Return the report as a GeoJSON Feature ([lon, lat], id at both levels)."""
        props: dict[str, Any] = {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "kind": self.kind,
            "status": self.status,
            "claimed_by": self.claimed_by,
            "date": self.date,
            "expected": self.expected,
            "place": self.place,
            "precision": self.precision,
            "actors": list(self.actors),
            "systems": list(self.systems),
            "range_km": self.range_km,
            "sources": [s.to_dict() for s in self.sources],
            "related": list(self.related),
        }
        return {
            "type": "Feature",
            "id": self.id,
            "geometry": {"type": "Point", "coordinates": [self.lon, self.lat]},
            "properties": props,
        }


def source_caveat(affiliations: Sequence[str]) -> str:
    """Return the caveat for a report whose sources have these affiliations, or ''."""
    if affiliations and all(a in PARTISAN_AFFILIATIONS for a in affiliations):
        return CAVEATS["partisan"]
    if len(affiliations) == 1:
        return CAVEATS["single"]
    return ""


def _text(props: dict, name: str) -> str:
    """Return a string property, or '' when absent."""
    value = props.get(name)
    return value.strip() if isinstance(value, str) else ""


def _list(props: dict, name: str) -> tuple[str, ...]:
    """Return a list-of-strings property as a tuple."""
    value = props.get(name) or []
    return tuple(str(v).strip() for v in value if str(v).strip()) if isinstance(value, list) else ()


def _is_http_url(url: str) -> bool:
    """Tell whether url is an absolute http(s) URL, the only kind we turn into links."""
    return bool(re.match(r"^https?://[^\s/?#]+\.[^\s]+$", url, re.IGNORECASE))


def brief(value: Any, limit: int = 80) -> str:
    """Return repr(value) cut to about limit characters, so a huge value cannot flood a message."""
    if isinstance(value, str) and len(value) > limit:
        return repr(value[:limit]) + f"... ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def report_label(rid: str) -> str:
    """Return a report id fit for a one-line message: printable and not too long."""
    label = rid if rid.isprintable() else repr(rid)
    return label if len(label) <= 60 else label[:57] + "..."


def _finite(value: Any) -> bool:
    """Tell whether value is a JSON number that is finite as a float (not NaN, not Infinity)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an integer too large for a float
        return False


def _unsafe_characters() -> re.Pattern[str]:
    """Return a pattern matching code points no text field may hold.

    Control characters other than tab and line feed (C0, DEL, C1), lone surrogates, and the
    66 Unicode noncharacters: they break XML (KML), confuse terminals, or are not text at all.
    """
    ranges = ["\x00-\x08", "\x0b-\x1f", "\x7f-\x9f", "\ud800-\udfff", "\ufdd0-\ufdef"]
    ranges += [chr(plane << 16 | 0xFFFE) + chr(plane << 16 | 0xFFFF) for plane in range(17)]
    return re.compile("[" + "".join(ranges) + "]")


UNSAFE_CHARACTER = _unsafe_characters()


def unsafe_character(value: str) -> int | None:
    """Return the first code point of value that no text may hold, or None."""
    found = UNSAFE_CHARACTER.search(value)
    return ord(found.group()) if found else None


def _bad_text(value: Any) -> str:
    """Return why a text value cannot be stored, or '' when it can."""
    if not isinstance(value, str):
        return f"{brief(value)} is not text"
    if len(value) > MAX_TEXT:
        return f"is {len(value):,} characters long; write at most {MAX_TEXT:,}"
    code = unsafe_character(value)
    if code is not None and 0xD800 <= code <= 0xDFFF:
        return f"{brief(value)} contains a character that cannot be saved (a broken \\u escape)"
    if code is not None:
        return (
            f"contains U+{code:04X}, a control character or noncharacter that text may not "
            "hold; delete it (it is often invisible)"
        )
    return ""


def validate_feature(feature: Any, path: str = "") -> list[Problem]:
    """Return every problem of one report Feature (errors and warnings)."""
    problems: list[Problem] = []
    if not isinstance(feature, dict):
        return [Problem(path, "?", "feature", "is not a JSON object")]
    props = feature.get("properties")
    if not isinstance(props, dict):
        return [Problem(path, report_label(str(feature.get("id") or "?")), "properties", "missing")]
    rid = report_label(_text(props, "id") or str(feature.get("id") or "?"))

    def err(name: str, message: str, severity: str = "error") -> None:
        problems.append(Problem(path, rid, name, message, severity))

    raw_id = props.get("id")
    if not isinstance(raw_id, str) or not ID_PATTERN.fullmatch(raw_id):
        err("id", "must be lowercase letters, digits and hyphens, e.g. oreshnik-belarus-2024")
    elif feature.get("id") not in (None, raw_id):
        err("id", f"Feature id {brief(feature.get('id'))} differs from properties.id")
    for name in TEXT_FIELDS:
        value = props.get(name)
        if name in ("title", "summary", "place") and not _text(props, name):
            err(name, _bad_text(value) if value and not isinstance(value, str) else "is empty")
        elif value is not None and (why := _bad_text(value)):
            err(name, why)
    for name, allowed in (("kind", KINDS), ("status", STATUSES), ("precision", PRECISIONS)):
        if _text(props, name) not in allowed:
            err(name, f"{brief(props.get(name))} is not one of: {', '.join(allowed)}")
    if parse_edtf(_text(props, "date")) is None:
        err(
            "date",
            f"{brief(props.get('date'))} is not a real date written YYYY, YYYY-MM or YYYY-MM-DD "
            "(~ about, ? uncertain, START/END a period)",
        )
    for name in LIST_FIELDS:
        value = props.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            err(name, f'{brief(value)} is not a list; write it as ["...", "..."]')
        elif why := next((w for w in map(_bad_text, value) if w), ""):
            err(name, why)
        elif item := next((v for v in value if LIST_SEPARATOR in v), ""):
            err(
                name,
                f"{brief(item)} contains '{LIST_SEPARATOR}', which separates the items of a "
                "list in spreadsheets; make it two items, or use another sign",
            )
    expected = _text(props, "expected")
    if expected and parse_period(expected) is None:
        err("expected", f"{brief(expected)} is not a date or a START/END period")
    for actor in _list(props, "actors"):
        if actor not in ALLIANCE_CODES and actor not in COUNTRY_NAMES:
            err(
                "actors",
                f"{brief(actor)} is not a country code (ISO 3166-1 alpha-3, e.g. BLR) "
                "or NATO, CSTO, UNION-STATE",
            )
    range_km = props.get("range_km")
    if range_km is not None and (not _finite(range_km) or range_km <= 0):
        err("range_km", f"{brief(range_km)} is not a positive number of kilometres")
    problems += _validate_geometry(feature.get("geometry"), err)
    problems += _validate_sources(props.get("sources"), err)
    return problems


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
        err("geometry", "must be a Point with [longitude, latitude] numbers")
        return []
    if not all(_finite(c) for c in coords):
        shown = ", ".join(brief(c, 20) for c in coords)
        err("geometry", f"must be a Point with [longitude, latitude] numbers; [{shown}] is not")
        return []
    lon, lat = coords
    if not (LON_RANGE[0] <= lon <= LON_RANGE[1] and LAT_RANGE[0] <= lat <= LAT_RANGE[1]):
        err(
            "geometry",
            f"point ({lon}, {lat}) is outside the mapped region "
            f"(longitude {LON_RANGE[0]:g} to {LON_RANGE[1]:g}, latitude {LAT_RANGE[0]:g} to "
            f"{LAT_RANGE[1]:g}); are longitude and latitude in that order?",
        )
    return []


def _validate_sources(sources: Any, err) -> list[Problem]:
    """Check that there is at least one source and each one is complete and linkable."""
    if not isinstance(sources, list) or not sources:
        err("sources", "a report needs at least one source with a URL and a publisher")
        return []
    for i, source in enumerate(sources, start=1):
        name = f"sources[{i}]"
        if not isinstance(source, dict):
            err(name, "is not an object with url and publisher")
            continue
        url = source.get("url")
        if not isinstance(url, str) or not _is_http_url(url.strip()):
            err(f"{name}.url", f"{brief(url)} is not an http:// or https:// address")
        elif why := _bad_text(url):
            err(f"{name}.url", why)
        if not isinstance(source.get("publisher"), str) or not source["publisher"].strip():
            err(f"{name}.publisher", "is empty")
        affiliation = source.get("affiliation", "unknown")
        if affiliation not in AFFILIATIONS:
            err(
                f"{name}.affiliation",
                f"{brief(affiliation)} is not one of: {', '.join(AFFILIATIONS)}",
            )
        archive = source.get("archive_url")
        bad_archive = archive and (not isinstance(archive, str) or not _is_http_url(archive))
        if bad_archive:
            err(f"{name}.archive_url", f"{brief(archive)} is not an http:// or https:// address")
        stance = source.get("stance")
        if stance not in (None, "") and stance not in STANCES:
            err(f"{name}.stance", f"{brief(stance)} is not one of: {', '.join(STANCES)}")
        published = source.get("published")
        if published and parse_partial_date(str(published)) is None:
            err(f"{name}.published", f"{brief(published)} is not a real date")
        for key in ("publisher", "title", "language", "archive_url", "note", "says"):
            value = source.get(key)
            reported = (key == "publisher" and not isinstance(value, str)) or (
                key == "archive_url" and bad_archive
            )
            if value and not reported and (why := _bad_text(value)):
                err(f"{name}.{key}", why)
    return []


AffiliationOf = Callable[[str], str | None]  # a source URL's publisher's affiliation, if known


def report_from_feature(
    feature: dict[str, Any], affiliation_of: AffiliationOf | None = None
) -> Report:
    """Build a Report from a Feature that validate_feature accepted.

    A source without an affiliation takes its publisher's, from affiliation_of, if given.
    """
    props = feature["properties"]
    lon, lat = feature["geometry"]["coordinates"]
    sources = tuple(
        Source(
            url=s["url"].strip(),
            publisher=s["publisher"].strip(),
            affiliation=s.get("affiliation")
            or (affiliation_of(s["url"].strip()) if affiliation_of else None)
            or "unknown",
            **{k: str(s.get(k) or "").strip() for k in _OPTIONAL_SOURCE_FIELDS},
        )
        for s in props["sources"]
    )
    range_km = props.get("range_km")
    return Report(
        id=props["id"],
        title=_text(props, "title"),
        summary=_text(props, "summary"),
        kind=_text(props, "kind"),
        status=_text(props, "status"),
        date=_text(props, "date"),
        place=_text(props, "place"),
        precision=_text(props, "precision"),
        lon=float(lon),
        lat=float(lat),
        sources=sources,
        claimed_by=_text(props, "claimed_by"),
        expected=_text(props, "expected"),
        actors=_list(props, "actors"),
        systems=_list(props, "systems"),
        range_km=float(range_km) if range_km is not None else None,
        related=_list(props, "related"),
    )


_OPTIONAL_SOURCE_FIELDS = (
    "title",
    "published",
    "language",
    "archive_url",
    "note",
    "stance",
    "says",
)


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
            found = [Problem(path, "?", f"features[{number}]", "is not a JSON object")]
        problems += found
        rid = _feature_id(feature)
        if rid in seen and rid != "?":
            problems.append(
                Problem(path, report_label(rid), "id", "is used by more than one report")
            )
        seen.add(rid)
        props = feature.get("properties") if isinstance(feature, dict) else None
        if isinstance(props, dict):
            related.append((rid, _list(props, "related")))
        if keep is not None and not any(p.severity == "error" for p in found):
            keep.append(report_from_feature(feature, affiliation_of))
    for rid, others in related:
        problems += [
            Problem(path, report_label(rid), "related", f"no report has id {brief(other)}")
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
        return [Problem(path, "-", "features", "is not a list")]
    return check_features(features, path)


def _feature_id(feature: Any) -> str:
    """Return a feature's report id for messages, or '?'."""
    props = feature.get("properties") if isinstance(feature, dict) else None
    rid = _text(props, "id") if isinstance(props, dict) else ""
    return rid or "?"


def _file_error(path: Path, message: str) -> ReportError:
    """Return a ReportError about a whole file."""
    return ReportError([Problem(str(path), "-", "file", message)])


def read_text(path: Path, hint: str = GEOJSON_HINT) -> str:
    """Read a UTF-8 file (a BOM is fine); raise a ReportError naming it if it cannot be read."""
    try:
        data = read_regular(Path(path))
    except FileNotFoundError:
        raise _file_error(path, "does not exist") from None
    except IsADirectoryError:
        raise _file_error(path, "is a folder, not a file") from None
    except NotARegularFile:
        raise _file_error(path, "is not a regular file (a FIFO or a device?)") from None
    except OSError as exc:
        raise _file_error(path, f"cannot be read ({exc.strerror or exc})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _file_error(path, f"is not UTF-8 text; {hint} (it is saved as UTF-16)")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        where = f"line {line} has a character in another encoding, such as Latin-1 or Windows-1252"
        raise _file_error(path, f"is not UTF-8 text; {hint} ({where})") from None


_JSON_REASONS = {
    "Expecting value": "expected a value here",
    "Expecting property name enclosed in double quotes": "expected a name in double quotes "
    "(is there a comma too many, or single quotes?)",
    "Expecting ',' delimiter": "expected a comma between two items",
    "Expecting ':' delimiter": "expected a colon after a name",
    "Unterminated string starting at": "text in quotes starts here but never ends",
    "Invalid control character at": "a line break or tab inside quotes must be written \\n or \\t",
    "Extra data": "there is more after the end of the data",
}


def _json_problem(path: Path, exc: json.JSONDecodeError) -> ReportError:
    """Return a ReportError saying, in plain words, where a file stops being valid JSON."""
    if not exc.doc.strip():
        return _file_error(path, "is empty; a reports file is a GeoJSON FeatureCollection")
    reason = _JSON_REASONS.get(exc.msg, exc.msg.removesuffix(" at"))
    if exc.msg.startswith("Unterminated") or exc.pos >= len(exc.doc.rstrip()):
        reason += "; the file ends too early: was it cut short?"
    return _file_error(path, f"is not valid JSON: {reason} (line {exc.lineno}, column {exc.colno})")


def _unparsable(path: Path, exc: Exception) -> ReportError:
    """Return a ReportError for JSON that Python cannot turn into values."""
    if isinstance(exc, RecursionError):
        return _file_error(path, "is nested too deeply to be a reports file")
    if "digits" in str(exc):
        limit = sys.get_int_max_str_digits()
        return _file_error(path, f"has a number too long to be read (more than {limit:,} digits)")
    return _file_error(path, f"is not usable JSON ({exc})")


def read_json(path: Path) -> Any:
    """Parse a JSON file, turning decoding errors into a ReportError that names the file."""
    text = read_text(path)
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise _json_problem(path, exc) from None
    except (RecursionError, ValueError) as exc:  # ValueError: an integer of > 4300 digits
        raise _unparsable(path, exc) from None


def check_file(path: Path) -> list[Problem]:
    """Return every problem of a reports file, or the reason it cannot be read."""
    try:
        data = read_json(path)
    except ReportError as exc:
        return exc.problems
    return check_collection(data, str(path))


def load_reports(path: Path) -> list[Report]:
    """Load and validate a reports file; raise ReportError on errors."""
    reports: list[Report] = []
    read_reports_into(path, reports)
    return sorted(reports, key=lambda r: r.id)


def read_reports_into(path: Path, sink: Any) -> None:
    """Validate a reports file one feature at a time, appending each Report to sink.

    Raise ReportError listing every error; the sink may then hold part of the reports.
    """
    text = read_text(path)
    if text.strip() and not text.lstrip().startswith("{"):
        raise ReportError([Problem(str(path), "-", "type", NOT_A_COLLECTION)])
    members: dict[str, Any] = {}

    def features() -> Iterator[Any]:
        try:
            for key, value in iter_collection(text):
                if key == "features":
                    yield value
                else:
                    members[key] = value
        except json.JSONDecodeError as exc:
            raise _json_problem(path, exc) from None
        except (RecursionError, ValueError) as exc:  # ValueError: an integer of > 4300 digits
            raise _unparsable(path, exc) from None

    problems = check_features(features(), str(path), sink, publisher_affiliations(path))
    if members.get("type") != "FeatureCollection":
        problems.insert(0, Problem(str(path), "-", "type", NOT_A_COLLECTION))
    elif "features:start" not in members:
        problems.insert(0, Problem(str(path), "-", "features", "is not a list"))
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        raise ReportError(errors)


def publisher_affiliations(path: Path) -> AffiliationOf | None:
    """Return the affiliation lookup of the publishers table beside a reports file, if any."""
    from webmap.record.publishers import load_publishers  # the table module builds on this one

    table = load_publishers(Path(path).parent)
    if table is None:
        return None
    return lambda url: row.affiliation if (row := table.lookup(url)) else None


def save_reports(path: Path, reports: Iterable[Report]) -> None:
    """Write reports atomically as a FeatureCollection sorted by id, 2-space indented."""
    features = [r.to_feature() for r in sorted(reports, key=lambda r: r.id)]
    write_feature_collection(path, features, indent=2)
