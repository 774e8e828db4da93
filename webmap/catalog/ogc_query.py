"""OGC API – Features parameters as /api/reports queries, and the documents the API answers.

Flask-free: `parse_items_request` turns `bbox`, `datetime`, `limit` and `offset` into the same
ReportQuery that /api/reports runs (a `datetime` interval is its `from`/`to`), so both answer
from one query. Links are built on a base the web layer chooses (a path, or a public URL).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode

import numpy as np

from webmap.catalog.filters import LIST_FILTERS, NUMBER, FilterError
from webmap.catalog.query import ReportQuery, ReportResult, parse_query
from webmap.catalog.report_index import ReportIndex
from webmap.record.dates import date_span, parse_partial_date

COLLECTION = "reports"
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000  # a larger limit is served as this one, as Part 1 says (not an error)
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
)
GEOJSON = "application/geo+json"
JSON = "application/json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
# Parameters of /items beyond Part 1's: our own filters, the page language, the output format.
EXTRA_PARAMS = (*LIST_FILTERS, "q", "lang", "f")
ITEMS_PARAMS = ("bbox", "bbox-crs", "datetime", "limit", "offset", *EXTRA_PARAMS)
# RFC 3339 date-time, ASCII digits only (datetime.fromisoformat alone reads far more).
DATE_TIME = re.compile(
    r"([0-9]{4}-[0-9]{2}-[0-9]{2})[Tt]([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]+)?"
    r"([Zz]|[+ -][0-9]{2}:[0-9]{2})"  # a space: a "+" left unencoded in the URL
)
DIGITS = re.compile(r"[0-9]{1,12}")
OPEN = ("", "..")


class OgcError(ValueError):
    """A request the API cannot answer: an OGC exception code, a status and a description."""

    def __init__(self, description: str, status: int = 400, code: str = "InvalidParameterValue"):
        super().__init__(description)
        self.status, self.code, self.description = status, code, description

    def body(self) -> dict[str, str]:
        """Return the exception as OGC API's JSON exception body."""
        return {"code": self.code, "description": self.description}


def _day(raw: str) -> str:
    """Return a date or RFC 3339 date-time as the day /api/reports reads (UTC for a time)."""
    if parse_partial_date(raw) is not None:  # YYYY, YYYY-MM or YYYY-MM-DD, as from/to take
        return raw
    match = DATE_TIME.fullmatch(raw)
    if match:
        try:
            # RFC 3339 allows a leap second (:60): it falls on the same day as :59.
            second = "59" if match.group(4) == "60" else match.group(4)
            written = raw[:17] + second + raw[19:].replace(" ", "+").upper().replace("Z", "+00:00")
            stamp = datetime.fromisoformat(written)
            return stamp.astimezone(UTC).date().isoformat()
        except (ValueError, OverflowError):
            pass
    shown = raw if len(raw) <= 40 else raw[:40] + "…"
    raise OgcError(
        f"datetime: {shown!r} is not a date (YYYY-MM-DD) or an RFC 3339 date-time "
        "(e.g. 2024-12-06T00:00:00Z)"
    )


def datetime_range(raw: str) -> tuple[str, str]:
    """Return (from, to) for /api/reports from an OGC datetime; '' is an open end.

    An instant is the interval from itself to itself; `..` (or nothing) opens an end. A report
    matches when its date's span overlaps the interval, as /api/reports?from=&to= does.
    """
    parts = raw.strip().split("/")
    if len(parts) == 1:
        if parts[0] in OPEN:
            raise OgcError(
                "datetime: write an instant, or an interval START/END with .. for an open end"
            )
        day = _day(parts[0])
        return day, day
    if len(parts) != 2 or (parts[0] in OPEN and parts[1] in OPEN):
        raise OgcError(
            "datetime: write an instant, or an interval START/END with .. for an open end"
        )
    start = "" if parts[0] in OPEN else _day(parts[0])
    end = "" if parts[1] in OPEN else _day(parts[1])
    if start and end and date_span(start)[0] > date_span(end)[1]:
        raise OgcError("datetime: the interval's start is after its end")
    return start, end


def ogc_bbox(raw: str) -> str:
    """Return an OGC bbox (4 numbers, or 6 with heights) as /api/reports' w,s,e,n."""
    parts = [p.strip() for p in raw.split(",")]
    if len(parts) not in (4, 6) or not all(NUMBER.fullmatch(p) for p in parts):
        raise OgcError(
            "bbox: write four numbers minlon,minlat,maxlon,maxlat (or six, with heights)"
        )
    if len(parts) == 6:  # minlon,minlat,minheight,maxlon,maxlat,maxheight: points have none
        parts = [parts[0], parts[1], parts[3], parts[4]]
    return ",".join(parts)


def _count(name: str, raw: str, least: int) -> int:
    """Return a whole number parameter of at least `least`; raise OgcError otherwise."""
    if not DIGITS.fullmatch(raw) or int(raw) < least:
        raise OgcError(f"{name}: write a whole number from {least}, in the digits 0-9")
    return int(raw)


@dataclass(frozen=True)
class ItemsRequest:
    """One /items request: the report query, the page, and its parameters for links."""

    query: ReportQuery
    limit: int = DEFAULT_LIMIT
    offset: int = 0
    params: tuple[tuple[str, str], ...] = ()  # what chooses reports, as the client wrote it


def parse_items_request(args: Mapping[str, Sequence[str]]) -> ItemsRequest:
    """Return the ItemsRequest of /items parameters; raise OgcError naming a bad one."""
    unknown = sorted(set(args) - set(ITEMS_PARAMS))
    if unknown:
        known = ", ".join(ITEMS_PARAMS)
        raise OgcError(f"unknown parameter {unknown[0]!r}; parameters: {known}")
    last = {name: values[-1].strip() for name, values in args.items() if values}
    crs = last.get("bbox-crs", "")
    if crs and crs not in (CRS84, f"[{CRS84}]"):
        raise OgcError(f"bbox-crs: only {CRS84} is supported")
    api: dict[str, list[str]] = {
        name: list(args[name]) for name in (*LIST_FILTERS, "q") if name in args
    }
    if last.get("bbox"):
        api["bbox"] = [ogc_bbox(last["bbox"])]
    if last.get("datetime"):
        start, end = datetime_range(last["datetime"])
        api["from"], api["to"] = [start], [end]
    try:
        query = parse_query(api)
    except FilterError as exc:
        raise OgcError(str(exc)) from None
    limit = (
        min(_count("limit", last["limit"], 1), MAX_LIMIT) if last.get("limit") else DEFAULT_LIMIT
    )
    offset = _count("offset", last["offset"], 0) if last.get("offset") else 0
    kept = ("bbox", "bbox-crs", "datetime", *LIST_FILTERS, "q")
    params = tuple((name, v) for name in kept for v in args.get(name, ()) if v.strip())
    return ItemsRequest(query, limit, offset, params)


def href(base: str, path: str = "", params: Sequence[tuple[str, str]] = ()) -> str:
    """Return a link under base (a path such as /ogc, or a public URL) with query parameters."""
    query = urlencode(list(params), quote_via=quote, safe=",:/")
    return base + path + ("?" + query if query else "")


def link(url: str, rel: str, media: str, title: str) -> dict[str, str]:
    """Return one OGC link object."""
    return {"href": url, "rel": rel, "type": media, "title": title}


def alternates(
    url: str, params: Sequence[tuple[str, str]], media: str, what: str, json_media: str = JSON
) -> list[dict]:
    """Return the self link (in media) and the alternate (the other of JSON and HTML)."""
    as_json = link(href(url, "", [*params, ("f", "json")]), "", json_media, f"{what} as JSON")
    as_html = link(href(url, "", [*params, ("f", "html")]), "", HTML, f"{what} as HTML")
    first, second = (as_html, as_json) if media == HTML else (as_json, as_html)
    return [{**first, "rel": "self"}, {**second, "rel": "alternate"}]


def landing_page(base: str, media: str) -> dict:
    """Return the landing page: what this API is, and links to everything it serves."""
    return {
        "title": "webmap: alliances and military deployments, as reported",
        "description": "Reports of deployments, strikes, exercises and agreements around "
        "Belarus, Russia and NATO's eastern flank, each with its claimant, status and sources.",
        "links": [
            *alternates(base, (), media, "This document"),
            link(
                href(base, "/conformance", [("f", "json")]),
                "conformance",
                JSON,
                "Conformance classes",
            ),
            link(href(base, "/collections", [("f", "json")]), "data", JSON, "Collections"),
            link(href(base, "/api"), "service-desc", OPENAPI, "The API definition (OpenAPI 3.0)"),
        ],
    }


def conformance() -> dict:
    """Return the conformance declaration."""
    return {"conformsTo": list(CONFORMANCE)}


def extent(index: ReportIndex) -> dict:
    """Return the collection's extent: the reports' bounding box and their first and last day."""
    if not len(index):
        return {"spatial": {"bbox": [[-180.0, -90.0, 180.0, 90.0]], "crs": CRS84}}
    bbox = [
        float(index.lon.min()),
        float(index.lat.min()),
        float(index.lon.max()),
        float(index.lat.max()),
    ]
    first, last = str(index.start.min()), str(index.end.max())
    return {
        "spatial": {"bbox": [bbox], "crs": CRS84},
        "temporal": {
            "interval": [[f"{first}T00:00:00Z", f"{last}T23:59:59Z"]],
            "trs": "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian",
        },
    }


def collection(base: str, index: ReportIndex, media: str) -> dict:
    """Return the reports collection's description, with links to its items."""
    url = base + f"/collections/{COLLECTION}"
    return {
        "id": COLLECTION,
        "title": "Reports",
        "description": "Each report is a claim: who said what, when and where, and who reported "
        "it. Its date is a day, month or year, or an interval (EDTF); a datetime query selects "
        "the reports whose dates overlap it.",
        "itemType": "feature",
        "crs": [CRS84],
        "extent": extent(index),
        "links": [
            *alternates(url, (), media, "This collection"),
            link(href(url, "/items", [("f", "json")]), "items", GEOJSON, "The reports as GeoJSON"),
            link(href(url, "/items", [("f", "html")]), "items", HTML, "The reports as HTML"),
        ],
    }


def collections(base: str, index: ReportIndex, media: str) -> dict:
    """Return the list of collections (one: the reports)."""
    return {
        "links": alternates(base + "/collections", (), media, "The collections"),
        "collections": [collection(base, index, JSON)],
    }


def record_feature(stored: bytes) -> dict:
    """Return a stored Feature as the data file has it (without what the server derived)."""
    feature = json.loads(stored)
    feature["properties"].pop("derived", None)
    return feature


@dataclass(frozen=True)
class ItemsPage:
    """One page of the items a request matched."""

    features: list[dict]
    number_matched: int
    links: list[dict]
    time_stamp: str

    def document(self) -> dict:
        """Return the page as a GeoJSON FeatureCollection with OGC API's members."""
        return {
            "type": "FeatureCollection",
            "features": self.features,
            "numberMatched": self.number_matched,
            "numberReturned": len(self.features),
            "timeStamp": self.time_stamp,
            "links": self.links,
        }


def items_page(base: str, result: ReportResult, request: ItemsRequest, media: str) -> ItemsPage:
    """Return the page of result that request asks for, with self, alternate, next and prev."""
    url = base + f"/collections/{COLLECTION}/items"
    matched = len(result)
    positions = np.asarray(result.positions)[request.offset : request.offset + request.limit]
    features = [record_feature(result.index.feature_bytes(i)) for i in positions.tolist()]
    fmt = "html" if media == HTML else "json"
    page_media = HTML if media == HTML else GEOJSON

    def at(offset: int) -> list[tuple[str, str]]:
        """Return the parameters of the page starting at offset."""
        return [*request.params, ("limit", str(request.limit)), ("offset", str(offset))]

    links = alternates(url, at(request.offset), media, "This page", GEOJSON)
    if request.offset + request.limit < matched:
        nxt = href(url, "", [*at(request.offset + request.limit), ("f", fmt)])
        links.append(link(nxt, "next", page_media, "The next page"))
    if request.offset > 0:
        prev = href(url, "", [*at(max(request.offset - request.limit, 0)), ("f", fmt)])
        links.append(link(prev, "prev", page_media, "The previous page"))
    links.append(
        link(
            href(base, f"/collections/{COLLECTION}", [("f", "json")]),
            "collection",
            JSON,
            "The collection",
        )
    )
    stamp = datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")
    return ItemsPage(features, matched, links, stamp)


def item(base: str, index: ReportIndex, report_id: str, media: str) -> dict:
    """Return one report as a Feature with its links; raise OgcError (404) if there is none."""
    position = index.position(report_id)
    if position is None:
        raise OgcError(f"no report has id {report_id!r}", status=404, code="NotFound")
    feature = record_feature(index.feature_bytes(position))
    url = base + f"/collections/{COLLECTION}/items/{quote(report_id, safe='')}"
    feature["links"] = [
        *alternates(url, (), media, "This report", GEOJSON),
        link(
            href(base, f"/collections/{COLLECTION}", [("f", "json")]),
            "collection",
            JSON,
            "The collection",
        ),
    ]
    return feature
