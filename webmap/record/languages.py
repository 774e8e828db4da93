"""The languages the map speaks, by code, with each language's name for itself."""

from __future__ import annotations

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
