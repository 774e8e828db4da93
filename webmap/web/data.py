"""The app's catalogue: loaded once per process under a lock, reloaded when its files change."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_request_context, request

from webmap.catalog.catalog import Catalog, load_catalog
from webmap.catalog.reloader import Reloader
from webmap.record.languages import DEFAULT_LANGUAGE
from webmap.web.renderings import RenderingCache, Renderings

if TYPE_CHECKING:
    from webmap.store.served import StoreCatalogs

SITE_MODE = "webmap.static_site"  # set in a request's environ by build-site


class MapData:
    """Owns an app's catalogue, its reloader and its renderings (`app.extensions["webmap"]`).

    `create_app` and the `webmap` command set it up the same way, so `webmap run` reloads
    changed data exactly as gunicorn does. The first request (or the start, with LOAD_DATA)
    loads the catalogue; requests that arrive meanwhile wait for that load, never start another.
    """

    def __init__(self, app: Flask | None = None):
        self.catalog: Catalog | None = None
        self.reloader: Reloader | None = None
        self.renderings_cache = RenderingCache()
        self.load_lock = threading.Lock()
        self.app: Flask | None = None
        self.record: StoreCatalogs | None = None  # with DATABASE_URL: the database's record
        if app is not None:
            self.init_app(app)

    def init_app(self, app: Flask) -> None:
        """Attach to app: load now if LOAD_DATA, watch the files if RELOAD_INTERVAL > 0."""
        self.app = app
        app.extensions["webmap"] = self
        if app.config.get("DATABASE_URL"):
            from webmap.store.served import StoreCatalogs  # needs the postgis extra

            self.record = StoreCatalogs(app.config["DATABASE_URL"], Path(app.config["DATA_DIR"]))
        if app.config.get("LOAD_DATA", True):
            self.load()
        if app.config["RELOAD_INTERVAL"] > 0:
            self.reloader = Reloader(
                Path(app.config["DATA_DIR"]),
                load=lambda: self.read(),
                publish=self.publish,
                interval=app.config["RELOAD_INTERVAL"],
                background=app.config["RELOAD_IN_BACKGROUND"],
                timeout=app.config["RELOAD_TIMEOUT"],
                marks=self.record.fingerprint if self.record else None,
            )
            app.before_request(self.check_for_changes)

    def read(self) -> Catalog:
        """Load the data directory (the result records the error, if loading failed)."""
        assert self.app is not None
        cache_dir = self.app.config.get("INDEX_CACHE_DIR")
        if self.record is not None:
            return self.record.load(Path(cache_dir) if cache_dir else None)
        return load_catalog(
            Path(self.app.config["DATA_DIR"]), cache_dir=Path(cache_dir) if cache_dir else None
        )

    def publish(self, catalog: Catalog) -> None:
        """Serve catalog from now on, and log what in it could not be used."""
        assert self.app is not None
        for problem in catalog.story_problems:
            self.app.logger.error("Story left out: %s", problem)
        if catalog.error:
            self.app.logger.error("The map data could not be loaded:\n%s", catalog.error)
        else:  # render the served map now (at start, or in the reload's thread), not in a request
            self.renderings_cache.get(catalog, self.app.config["TILES"], "/static/")
        self.catalog = catalog

    def load(self) -> Catalog:
        """Load the catalogue unless it is loaded; a caller arriving mid-load waits for it."""
        with self.load_lock:
            if self.catalog is None:
                self.publish(self.read())
            assert self.catalog is not None
            return self.catalog

    def get_catalog(self) -> Catalog:
        """Return the live catalogue, loading it first if nothing has loaded it yet."""
        return self.catalog if self.catalog is not None else self.load()

    def check_for_changes(self) -> None:
        """Before a request: reload in the background if the data files changed."""
        if self.reloader is not None and self.catalog is not None:
            self.reloader.check(self.catalog)

    def renderings(self, catalog: Catalog, lang: str = "en") -> Renderings:
        """Return the catalogue's map and layers in a language, with URLs for the site or server."""
        assert self.app is not None
        prefix = "static/" if is_static_site() else "/static/"
        if is_static_site() and request_language() not in ("", DEFAULT_LANGUAGE):
            prefix = "../static/"  # a language folder of the static site shares the root's
        return self.renderings_cache.get(catalog, self.app.config["TILES"], prefix, lang)


def map_data() -> MapData:
    """Return the current app's MapData."""
    return current_app.extensions["webmap"]


def is_static_site() -> bool:
    """Tell whether this request renders a page of the static site (build-site)."""
    if current_app.config.get("STATIC_SITE"):
        return True
    return has_request_context() and bool(request.environ.get(SITE_MODE))


def request_language() -> str:
    """Return the language of the page being rendered ('' outside a request)."""
    if not has_request_context():
        return ""
    from flask_babel import get_locale

    return str(get_locale() or "")
