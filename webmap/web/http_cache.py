"""Responses that travel light: gzip, ETags and Cache-Control."""

from __future__ import annotations

import hashlib
import threading
import zlib
from collections import OrderedDict

from flask import Flask, Response, current_app, request

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
MAX_AGE = {"/static/": 86400, "/api/layers/": 3600}
# A response its view marked immutable (a URL named by its content's hash or data version).
IMMUTABLE_AGE = 365 * 24 * 3600
GZIP_CACHE_BYTES = 64 * 1024 * 1024  # compressed bodies kept per app, the least used dropped


class GzipCache:
    """Compressed bodies by ETag, within a byte budget, least recently used dropped first."""

    def __init__(self, budget: int = GZIP_CACHE_BYTES):
        self.budget = budget
        self.size = 0
        self.kept: OrderedDict[str, bytes] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, etag: str) -> bytes | None:
        """Return the compressed body kept for etag, if any."""
        with self.lock:
            found = self.kept.get(etag)
            if found is not None:
                self.kept.move_to_end(etag)
            return found

    def put(self, etag: str, compressed: bytes) -> None:
        """Keep a compressed body for its ETag (one over a quarter of the budget is not kept)."""
        if len(compressed) > self.budget // 4:
            return
        with self.lock:
            if etag in self.kept:
                return
            self.kept[etag] = compressed
            self.size += len(compressed)
            while self.size > self.budget:
                _, dropped = self.kept.popitem(last=False)
                self.size -= len(dropped)


def _max_age(path: str) -> int:
    """Return the Cache-Control max-age for a path (0: ask every time, with the ETag)."""
    return next((age for prefix, age in MAX_AGE.items() if path.startswith(prefix)), 0)


def _gzip_chunks(chunks) -> bytes:
    """Return the gzip of a body given in pieces, without joining them first."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)  # 31: a gzip header, mtime 0
    parts = [compressor.compress(chunk) for chunk in chunks]
    parts.append(compressor.flush())
    return b"".join(parts)


def finish(response: Response) -> Response:
    """Add an ETag and Cache-Control, answer 304 when the browser has it, gzip when it can.

    A view that names its response by the data version (an ETag set before this runs) may
    answer with pieces (a generator): they are compressed one by one, and the compressed body
    is kept, so the same answer is not built again.
    """
    if request.method not in ("GET", "HEAD") or response.status_code != 200:
        return response
    named = response.get_etag()[0]
    static = response.direct_passthrough  # Flask marks a static file no-cache itself
    if response.direct_passthrough:  # a static file: read it now, and close it now
        stream = response.response
        response.direct_passthrough = False
        body = b"".join(stream)
        if hasattr(stream, "close"):
            stream.close()
        response.set_data(body)
    elif not (named and response.is_streamed):
        body = response.get_data()
    else:
        body = None  # pieces, read only if they must be sent
    etag = named or hashlib.sha256(body).hexdigest()[:20]
    long_enough = body is None or len(body) >= MIN_BYTES
    compressible = long_enough and (response.mimetype or "").startswith(COMPRESSIBLE)
    use_gzip = compressible and request.accept_encodings["gzip"] > 0  # gzip;q=0 means no
    if compressible:
        response.vary.add("Accept-Encoding")
    response.set_etag(etag + "-gz" if use_gzip else etag)
    immutable = bool(response.cache_control.immutable)
    asks_again = not static and bool(response.cache_control.no_cache)  # never reuse unasked
    age = IMMUTABLE_AGE if immutable else 0 if asks_again else _max_age(request.path)
    response.cache_control.public = True
    response.cache_control.max_age = age
    response.cache_control.no_cache = True if age == 0 else None
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={IMMUTABLE_AGE}, immutable"
    response.make_conditional(request)
    if response.status_code != 200:
        return response
    if not use_gzip:
        if body is None:
            response.set_data(b"".join(response.response))
        return response
    keep = bool(age or named)  # the same ETag always means the same body
    cache: GzipCache = current_app.extensions["webmap-gzip"]
    compressed = cache.get(etag) if keep else None
    if compressed is None:
        compressed = _gzip_chunks(response.response if body is None else [body])
        if keep:
            cache.put(etag, compressed)
    response.set_data(compressed)
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    """Finish every response with caching headers and compression (a gzip cache of its own)."""
    app.extensions["webmap-gzip"] = GzipCache(app.config.get("GZIP_CACHE_BYTES", GZIP_CACHE_BYTES))
    app.after_request(finish)
