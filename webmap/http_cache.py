"""Responses that travel light: gzip, ETags and Cache-Control."""

from __future__ import annotations

import gzip
import hashlib

from flask import Flask, Response, request

COMPRESSIBLE = (
    "text/",
    "application/json",
    "application/geo+json",
    "application/schema+json",
    "application/javascript",
    "application/vnd.google-earth.kml+xml",
    "image/svg+xml",
)
MIN_BYTES = 1024
# How long browsers may reuse a response without asking again, by kind of URL.
MAX_AGE = {"/static/": 86400, "/api/layers/": 3600, "/map.js": 3600}
_GZIP_CACHE: dict[str, bytes] = {}  # ETag -> compressed body (static files, layers, map.js)
_GZIP_CACHE_LIMIT = 64


def _max_age(path: str) -> int:
    """Return the Cache-Control max-age for a path (0: ask every time, with the ETag)."""
    return next((age for prefix, age in MAX_AGE.items() if path.startswith(prefix)), 0)


def finish(response: Response) -> Response:
    """Add an ETag and Cache-Control, answer 304 when the browser has it, gzip when it can."""
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    if response.direct_passthrough:  # a static file: read it now, and close it now
        stream = response.response
        response.direct_passthrough = False
        body = b"".join(stream)
        if hasattr(stream, "close"):
            stream.close()
        response.set_data(body)
    else:
        body = response.get_data()
    etag = response.get_etag()[0] or hashlib.sha256(body).hexdigest()[:20]
    compressible = len(body) >= MIN_BYTES and (response.mimetype or "").startswith(COMPRESSIBLE)
    use_gzip = compressible and "gzip" in request.accept_encodings
    if compressible:
        response.vary.add("Accept-Encoding")
    response.set_etag(etag + "-gz" if use_gzip else etag)
    age = _max_age(request.path)
    response.cache_control.public = True
    response.cache_control.max_age = age
    response.cache_control.no_cache = True if age == 0 else None
    response.make_conditional(request)
    if response.status_code != 200 or not use_gzip:
        return response
    compressed = _GZIP_CACHE.get(etag) if age else None
    if compressed is None:
        compressed = gzip.compress(body, compresslevel=6, mtime=0)
        if age and len(_GZIP_CACHE) < _GZIP_CACHE_LIMIT:
            _GZIP_CACHE[etag] = compressed
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    """Finish every response with caching headers and compression."""
    app.after_request(finish)
