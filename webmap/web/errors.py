"""Helpers shared by the HTML and JSON blueprints: the live catalogue and its failure page."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

from flask import Flask, Response, current_app, jsonify, render_template, request

from webmap.catalog.catalog import REASONS, Catalog, revisions_log
from webmap.record.history import cached_revisions
from webmap.record.model import ReportError
from webmap.record.revisions import Revision
from webmap.store.errors import StoreError
from webmap.web.data import map_data
from webmap.web.renderings import Renderings

log = logging.getLogger(__name__)


class DataUnavailable(Exception):
    """The data directory could not be loaded; the message is a generic reason (no details)."""


def loaded_catalog() -> Catalog:
    """Return the app's catalogue, loading it now if nothing has (the first request waits)."""
    return map_data().get_catalog()


def current_catalog() -> Catalog:
    """Return the catalogue the app serves, or raise DataUnavailable with the reason."""
    catalog = loaded_catalog()
    if catalog.error:
        raise DataUnavailable(catalog.reason or "the data could not be loaded")
    return catalog


@contextmanager
def readable_history() -> Iterator[None]:
    """Turn a revisions log that became unreadable or broken since the load (it is read when a
    page asks for the record's history) into the 503 page; the details go to the log."""
    try:
        yield
    except ReportError as exc:
        log.error("The revisions log has problems:\n%s", exc)
        raise DataUnavailable(REASONS["data"]) from None
    except OSError:
        log.exception("The revisions log could not be read")
        raise DataUnavailable(REASONS["read"]) from None


def current_revisions() -> tuple[Revision, ...]:
    """Return the live data folder's revisions, oldest first; raise DataUnavailable if not."""
    with readable_history():
        return cached_revisions(revisions_log(current_catalog().data_dir))


def current_renderings() -> Renderings:
    """Return the served catalogue's map script and layers in the request's language (rendered
    once per data version and language)."""
    from flask_babel import get_locale

    return map_data().renderings(current_catalog(), str(get_locale() or "en"))


def _unavailable(exc: DataUnavailable) -> tuple[Response | str, int]:
    """Answer 503 with a generic reason (the details are in the log): JSON for the API."""
    if request.path.startswith("/api/"):
        return jsonify(error="the map data could not be loaded", reason=str(exc)), 503
    return render_template("unavailable.html", reason=str(exc)), 503


def _database_fault(exc: StoreError) -> tuple[Response | str, int]:
    """Answer 503 when the database is lost mid-request (the details go to the log)."""
    current_app.logger.error("The database failed during a request: %s", exc)
    return _unavailable(DataUnavailable(REASONS["other"]))


def _not_found(exc: Exception) -> tuple[Response | str, int]:
    """Answer 404 with a page in the reader's language (the API and scripts keep theirs)."""
    if request.path.startswith(("/api/", "/ogc", "/export/")):
        return exc.get_response() if hasattr(exc, "get_response") else ("Not Found", 404)
    return render_template("not_found.html"), 404


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
    app.register_error_handler(StoreError, _database_fault)
    app.register_error_handler(404, _not_found)
    app.after_request(relative_location)
