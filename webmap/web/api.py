"""JSON endpoints: reports as GeoJSON, geodata layers, health."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Flask, Response, request
from flask_babel import get_locale

from webmap.catalog.catalog import revisions_log
from webmap.catalog.filters import FilterError
from webmap.catalog.localized import LanguageError, bytes_in_language, parse_lang
from webmap.catalog.query import (
    ReportQuery,
    ReportResult,
    collection_chunks,
    download_name,
    export_file,
    index_as_of,
    parse_query,
    run_query,
)
from webmap.catalog.slim import labels_in
from webmap.catalog.terms import with_terms
from webmap.record.exports import FORMATS, MEDIA_TYPES
from webmap.record.languages import DEFAULT_LANGUAGE, N_, Message, in_language
from webmap.record.revisions import REVISIONS_FILE
from webmap.record.schema import report_schema
from webmap.web.data import is_static_site, map_data
from webmap.web.errors import (
    current_catalog,
    current_renderings,
    loaded_catalog,
    readable_history,
)

bp = Blueprint("api", __name__)
GEOJSON = "application/geo+json"
DOWNLOADS = FORMATS
# view=map: the map's light view (sources cut, no search text); view=ids: only the ids found.
VIEWS = ("", "map", "ids")


def _json(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    """Return body as a compact JSON response."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, mimetype=mimetype)


def _error(status: int, message: str, param: str = "") -> Response:
    """Return {"error": "param: message"} in the request's language (?lang=, else the
    browser's Accept-Language, else English), with Content-Language saying which."""
    lang = str(get_locale() or DEFAULT_LANGUAGE)
    words = in_language(message, lang)
    response = _json({"error": f"{param}: {words}" if param else words}, status=status)
    response.content_language.add(lang)
    response.vary.add("Accept-Language")
    return response


def _filter_error(exc: FilterError) -> Response:
    """Return the 400 of a filter the server cannot read, saying why in the request's language."""
    return _error(400, Message(exc.reason, exc.values), exc.param)


def store_result(query: ReportQuery, facets: bool = False) -> ReportResult:
    """Run a query on the live data (or its record as of a day)."""
    catalog = current_catalog()
    store = catalog.store_view
    if not query.as_of:
        revisions = catalog.data_dir / REVISIONS_FILE
        return run_query(catalog.index, revisions, query, facets=facets, store=store)
    with readable_history():  # the record as of a day is rebuilt from the revisions log
        revisions = revisions_log(catalog.data_dir)
        return run_query(catalog.index, revisions, query, facets=facets, store=store)


def requested_result(facets: bool = False) -> ReportResult:
    """Parse this request's filters once and run them once; raise FilterError if one is bad."""
    return store_result(parse_query(request.args.to_dict(flat=False)), facets)


def _facets_asked() -> bool:
    """Tell whether the query asks for facet counts (facets=1); raise FilterError if unclear."""
    raw = request.args.get("facets", "").strip()
    if raw not in ("", "0", "1"):
        raise FilterError(
            "facets: write facets=1 to add the counts per filter value",
            N_("write facets=1 to add the counts per filter value"),
        )
    return raw == "1"


@bp.get("/api/reports")
def reports() -> Response:
    """Return the reports that match the query's filters as a FeatureCollection.

    With facets=1 it also has a "facets" member: per filter, per value, how many reports.
    """
    view = request.args.get("view", "")
    if view not in VIEWS:
        words = N_("one of %(values)s (or none)", values=", ".join(VIEWS))
        return _error(400, words, "view")
    try:
        result = requested_result(facets=_facets_asked())
        lang = parse_lang(request.args.get("lang"))
    except (FilterError, LanguageError) as exc:
        return _filter_error(exc)
    if view == "ids":  # what the map asks when a reader searches: which reports match
        response = _json({"ids": result.ids})
        if not result.query.as_of:
            response.set_etag(f"{current_catalog().version}-ids-{_query_digest()}")
        return response
    # Pieces, not one joined body: the cache layer compresses them (or answers 304) without
    # holding the whole collection twice. The map's first view is light: popups fetch the rest.
    # With lang, texts are in that language (the ETag below names the query, lang included).
    # The static site's map searches in the browser: its data carries the server's search text.
    chunks = collection_chunks(
        result,
        slim=view == "map",
        lang=lang,
        searchable=is_static_site() and not view,
        glossary=current_catalog().glossary,
    )
    response = Response(chunks, mimetype=GEOJSON)
    if not result.query.as_of:
        # The answer depends only on the data and the query: name it by both, so the cache
        # layer does not hash a large body on every request.
        response.set_etag(f"{current_catalog().version}-{_query_digest()}")
    return response


def _query_digest() -> str:
    """Return a short digest of this request's query string."""
    return hashlib.sha256(request.query_string).hexdigest()[:12]


@bp.get("/api/reports/<report_id>")
def report(report_id: str) -> Response:
    """Return one report as a Feature (as it stood on as_of), with its glossary terms."""
    try:
        lang = parse_lang(request.args.get("lang"))
        as_of = parse_query({"as_of": request.args.getlist("as_of")}).as_of
    except FilterError as exc:  # a LanguageError is one too
        return _filter_error(exc)
    catalog = current_catalog()
    index = index_as_of(catalog.data_dir / REVISIONS_FILE, as_of) if as_of else catalog.index
    position = index.position(report_id)
    if position is None:
        if as_of:
            return _error(
                404, N_("no report has id %(id)s on %(day)s", id=repr(report_id), day=as_of)
            )
        return _error(404, N_("no report has id %(id)s", id=repr(report_id)))
    body = bytes_in_language(index.feature_bytes(position), lang)
    return Response(with_terms(body, catalog.glossary), mimetype=GEOJSON)


@bp.get("/api/layers/<name>")
def layer(name: str) -> Response:
    """Return a map layer (countries, countries-closeup, occupied, cities, ranges) as GeoJSON."""
    store = current_catalog()
    layer_json = current_renderings().layer_json
    if name not in layer_json:
        known = ", ".join(layer_json)
        return _error(404, N_("no layer %(name)s; layers: %(known)s", name=repr(name), known=known))
    lang = request.args.get("lang", "")
    if name in ("labels", "cities") and lang.isascii() and lang.isalpha() and len(lang) == 2:
        # The map asks for the names of its own language only.
        response = Response(labels_in(layer_json[name], lang), mimetype=GEOJSON)
        response.set_etag(f"{store.version}-{name}-{lang}")
    else:
        response = Response(layer_json[name], mimetype=GEOJSON)
        # The rings' labels are in the request's language.
        in_lang = f"-{get_locale()}" if name == "ranges" else ""
        response.set_etag(f"{store.version}-{name}{in_lang}")
    # The map asks for ?v=<data version>: that URL always means these bytes. A page of other
    # data (a worker that reloaded sooner or later than this one) must ask again next time.
    asked = request.args.get("v")
    response.cache_control.immutable = asked == store.version or None
    response.cache_control.no_cache = asked not in (None, store.version) or None
    return response


@bp.get("/api/stories")
def stories() -> Response:
    """Return every story with its steps."""
    return _json([story.to_dict() for story in current_catalog().stories])


@bp.get("/api/schema")
def schema() -> Response:
    """Return the JSON Schema of a report."""
    return _json(report_schema(), mimetype="application/schema+json")


@bp.get("/export/reports.<fmt>")
def export(fmt: str) -> Response:
    """Download the reports as GeoJSON, CSV, KML or GeoPackage, filtered like /api/reports."""
    if fmt not in DOWNLOADS:
        return _json({"error": f"downloads: {', '.join(DOWNLOADS)}"}, status=404)
    try:
        result = requested_result()
    except FilterError as exc:
        return _filter_error(exc)
    response = Response(export_file(result, fmt), content_type=MEDIA_TYPES[fmt])
    name = download_name(result.query, fmt)
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


@bp.get("/healthz")
def healthz() -> Response:
    """Say whether the data loaded, which version is live, and how the last reload went."""
    store = loaded_catalog()
    reloader = map_data().reloader
    last_reload = reloader.last_attempt if reloader and reloader.last_attempt else None
    if store.error:  # the details are in the log, not here
        body = {"status": "error", "error": store.reason, "last_reload": last_reload}
        return _json(body, status=503)
    body = {
        "status": "ok",
        "data_version": store.version,
        "reports": len(store.index),
        "last_reload": last_reload,
    }
    return _json(body)


def init_app(app: Flask) -> None:
    """Register the API blueprint."""
    app.register_blueprint(bp)
