"""Filter reports by the criteria that /api/reports and the map share."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from webmap.dates import date_span, parse_partial_date
from webmap.reports import Report

LIST_FILTERS = ("kind", "status", "actor", "affiliation")


class FilterError(ValueError):
    """Raised when a filter value cannot be understood; the message names the parameter."""


@dataclass(frozen=True)
class Criteria:
    """What a reader asked to see; empty means no restriction."""

    date_from: str = ""
    date_to: str = ""
    kind: tuple[str, ...] = ()
    status: tuple[str, ...] = ()
    actor: tuple[str, ...] = ()
    affiliation: tuple[str, ...] = ()
    q: str = ""
    bbox: tuple[float, float, float, float] | None = None


def parse_criteria(args: Mapping[str, Sequence[str]]) -> Criteria:
    """Build Criteria from query parameters (each a list of values; commas also separate)."""

    def values(name: str) -> tuple[str, ...]:
        items = [v.strip() for raw in args.get(name, ()) for v in raw.split(",")]
        return tuple(v for v in items if v)

    def one_date(name: str, end: bool) -> str:
        raw = (args.get(name) or [""])[-1].strip()
        if not raw:
            return ""
        if parse_partial_date(raw) is None:
            raise FilterError(f"{name}: {raw!r} is not a date written YYYY, YYYY-MM or YYYY-MM-DD")
        return date_span(raw)[1 if end else 0]

    bbox = None
    raw_bbox = (args.get("bbox") or [""])[-1].strip()
    if raw_bbox:
        try:
            west, south, east, north = (float(v) for v in raw_bbox.split(","))
        except ValueError:
            raise FilterError("bbox: write four numbers west,south,east,north") from None
        if south > north:
            raise FilterError("bbox: south is greater than north")
        bbox = (west, south, east, north)
    return Criteria(
        date_from=one_date("from", end=False),
        date_to=one_date("to", end=True),
        kind=values("kind"),
        status=values("status"),
        actor=tuple(a.upper() for a in values("actor")),
        affiliation=values("affiliation"),
        q=" ".join((args.get("q") or [""])[-1].split()).casefold(),
        bbox=bbox,
    )


def searchable_text(report: Report) -> str:
    """Return the text that a search looks through, folded for case."""
    parts = [report.title, report.summary, report.place, report.claimed_by, *report.systems]
    parts += [s.publisher for s in report.sources]
    return " ".join(parts).casefold()


def matches(report: Report, c: Criteria) -> bool:
    """Tell whether a report meets all criteria (values OR within a filter, AND across)."""
    start, end = report.span
    if c.date_from and end < c.date_from:
        return False
    if c.date_to and start > c.date_to:
        return False
    if c.kind and report.kind not in c.kind:
        return False
    if c.status and report.status not in c.status:
        return False
    if c.actor and not set(report.actors) & set(c.actor):
        return False
    if c.affiliation and not {s.affiliation for s in report.sources} & set(c.affiliation):
        return False
    if c.q and not all(word in searchable_text(report) for word in c.q.split()):
        return False
    if c.bbox:
        west, south, east, north = c.bbox
        in_lon = (
            west <= report.lon <= east if west <= east else report.lon >= west or report.lon <= east
        )
        if not (in_lon and south <= report.lat <= north):
            return False
    return True


def filter_reports(reports: Iterable[Report], criteria: Criteria) -> list[Report]:
    """Return the reports that meet the criteria, in their given order."""
    return [r for r in reports if matches(r, criteria)]
