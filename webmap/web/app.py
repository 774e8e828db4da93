"""Create the Flask app: configuration, data loaded once, blueprints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from webmap.catalog.index_cache import default_cache_dir
from webmap.catalog.reloader import Reloader
from webmap.catalog.store import DataStore, load_store
from webmap.web import api, http_cache, links, pages, security
from webmap.web import errors as web

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2] / "geodata"


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    """Create the app; data comes from WEBMAP_DATA_DIR (default: the repo's geodata/)."""
    app = Flask("webmap")  # the package holds templates/ and static/
    app.config.from_mapping(
        DATA_DIR=os.environ.get("WEBMAP_DATA_DIR") or str(DEFAULT_DATA_DIR),
        TILES=os.environ.get("WEBMAP_TILES", "none"),
        MAX_CONTENT_LENGTH=1024 * 1024,
        # Where the checked reports are cached between starts ("" for no cache).
        INDEX_CACHE_DIR=str(default_cache_dir()),
        # How often (seconds) a running server looks for changed data files (0: never).
        RELOAD_INTERVAL=float(os.environ.get("WEBMAP_RELOAD_SECONDS", "2")),
        RELOAD_IN_BACKGROUND=True,
        # A reload that takes longer (seconds) is abandoned and reported on /healthz.
        RELOAD_TIMEOUT=float(os.environ.get("WEBMAP_RELOAD_TIMEOUT", "120")),
        JSON_SORT_KEYS=False,
    )
    if test_config:
        app.config.update(test_config)
    if app.config.get("LOAD_DATA", True):
        load_data(app)
        if app.config["RELOAD_INTERVAL"] > 0:
            watch_data(app)
    web.init_app(app)
    security.init_app(app)
    links.init_app(app)
    http_cache.init_app(app)
    pages.init_app(app)
    api.init_app(app)
    return app


def read_data(app: Flask) -> DataStore:
    """Load the app's data directory (the result records the error, if loading failed)."""
    prefix = "static/" if app.config.get("STATIC_SITE") else "/static/"
    cache_dir = app.config.get("INDEX_CACHE_DIR")
    return load_store(
        Path(app.config["DATA_DIR"]),
        tiles=app.config["TILES"],
        static_prefix=prefix,
        cache_dir=Path(cache_dir) if cache_dir else None,
    )


def publish(app: Flask, store: DataStore) -> None:
    """Serve store from now on, and log what in it could not be used."""
    if store.error:
        app.logger.error("The map data could not be loaded:\n%s", store.error)
    for problem in store.story_problems:
        app.logger.error("Story left out: %s", problem)
    old = app.extensions.get("webmap")
    if old is not None and old.map_parts is not None and old.map_digest != store.map_digest:
        store.older_scripts = {old.map_digest: old.map_parts.script}
    app.extensions["webmap"] = store


def load_data(app: Flask) -> DataStore:
    """Load the data directory into the app and log what could not be used."""
    store = read_data(app)
    publish(app, store)
    return store


def watch_data(app: Flask) -> Reloader:
    """Reload the data when its files change; a broken change leaves the last good data live."""
    reloader = Reloader(
        Path(app.config["DATA_DIR"]),
        load=lambda: read_data(app),
        publish=lambda store: publish(app, store),
        interval=app.config["RELOAD_INTERVAL"],
        background=app.config["RELOAD_IN_BACKGROUND"],
        timeout=app.config["RELOAD_TIMEOUT"],
    )
    app.extensions["webmap-reloader"] = reloader
    app.before_request(lambda: reloader.check(app.extensions["webmap"]))
    return reloader
