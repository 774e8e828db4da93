"""The languages the map speaks, and its words in them without Flask (the CLI, the record).

Messages below the web layer are marked with N_() and filled with values there; a Message
reads as English (its str) and says itself in another language with in_language().
"""

from __future__ import annotations

from collections.abc import Mapping
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


class Message(str):
    """Words filled in from a marked English template: the str is the English text."""

    template: str
    values: Mapping[str, object]

    def __new__(cls, template: str, values: Mapping[str, object]) -> Message:
        """Fill template (%(name)s placeholders) with values, in English."""
        text = super().__new__(cls, template % values if values else template)
        text.template, text.values = template, dict(values)
        return text

    def __reduce__(self):
        """Pickle as its template and values (not as the English text)."""
        return (Message, (self.template, dict(self.values)))


def N_(message: str, /, **values: object) -> str:  # noqa: N802 (the name extraction knows)
    """Mark a message for the catalogues without translating it (it is translated where shown).

    With values, return a Message: the template filled in, which in_language() can translate.
    """
    return Message(message, values) if values else message


def in_language(text: str, lang: str) -> str:
    """Return a marked message in lang: a Message with its values (Messages too) translated,
    a plain marked string by the catalogue; text that no catalogue holds stays as it is."""
    if lang not in LANGUAGES or lang == DEFAULT_LANGUAGE:
        return str(text)
    gettext = translator(lang).gettext
    if not isinstance(text, Message):
        return gettext(text) if text else text
    values = {
        name: in_language(value, lang) if isinstance(value, Message) else value
        for name, value in text.values.items()
    }
    translated = gettext(text.template)
    try:
        return translated % values if values else translated
    except (KeyError, ValueError, TypeError):  # a broken translation: say it in English
        return text.template % values if values else text.template


def language_of_locale(value: str) -> str:
    """Return our language in a POSIX locale name or LANGUAGE list (pl_PL.UTF-8, uk:ru), or ''."""
    for item in value.split(":"):
        code = item.split(".", 1)[0].split("@", 1)[0].split("_", 1)[0].split("-", 1)[0].lower()
        if code in ("c", "posix"):
            return DEFAULT_LANGUAGE
        if code in LANGUAGES:
            return code
    return ""


# Where gettext looks for the language of messages, in POSIX order (GNU's LANGUAGE first).
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def language_from_environment(environ: Mapping[str, str]) -> str:
    """Return the language the environment asks for: WEBMAP_LANG, else the first of
    LANGUAGE, LC_ALL, LC_MESSAGES, LANG that is set (one of ours, or English), else English."""
    asked = environ.get("WEBMAP_LANG", "").strip()
    if asked in LANGUAGES:
        return asked
    for name in LOCALE_VARIABLES:
        value = environ.get(name, "").strip()
        if value:
            return language_of_locale(value) or DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE
