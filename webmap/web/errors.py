"""Helpers shared by the HTML and JSON blueprints: the loaded data and its failure page."""

from __future__ import annotations

from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, jsonify, render_template, request

from webmap.catalog.store import DataStore


class DataUnavailable(Exception):
    """The data directory could not be loaded; the message is a generic reason (no details)."""


def loaded_store() -> DataStore:
    """Return the app's data, loading it now if the app was created without it (CLI commands)."""
    store = current_app.extensions.get("webmap")
    if store is None:
        from webmap.web.app import load_data

        store = load_data(current_app)
    return store


def current_store() -> DataStore:
    """Return the data the app serves, or raise DataUnavailable with the reason."""
    store = loaded_store()
    if store.error:
        raise DataUnavailable(store.reason or "the data could not be loaded")
    return store


def _unavailable(exc: DataUnavailable) -> tuple[Response | str, int]:
    """Answer 503 with a generic reason (the details are in the log): JSON for the API."""
    if request.path.startswith("/api/"):
        return jsonify(error="the map data could not be loaded", reason=str(exc)), 503
    return render_template("unavailable.html", reason=str(exc)), 503


def is_embed_request() -> bool:
    """Tell whether this request is for the map made to be framed by other sites."""
    return request.endpoint == "pages.index" and request.args.get("embed") == "1"


def relative_location(response: Response) -> Response:
    """Make a redirect's Location a path on this site, never one built from the Host header.

    Werkzeug's own redirects (/api//reports to /api/reports) name the requested host; the
    app links only to itself, so the host is dropped.
    """
    location = response.headers.get("Location")
    if location:
        parts = urlsplit(location)
        if parts.scheme or parts.netloc or location.startswith("//"):
            path = "/" + parts.path.lstrip("/")  # "//host/..." would name another site
            response.headers["Location"] = urlunsplit(("", "", path, parts.query, parts.fragment))
    return response


def init_app(app: Flask) -> None:
    """Register the shared error handler and keep redirects on this site."""
    app.register_error_handler(DataUnavailable, _unavailable)
    app.after_request(relative_location)
