"""A report and its sources as Python values: the model that validation accepts into."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from webmap.record.dates import edtf_span
from webmap.record.languages import LANGUAGES, in_language
from webmap.record.vocabulary import PARTISAN_AFFILIATIONS

CAVEATS = {
    "partisan": "Only state media or government sources report this.",
    "single": "This rests on a single source.",
}


class ReportError(ValueError):
    """Raised when a reports file cannot be used; carries every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def in_language(self, lang: str) -> str:
        """Return the problems' lines with their messages in lang."""
        return "\n".join(p.in_language(lang) for p in self.problems)


@dataclass(frozen=True)
class Problem:
    """One thing wrong (or worth a look) in a data file, printable as PATH: ID: FIELD: message."""

    path: str
    report_id: str
    field: str
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        return self.in_language("en")

    def in_language(self, lang: str) -> str:
        """Return the problem's line with its message in lang; the frame stays as it is.

        PATH, REPORT-ID, FIELD and the severity word `warning:` are for tools to read.
        """
        prefix = "warning: " if self.severity == "warning" else ""
        message = in_language(self.message, lang)
        return f"{self.path}: {self.report_id}: {self.field}: {prefix}{message}"


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


TRANSLATED_FIELDS = ("title", "summary", "place")  # what a translation gives in its language
TRANSLATORS = ("editor", "machine")  # who made a translation: `by`


@dataclass(frozen=True)
class Translation:
    """A report's title, summary and place in another language, and who translated them."""

    lang: str
    title: str
    summary: str
    place: str
    by: str

    def to_dict(self) -> dict[str, str]:
        """Return the translation as stored: its fields and `by` (the language is the key)."""
        return {"title": self.title, "summary": self.summary, "place": self.place, "by": self.by}


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
    translations: tuple[Translation, ...] = ()  # in LANGUAGES order, never English
    # The language title, summary and place are in as shown (in_language), and who translated
    # them ("machine" or "editor"; "" when they are the English record). Not part of the record.
    lang: str = "en"
    translated_by: str = ""

    def translation(self, lang: str) -> Translation | None:
        """Return the report's translation into lang, or None."""
        return next((t for t in self.translations if t.lang == lang), None)

    def in_language(self, lang: str) -> Report:
        """Return the report with title, summary and place in lang if it has them, else as is."""
        t = self.translation(lang)
        if t is None:
            return self
        return replace(
            self, title=t.title, summary=t.summary, place=t.place, lang=lang, translated_by=t.by
        )

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
        if self.translations:  # absent when there are none: older files stay byte for byte
            props["translations"] = {t.lang: t.to_dict() for t in self.translations}
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


def text_of(props: dict, name: str) -> str:
    """Return a string property without surrounding spaces, or '' when absent."""
    value = props.get(name)
    return value.strip() if isinstance(value, str) else ""


def items_of(props: dict, name: str) -> tuple[str, ...]:
    """Return a list-of-strings property as a tuple."""
    value = props.get(name) or []
    return tuple(str(v).strip() for v in value if str(v).strip()) if isinstance(value, list) else ()


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
            **{k: str(s.get(k) or "").strip() for k in OPTIONAL_SOURCE_FIELDS},
        )
        for s in props["sources"]
    )
    range_km = props.get("range_km")
    return Report(
        id=props["id"],
        title=text_of(props, "title"),
        summary=text_of(props, "summary"),
        kind=text_of(props, "kind"),
        status=text_of(props, "status"),
        date=text_of(props, "date"),
        place=text_of(props, "place"),
        precision=text_of(props, "precision"),
        lon=float(lon),
        lat=float(lat),
        sources=sources,
        claimed_by=text_of(props, "claimed_by"),
        expected=text_of(props, "expected"),
        actors=items_of(props, "actors"),
        systems=items_of(props, "systems"),
        range_km=float(range_km) if range_km is not None else None,
        related=items_of(props, "related"),
        translations=translations_of(props),
    )


def translations_of(props: dict) -> tuple[Translation, ...]:
    """Return a checked report's translations, in the order of LANGUAGES."""
    given = props.get("translations") or {}
    return tuple(
        Translation(
            lang=lang,
            **{name: text_of(given[lang], name) for name in TRANSLATED_FIELDS},
            by=text_of(given[lang], "by"),
        )
        for lang in LANGUAGES
        if isinstance(given.get(lang), dict)
    )


OPTIONAL_SOURCE_FIELDS = (
    "title",
    "published",
    "language",
    "archive_url",
    "note",
    "stance",
    "says",
)
