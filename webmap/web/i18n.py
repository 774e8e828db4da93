"""The map's languages: which one a request gets, and the words for the language switcher."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from flask import Flask, Response, request
from flask_babel import Babel, get_locale
from markupsafe import Markup

from webmap.geo.countries import country_name_in
from webmap.record.languages import DEFAULT_LANGUAGE, LANGUAGE_NAMES, LANGUAGES, babel_locale
from webmap.web.data import is_static_site
from webmap.web.links import site_url, static_language_url


def chosen_language() -> str:
    """Return the request's language: ?lang=xx, else the browser's Accept-Language, else English."""
    asked = request.args.get("lang", "")
    if asked in LANGUAGES:
        return asked
    return request.accept_languages.best_match(LANGUAGES) or DEFAULT_LANGUAGE


def current_language() -> str:
    """Return the language of the page being rendered."""
    return str(get_locale() or DEFAULT_LANGUAGE)


def in_language_url(endpoint: str) -> str:
    """Return the link to one of the site's pages in the page's language (the static site's
    language folders need no parameter)."""
    lang = current_language()
    if is_static_site() or lang == DEFAULT_LANGUAGE:
        return site_url(endpoint) or ""
    return site_url(endpoint, lang=lang) or ""


def current_language_name() -> str:
    """Return the current language's name for itself (English, Polski, Русский…)."""
    return LANGUAGE_NAMES[current_language()]


def country_name(iso3: str) -> str:
    """Return a country's name in the page's language (CLDR's territory names by ISO code)."""
    return country_name_in(iso3, current_language())


def sort_key(text: str) -> tuple:
    """Return a key that sorts names roughly the page language's way (case and accents folded)."""
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.casefold())
    return ("".join(c for c in folded if not unicodedata.combining(c)), text)


def format_km(number: float) -> str:
    """Write a whole number of km in the page's language: 1,234 / 1 234 / 1.234."""
    from babel.numbers import format_decimal

    return format_decimal(round(number), "#,##0", locale=babel_locale(current_language()))


def json_block(value: object) -> Markup:
    """Return JSON for a <script type="application/json"> block, in UTF-8 (not \\u escapes:
    the Cyrillic catalogues are a third the size) and safe inside HTML."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    for char, escape in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("'", "\\u0027")):
        text = text.replace(char, escape)
    return Markup(text)


def language_links() -> list[dict[str, str]]:
    """Return the switcher's links: this page in every language, with the current one marked."""
    current = current_language()
    args = {k: v for k, v in request.args.items(multi=False) if k != "lang"}
    links = []
    for code in LANGUAGES:
        url = request.path + "?" + urlencode({**args, "lang": code})
        if is_static_site():  # the same page in the language's folder, relative (file://)
            url = static_language_url(code) or ""
            if not url:
                return []
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "url": url,
                "current": "true" if code == current else "",
            }
        )
    return links


def init_app(app: Flask) -> None:
    """Set up Flask-Babel with the catalogues in webmap/translations."""
    Babel(app, locale_selector=chosen_language, default_translation_directories="translations")
    app.jinja_env.globals.update(
        current_language=current_language,
        current_language_name=current_language_name,
        language_links=language_links,
        country_name=country_name,
        in_language_url=in_language_url,
    )
    app.add_template_filter(format_km, "km")
    app.add_template_filter(json_block, "json_block")
    app.after_request(vary_by_language)


def vary_by_language(response: Response) -> Response:
    """A page chosen by the browser's Accept-Language varies by it (for caches between)."""
    if "lang" not in request.args and response.mimetype == "text/html":
        response.vary.add("Accept-Language")
    return response
