"""The map in the region's languages: choosing one, the switcher, and complete catalogues."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from webmap.record.languages import LANGUAGE_NAMES, LANGUAGES

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "webmap" / "translations"
PAGES = ["/", "/reports", "/reports/oreshnik-strike-dnipro-2024", "/changes"]


def extracted_messages() -> set[str]:
    """Return every message the code and templates ask for, as `make messages` extracts them."""
    method_map = [
        ("webmap/**.py", "python"),
        ("webmap/templates/**.html", "jinja2"),
        ("webmap/static/js/*.js", "javascript"),
    ]
    keywords = {"_": None, "ngettext": (1, 2), "N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(lang: str):
    """Return a language's .po catalogue."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_every_message_is_translated_in_every_language(lang):
    messages = extracted_messages()
    assert len(messages) > 20
    po = catalogue(lang)
    missing = []
    for text in sorted(messages):
        entry = po.get(text) or next(
            (m for m in po if isinstance(m.id, tuple) and m.id[0] == text), None
        )
        strings = entry.string if entry is not None else None
        translated = all(strings) if isinstance(strings, tuple) else bool(strings)
        if entry is None or entry.fuzzy or not translated:
            missing.append(text)
    assert missing == [], f"{lang}: {len(missing)} message(s) untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("lang", [code for code in LANGUAGES if code != "en"])
def test_the_compiled_catalogue_matches_its_source(lang):
    po = catalogue(lang)
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.mo").open("rb") as f:
        mo = read_mo(f)

    def plain(value):  # a plural message's id and forms are a tuple in one, a list in the other
        return tuple(value) if isinstance(value, list | tuple) else value

    wanted = {plain(m.id): plain(m.string) for m in po if m.id and m.string and not m.fuzzy}
    compiled = {plain(m.id): plain(m.string) for m in mo if m.id}
    assert compiled == wanted, f"run `make messages` to compile {lang}"


def test_lang_in_the_address_chooses_the_language(client):
    page = client.get("/reports?lang=pl").get_data(as_text=True)
    assert '<html lang="pl">' in page


def test_the_browsers_language_is_used_when_the_address_names_none(client):
    response = client.get("/reports", headers={"Accept-Language": "ru-RU,ru;q=0.9,en;q=0.5"})
    assert '<html lang="ru">' in response.get_data(as_text=True)
    assert "Accept-Language" in response.headers["Vary"]
    other = client.get("/reports", headers={"Accept-Language": "fr-FR,de;q=0.8"})
    assert '<html lang="en">' in other.get_data(as_text=True)  # none of ours: English
    asked = client.get("/reports?lang=lt", headers={"Accept-Language": "ru"})
    assert '<html lang="lt">' in asked.get_data(as_text=True)  # the address wins


def test_an_unknown_language_in_the_address_falls_back_quietly(client):
    response = client.get("/reports?lang=xx", headers={"Accept-Language": "et"})
    assert response.status_code == 200
    assert '<html lang="et">' in response.get_data(as_text=True)


@pytest.mark.parametrize("path", PAGES)
def test_every_page_has_the_switcher_and_alternates_in_every_language(client, path):
    page = client.get(path + ("&" if "?" in path else "?") + "lang=uk").get_data(as_text=True)
    for code in LANGUAGES:
        assert re.search(rf'<link rel="alternate" hreflang="{code}" href="[^"]*lang={code}', page)
        assert re.search(rf'hreflang="{code}" lang="{code}"[^>]*>{LANGUAGE_NAMES[code]}</a>', page)
    assert 'aria-current="true">Українська</a>' in page


def test_the_sites_links_keep_the_language_the_reader_chose(client):
    html = client.get("/reports?lang=pl").get_data(as_text=True)
    nav = html.split('<nav aria-label="', 1)[1].split("</nav>", 1)[0]
    assert 'href="/?lang=pl"' in nav and 'href="/reports?lang=pl"' in nav
    assert 'href="/glossary?lang=pl"' in nav
    english = client.get("/reports").get_data(as_text=True).split("<nav", 1)[1].split("</nav>")[0]
    assert 'href="/"' in english and "lang=" not in english
