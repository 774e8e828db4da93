"""The OpenAPI 3.0 definition of /ogc (the landing page's service-desc), built from one table."""

from __future__ import annotations

from webmap.catalog.ogc_query import COLLECTION, DEFAULT_LIMIT, MAX_LIMIT, OPENAPI
from webmap.record.vocabulary import AFFILIATIONS, KINDS, STATUSES

LISTS = ("bbox", "kind", "status", "actor", "affiliation")  # comma-separated values


def _any_of(values: tuple[str, ...] = ()) -> dict:
    """Return the schema of a comma-separated list of values (of a vocabulary, if given)."""
    item = {"type": "string", "enum": list(values)} if values else {"type": "string"}
    return {"type": "array", "items": item}


# Query parameters of the items: name -> (schema, description, style "form" with explode?).
ITEM_PARAMETERS: dict[str, tuple[dict, str]] = {
    "bbox": (
        {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}},
        "minlon,minlat,maxlon,maxlat in CRS84 (six numbers: with heights, ignored); a minlon "
        "greater than maxlon crosses the antimeridian",
    ),
    "datetime": (
        {"type": "string"},
        "A date or RFC 3339 date-time, or an interval START/END with .. for an open end. A "
        "report matches when its date (a day, month, year or interval) overlaps it.",
    ),
    "limit": (
        {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT},
        "How many reports per page (at most the maximum)",
    ),
    "offset": ({"type": "integer", "minimum": 0, "default": 0}, "How many reports to skip"),
    "kind": (_any_of(KINDS), "What happened (any of the values)"),
    "status": (_any_of(STATUSES), "How sure (any of the values)"),
    "actor": (_any_of(), "Countries (ISO 3166-1 alpha-3) or alliance codes involved (any)"),
    "affiliation": (_any_of(AFFILIATIONS), "Who the sources are (any of the values)"),
    "q": ({"type": "string"}, "Words to find in titles, summaries, places and publishers"),
    "f": ({"type": "string", "enum": ["json", "html"]}, "The output format"),
}


def _parameter(name: str) -> dict:
    """Return one query parameter's OpenAPI object."""
    schema, description = ITEM_PARAMETERS[name]
    style = {"style": "form", "explode": False} if name in LISTS else {}
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": schema,
        **style,
        "description": description,
    }


def _get(summary: str, media: str, parameters: list[dict] | None = None) -> dict:
    """Return a GET operation answering media (and HTML), 400 and 404 as OGC exceptions."""
    return {
        "get": {
            "summary": summary,
            "parameters": parameters or [_parameter("f")],
            "responses": {
                "200": {"description": summary, "content": {media: {}, "text/html": {}}},
                "400": {"description": "A bad parameter", "content": {"application/json": {}}},
                "404": {"description": "Not found", "content": {"application/json": {}}},
            },
        }
    }


def openapi(base: str) -> dict:
    """Return the OpenAPI 3.0 definition of the API served at base."""
    items = f"/collections/{COLLECTION}/items"
    report_id = {"name": "featureId", "in": "path", "required": True, "schema": {"type": "string"}}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "webmap OGC API – Features",
            "version": "1.0.0",
            "description": "Reports of alliances and military deployments, as reported.",
            "license": {"name": "MIT"},
        },
        "servers": [{"url": base}],
        "paths": {
            "/": _get("The landing page", "application/json"),
            "/api": _get("This definition", OPENAPI),
            "/conformance": _get("The conformance classes", "application/json"),
            "/collections": _get("The collections", "application/json"),
            f"/collections/{COLLECTION}": _get("The reports collection", "application/json"),
            items: _get(
                "The reports", "application/geo+json", [_parameter(n) for n in ITEM_PARAMETERS]
            ),
            items + "/{featureId}": _get(
                "One report", "application/geo+json", [report_id, _parameter("f")]
            ),
        },
    }
