"""The languages the map speaks, by code, with each language's name for itself."""

from __future__ import annotations

from functools import lru_cache
from gettext import NullTranslations
from pathlib import Path

from babel.support import Translations

DEFAULT_LANGUAGE = "en"
LANGUAGES = ("en", "uk", "ru", "be", "pl", "lt", "lv", "et")
LANGUAGE_NAMES = {
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "be": "Беларуская",
    "pl": "Polski",
    "lt": "Lietuvių",
    "lv": "Latviešu",
    "et": "Eesti",
}

# Where `make messages` keeps the catalogues (webmap/translations/<lang>/LC_MESSAGES).
TRANSLATIONS = Path(__file__).resolve().parents[1] / "translations"
# Babel's locale for each language's dates and numbers: English is written the British way
# ("6 December 2024"), the others by their own CLDR rules.
BABEL_LOCALES = {**{code: code for code in LANGUAGES}, "en": "en_GB"}


def babel_locale(lang: str) -> str:
    """Return the Babel locale name for one of our languages (English for any other)."""
    return BABEL_LOCALES.get(lang, BABEL_LOCALES[DEFAULT_LANGUAGE])


@lru_cache(maxsize=len(LANGUAGES) + 1)
def translator(lang: str) -> NullTranslations:
    """Return the compiled catalogue of a language, without Flask (English: the words as they are).

    For what runs outside a request or below the web layer (dates, the CLI, the static site).
    """
    if lang not in LANGUAGES or lang == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS), [lang])


def N_(message: str) -> str:  # noqa: N802 (the gettext name extraction looks for)
    """Mark a message for extraction without translating it (it is translated where shown)."""
    return message
