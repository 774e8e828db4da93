"""JSON endpoints: reports as GeoJSON, geodata layers, health."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from flask import Blueprint, Flask, Response, request

from webmap.catalog.derived import feature_with_derived
from webmap.catalog.filters import FilterError, filter_reports, parse_criteria
from webmap.catalog.slim import labels_in, slim_chunks, slim_feature
from webmap.record.exports import MEDIA_TYPES, export_bytes
from webmap.record.geojson_io import dumps_feature_collection
from webmap.record.history import cached_reports_as_of, parse_as_of
from webmap.record.revisions import REVISIONS_FILE
from webmap.record.schema import report_schema
from webmap.web.data import map_data
from webmap.web.errors import current_catalog, current_renderings, loaded_catalog

bp = Blueprint("api", __name__)
GEOJSON = "application/geo+json"
DOWNLOADS = ("geojson", "csv", "kml")


def _json(body: Any, status: int = 200, mimetype: str = "application/json") -> Response:
    """Return body as a compact JSON response."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    return Response(text, status=status, mimetype=mimetype)


@bp.get("/api/reports")
def reports() -> Response:
    """Return the reports that match the query's filters as a FeatureCollection."""
    try:
        criteria = parse_criteria(request.args.to_dict(flat=False))
    except FilterError as exc:
        return _json({"error": str(exc)}, status=400)
    store = current_catalog()
    if request.args.get("as_of"):
        try:
            day = parse_as_of(request.args["as_of"].strip())
        except ValueError as exc:
            return _json({"error": str(exc)}, status=400)
        then = cached_reports_as_of(store.data_dir / REVISIONS_FILE, day)
        found = filter_reports(then, criteria)
        body = dumps_feature_collection([feature_with_derived(r) for r in found], indent=None)
        return Response(body, mimetype=GEOJSON)
    positions = store.index.query(criteria)
    if request.args.get("view") == "map":  # the map's first view: popups fetch the full record
        slim = [slim_feature(store.index.feature_bytes(i)) for i in positions.tolist()]
        response = Response(slim_chunks(slim), mimetype=GEOJSON)
    else:
        # Pieces, not one joined body: the cache layer compresses them (or answers 304) without
        # holding the whole collection twice.
        response = Response(store.index.feature_chunks(positions), mimetype=GEOJSON)
    # The answer depends only on the data and the query: name it by both, so the cache layer
    # does not hash a large body on every request.
    query = hashlib.sha256(request.query_string).hexdigest()[:12]
    response.set_etag(f"{store.version}-{query}")
    return response


@bp.get("/api/reports/<report_id>")
def report(report_id: str) -> Response:
    """Return one report as a Feature."""
    found = current_catalog().by_id.get(report_id)
    if found is None:
        return _json({"error": f"no report has id {report_id!r}"}, status=404)
    return _json(feature_with_derived(found), mimetype=GEOJSON)


@bp.get("/api/layers/<name>")
def layer(name: str) -> Response:
    """Return a map layer (countries, countries-closeup, occupied, cities, ranges) as GeoJSON."""
    store = current_catalog()
    layer_json = current_renderings().layer_json
    if name not in layer_json:
        known = ", ".join(layer_json)
        return _json({"error": f"no layer {name!r}; layers: {known}"}, status=404)
    lang = request.args.get("lang", "")
    if name == "labels" and lang.isascii() and lang.isalpha() and len(lang) == 2:
        # The map asks for the names of its own language only.
        response = Response(labels_in(layer_json[name], lang), mimetype=GEOJSON)
        response.set_etag(f"{store.version}-{name}-{lang}")
    else:
        response = Response(layer_json[name], mimetype=GEOJSON)
        response.set_etag(f"{store.version}-{name}")
    # The map asks for ?v=<data version>: that URL always means these bytes.
    response.cache_control.immutable = request.args.get("v") == store.version or None
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
    """Download every report as GeoJSON, CSV or KML."""
    if fmt not in DOWNLOADS:
        return _json({"error": f"downloads: {', '.join(DOWNLOADS)}"}, status=404)
    data = export_bytes(current_catalog().reports, fmt)
    response = Response(data, content_type=MEDIA_TYPES[fmt])
    response.headers["Content-Disposition"] = f"attachment; filename=webmap-reports.{fmt}"
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
