"""Helpers shared by the HTML and JSON blueprints: the loaded data and its failure page."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request

from webmap.store import DataStore


class DataUnavailable(Exception):
    """The data directory could not be loaded; the message lists every problem."""


def current_store() -> DataStore:
    """Return the data the app serves, or raise DataUnavailable with the reason."""
    store: DataStore = current_app.extensions["webmap"]
    if store.error:
        raise DataUnavailable(store.error)
    return store


def _unavailable(exc: DataUnavailable) -> tuple[Response | str, int]:
    """Answer with 503 and the reason: JSON for the API, a readable page otherwise."""
    if request.path.startswith("/api/"):
        return jsonify(error="the map data could not be loaded", detail=str(exc)), 503
    return render_template("unavailable.html", problems=str(exc).splitlines()), 503


def init_app(app: Flask) -> None:
    """Register the shared error handler."""
    app.register_error_handler(DataUnavailable, _unavailable)
