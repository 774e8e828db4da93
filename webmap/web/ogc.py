"""OGC API – Features at /ogc: the reports for GIS tools (QGIS, GDAL), as JSON and HTML.

The items run the same query as /api/reports (webmap.catalog.ogc_query turns the OGC
parameters into it). Links are paths on this site (RFC 3986 relative references, which the
link schema allows and GDAL and browsers resolve), never built from the Host header; with
PUBLIC_URL (WEBMAP_PUBLIC_URL) set they are absolute URLs under it.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from flask import Blueprint, Flask, Response, current_app, render_template, request

from webmap.catalog import ogc_query as ogc
from webmap.catalog.ogc_openapi import OPENAPI, openapi
from webmap.web.api import store_result
from webmap.web.errors import DataUnavailable, current_catalog

bp = Blueprint("ogc", __name__, url_prefix="/ogc")
FORMATS = {"json": ogc.JSON, "html": ogc.HTML}
CONTENT_CRS = f"<{ogc.CRS84}>"
PAGE_PARAMS = ("f", "lang")  # what every page besides /items accepts


def base_url() -> str:
    """Return where links start: the configured public URL, else this site's path (no host)."""
    public = current_app.config.get("PUBLIC_URL", "")
    return (public or request.script_root) + bp.url_prefix


def wanted_media() -> str:
    """Return text/html or application/json: f=html|json, else the Accept header, else JSON."""
    asked = request.args.get("f", "").strip()
    if asked:
        if asked not in FORMATS:
            raise ogc.OgcError("f: write f=json or f=html")
        return FORMATS[asked]
    best = request.accept_mimetypes.best_match([ogc.JSON, ogc.GEOJSON, ogc.HTML], ogc.JSON)
    return ogc.HTML if best == ogc.HTML else ogc.JSON


def only_page_params() -> None:
    """Refuse parameters a page does not define (Part 1 asks for 400)."""
    unknown = sorted(set(request.args) - set(PAGE_PARAMS))
    if unknown:
        raise ogc.OgcError(f"unknown parameter {unknown[0]!r}; parameters: f, lang")


def answer(document: dict, media: str, template: str, json_media: str = ogc.JSON, **page: Any):
    """Return document as JSON (in json_media) or as the HTML page of template."""
    if media == ogc.HTML:
        response = Response(render_template(template, doc=document, **page), mimetype=ogc.HTML)
    else:
        text = json.dumps(document, ensure_ascii=False, separators=(",", ":"))
        response = Response(text, mimetype=json_media)
        response.headers["Access-Control-Allow-Origin"] = "*"  # public, read-only, no cookies
    response.vary.add("Accept")
    return response


@bp.errorhandler(ogc.OgcError)
def _refused(exc: ogc.OgcError) -> Response:
    """Answer a bad request or a missing item with OGC API's JSON exception body."""
    text = json.dumps(exc.body(), ensure_ascii=False)
    return Response(text, status=exc.status, mimetype=ogc.JSON)


@bp.errorhandler(DataUnavailable)
def _unavailable(exc: DataUnavailable) -> Response:
    """Answer 503 with a JSON exception when the data could not be loaded."""
    body = {"code": "ServiceUnavailable", "description": f"the map data is unavailable: {exc}"}
    return Response(json.dumps(body), status=503, mimetype=ogc.JSON)


@bp.get("", strict_slashes=False)
def landing() -> Response:
    """Show the landing page."""
    only_page_params()
    media = wanted_media()
    return answer(ogc.landing_page(base_url(), media), media, "ogc.html", page="landing")


@bp.get("/api")
def api_definition() -> Response:
    """Return the OpenAPI 3.0 definition of this API (JSON only)."""
    only_page_params()
    if request.args.get("f", "json") != "json":
        raise ogc.OgcError("f: the API definition is served as JSON only (f=json)")
    text = json.dumps(openapi(base_url()), ensure_ascii=False, separators=(",", ":"))
    response = Response(text, content_type=OPENAPI)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@bp.get("/conformance")
def conformance() -> Response:
    """Show the conformance classes this API implements."""
    only_page_params()
    media = wanted_media()
    return answer(ogc.conformance(), media, "ogc.html", page="conformance", base=base_url())


@bp.get("/collections")
def collections() -> Response:
    """List the collections (the reports)."""
    only_page_params()
    media = wanted_media()
    doc = ogc.collections(base_url(), current_catalog().index, media)
    return answer(doc, media, "ogc.html", page="collections")


def _known(collection_id: str) -> None:
    """Raise a 404 OgcError unless collection_id is the reports."""
    if collection_id != ogc.COLLECTION:
        raise ogc.OgcError(
            f"no collection {collection_id!r}; collections: {ogc.COLLECTION}", 404, "NotFound"
        )


@bp.get("/collections/<collection_id>")
def collection(collection_id: str) -> Response:
    """Describe a collection."""
    _known(collection_id)
    only_page_params()
    media = wanted_media()
    doc = ogc.collection(base_url(), current_catalog().index, media)
    return answer(doc, media, "ogc.html", page="collection")


@bp.get("/collections/<collection_id>/items")
def items(collection_id: str) -> Response:
    """Return a page of the reports that match bbox, datetime and the filters."""
    _known(collection_id)
    media = wanted_media()
    asked = ogc.parse_items_request(request.args.to_dict(flat=False))
    page = ogc.items_page(base_url(), store_result(asked.query), asked, media)
    response = answer(page.document(), media, "ogc_items.html", ogc.GEOJSON, asked=asked)
    response.headers["Content-Crs"] = CONTENT_CRS
    return response


@bp.get("/collections/<collection_id>/items/<item_id>")
def item(collection_id: str, item_id: str) -> Response:
    """Return one report."""
    _known(collection_id)
    only_page_params()
    media = wanted_media()
    feature = ogc.item(base_url(), current_catalog().index, item_id, media)
    response = answer(feature, media, "ogc_item.html", ogc.GEOJSON)
    response.headers["Content-Crs"] = CONTENT_CRS
    return response


def public_url(raw: str) -> str:
    """Return a configured public URL without its trailing slash; raise ValueError if unusable."""
    parts = urlsplit(raw.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
        raise ValueError(f"WEBMAP_PUBLIC_URL: write http(s)://host[:port][/path], not {raw!r}")
    return raw.strip().rstrip("/")


def init_app(app: Flask) -> None:
    """Register the OGC API blueprint (checking PUBLIC_URL once, at start)."""
    if app.config.get("PUBLIC_URL"):
        app.config["PUBLIC_URL"] = public_url(app.config["PUBLIC_URL"])
    app.register_blueprint(bp)
