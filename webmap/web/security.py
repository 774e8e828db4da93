"""Security headers on every response: what a page may load, run, send and be framed by."""

from __future__ import annotations

from flask import Flask, Response, abort, current_app, request

from webmap.web.errors import is_embed_request

REFERRER_POLICY = "same-origin"  # a source's site never learns which page a pupil came from
MAX_QUERY_BYTES = 4096  # the longest shared link needs well under 1 KB
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def content_security_policy(
    frame_ancestors: str | None, image_origins: tuple[str, ...] = ()
) -> str:
    """Return the CSP: scripts, data and fonts from this site only; no inline or eval'd code.

    Inline styles stay allowed: Leaflet positions the map with them, and CSS cannot run code.
    """
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": " ".join(["'self'", "data:", *image_origins]),
        "connect-src": "'self'",
        "font-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": frame_ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items() if value)


def meta_policy() -> str:
    """Return the CSP for a <meta> tag in the static site (which has no headers).

    frame-ancestors is left out: browsers ignore it in <meta> (and say so in the console).
    """
    return content_security_policy(None, _image_origins())


def _image_origins() -> tuple[str, ...]:
    """Return where the map's tiles come from, if the app has a loaded map with tiles."""
    data = current_app.extensions.get("webmap")
    catalog = data.catalog if data is not None else None
    if catalog is None or catalog.error:
        return ()
    return data.renderings(catalog).map_parts.image_origins


def add_security_headers(response: Response) -> Response:
    """Add the CSP and the other security headers; only the embed page may be framed."""
    embed = is_embed_request()
    response.headers["Content-Security-Policy"] = content_security_policy(
        "*" if embed else "'none'", _image_origins()
    )
    if not embed:
        response.headers["X-Frame-Options"] = "DENY"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = REFERRER_POLICY
    response.headers["Permissions-Policy"] = PERMISSIONS_POLICY
    return response


def refuse_oversized_requests() -> None:
    """Refuse a body over MAX_CONTENT_LENGTH (413) or a query string over MAX_QUERY_BYTES (414).

    Nothing here accepts uploads, so a large body is refused before anything reads it.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        abort(413)
    if len(request.query_string) > MAX_QUERY_BYTES:
        abort(414)


def init_app(app: Flask) -> None:
    """Refuse oversized requests and add the security headers to every response."""
    app.before_request(refuse_oversized_requests)
    app.after_request(add_security_headers)
    app.jinja_env.globals["meta_policy"] = meta_policy
