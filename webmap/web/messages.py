"""The browser's share of the catalogues: the chosen language's messages as JSON for the page."""

from __future__ import annotations

from functools import lru_cache
from gettext import c2py
from pathlib import Path

from babel import Locale
from babel.messages.pofile import read_po

from webmap.record.languages import DEFAULT_LANGUAGE

TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
JS_SOURCES = "webmap/static/js/"
SAMPLES = range(0, 202)  # enough numbers to meet every plural category of our languages


@lru_cache(maxsize=16)
def browser_messages(lang: str) -> dict:
    """Return the messages the map's scripts use, in lang: {lang, messages, plurals}."""
    out: dict = {"lang": lang, "messages": {}, "plurals": {}}
    path = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
    if lang == DEFAULT_LANGUAGE or not path.exists():
        return out
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    plural_of = Locale.parse(lang).plural_form
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        if not any(where.startswith(JS_SOURCES) for where, _ in message.locations):
            continue
        if isinstance(message.id, tuple):
            strings = message.string if isinstance(message.string, tuple) else ()
            forms = {}
            for n in SAMPLES:
                index = _gettext_index(catalog.plural_expr, n)
                if index is not None and index < len(strings) and strings[index]:
                    forms.setdefault(plural_of(n), strings[index])
            if forms:
                out["plurals"][message.id[0]] = forms
        elif message.string:
            out["messages"][message.id] = message.string
    return out


def _gettext_index(expression: str, n: int) -> int | None:
    """Return the form index a gettext Plural-Forms expression gives for n."""
    try:
        return int(c2py(expression)(n))
    except (ValueError, SyntaxError):
        return None
