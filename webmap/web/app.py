"""Create the Flask app: configuration, the catalogue, blueprints."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask

from webmap.catalog.index_cache import default_cache_dir
from webmap.web import api, glossary_pages, http_cache, i18n, links, ogc, pages, security
from webmap.web import errors as web
from webmap.web.data import MapData

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
        # Load the data now (False: at the first request that needs it, as CLI commands do).
        LOAD_DATA=True,
        JSON_SORT_KEYS=False,
        # Where the public reaches the app (https://map.example.org): OGC API links start there.
        # Unset, they are paths on this site; never built from the Host header.
        PUBLIC_URL=os.environ.get("WEBMAP_PUBLIC_URL", ""),
        # postgresql://...: the record lives in PostgreSQL + PostGIS (the postgis extra), not in
        # the data folder's reports, revisions, publishers, alliances and names files.
        DATABASE_URL=os.environ.get("WEBMAP_DATABASE_URL", ""),
    )
    if test_config:
        app.config.update(test_config)
    MapData(app)
    i18n.init_app(app)
    web.init_app(app)
    security.init_app(app)
    links.init_app(app)
    http_cache.init_app(app)
    pages.init_app(app)
    glossary_pages.init_app(app)
    api.init_app(app)
    ogc.init_app(app)
    return app
