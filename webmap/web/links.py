"""Links in pages: Flask's URLs when served, relative file paths in the static site."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, has_request_context, request, url_for
from flask_babel import get_locale

from webmap.record.languages import DEFAULT_LANGUAGE
from webmap.web.data import is_static_site

SITE_ASSETS = "webmap.site_assets"  # in a site request's environ: the build's SiteAssets

# Endpoint -> file in the static site (format with the URL values).
STATIC_FILES = {
    "pages.index": "index.html",
    "pages.reports": "reports.html",
    "pages.worksheet": "worksheet.html",
    "pages.report": "reports/{report_id}.html",
    "pages.story": "stories/{story_id}.html",
    "glossary.glossary": "glossary.html",
    "pages.map_script": "map.{digest}.js",
    "pages.palette_css": "palette.css",
    "static": "static/{filename}",
    "api.export": "export/reports.{fmt}",
}
# Data the map loads, as the static site ships it: a script that fills window.webmapData
# (these are its logical names; the site writes it under the hash of its content).
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
# The layers of names, which the map loads in the page's language (each language folder its own).
NAMED_LAYERS = ("labels", "cities")


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
    A file the site names by its content (site_assets.py) is linked by that name.
    """
    if not is_static_site():
        return url_for(endpoint, **values)
    lang = site_language()
    shared = endpoint in SHARED and not (
        endpoint == "api.layer" and values.get("name") in NAMED_LAYERS
    )
    query: dict[str, str] = {}
    if endpoint in ("api.reports", "api.layer"):
        path = STATIC_DATA.get((endpoint, values.get("name", "")))
        up = ""  # the map's data, linked from the top of its language's folder
    else:
        pattern = STATIC_FILES.get(endpoint)
        path = None if pattern is None else pattern.format(**_fields(pattern, values))
        query = {k: v for k, v in values.items() if pattern and "{" + k + "}" not in pattern}
        up = _up()
    if path is None:
        return None
    folder = "" if shared or not lang else f"{lang}/"
    path = site_asset_name(folder + path)[len(folder) :]
    if shared and lang:
        path = "../" + path
    return up + path + ("?" + urlencode(query) if query else "")


def _fields(pattern: str, values: dict[str, str]) -> dict[str, str]:
    """Return the values that fill pattern's fields."""
    return {k: v for k, v in values.items() if "{" + k + "}" in pattern}


def site_asset_name(path: str) -> str:
    """Return the name the static site being built gives path (from the site's root)."""
    assets = request.environ.get(SITE_ASSETS) if has_request_context() else None
    return (assets.name(path) if assets is not None else None) or path


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
