"""Links in pages: Flask's URLs when served, relative file paths in the static site."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, request, url_for
from flask_babel import get_locale

from webmap.record.languages import DEFAULT_LANGUAGE
from webmap.web.data import is_static_site

# Endpoint -> file in the static site (format with the URL values).
STATIC_FILES = {
    "pages.index": "index.html",
    "pages.reports": "reports.html",
    "pages.report": "reports/{report_id}.html",
    "pages.story": "stories/{story_id}.html",
    "glossary.glossary": "glossary.html",
    "pages.map_script": "map.{digest}.js",
    "pages.palette_css": "palette.css",
    "static": "static/{filename}",
    "api.export": "export/reports.{fmt}",
}
# Data the map loads, as the static site ships it: a script that fills window.webmapData.
STATIC_DATA = {
    ("api.reports", ""): "data/reports.js",
    ("api.layer", "countries"): "data/layer-countries.js",
    ("api.layer", "countries-closeup"): "data/layer-countries-closeup.js",
    ("api.layer", "ranges"): "data/layer-ranges.js",
    ("api.layer", "labels"): "data/layer-labels.js",
    ("api.layer", "cities"): "data/layer-cities.js",
    ("api.layer", "rivers"): "data/layer-rivers.js",
    ("api.layer", "lakes"): "data/layer-lakes.js",
}


# What the static site writes once, at its root, for every language folder to share.
SHARED = ("static", "api.export", "api.layer")


def site_language() -> str:
    """Return the language of the static site's page being written ('' for the root: English)."""
    lang = str(get_locale() or DEFAULT_LANGUAGE)
    return "" if lang == DEFAULT_LANGUAGE else lang


def _up() -> str:
    """Return the way from this page of the static site to its language's folder."""
    return "../" * max(request.path.count("/") - 1, 0)


def site_url(endpoint: str, **values: str) -> str | None:
    """Return the link to endpoint; in the static site a relative path, or None if it has none.

    The site writes English at its root and each other language in a folder of its own
    (`uk/`, `ru/`, ...) laid out the same; the static files, layers and downloads are shared.
    """
    if not is_static_site():
        return url_for(endpoint, **values)
    shared = "../" if endpoint in SHARED and site_language() else ""
    if endpoint in ("api.reports", "api.layer"):
        data = STATIC_DATA.get((endpoint, values.get("name", "")))
        return shared + data if data and shared else data
    pattern = STATIC_FILES.get(endpoint)
    if pattern is None:
        return None
    fields = {k: v for k, v in values.items() if "{" + k + "}" in pattern}
    query = {k: v for k, v in values.items() if k not in fields}
    path = _up() + shared + pattern.format(**fields)
    return path + ("?" + urlencode(query) if query else "")


def static_language_url(lang: str) -> str | None:
    """Return the relative link from this static page to the same page in lang, or None."""
    pattern = STATIC_FILES.get(request.endpoint or "")
    if pattern is None:
        return None
    page = pattern.format(**(request.view_args or {}))
    folder = "" if lang == DEFAULT_LANGUAGE else f"{lang}/"
    return _up() + ("../" if site_language() else "") + folder + page


def init_app(app: Flask) -> None:
    """Make site_url and is_static_site available in every template."""
    app.jinja_env.globals.update(site_url=site_url, is_static_site=is_static_site)
