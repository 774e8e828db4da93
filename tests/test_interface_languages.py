"""The interface in every language: no English interface text on a non-English page, dates and
numbers the language's way, and the map's names and settings in the page's language."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from webmap.record.dates import written_edtf
from webmap.record.languages import LANGUAGES
from webmap.web.app import create_app

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = ROOT / "geodata"
TRANSLATIONS = ROOT / "webmap" / "translations"
OTHERS = [code for code in LANGUAGES if code != "en"]
PAGES = [
    "/",
    "/reports",
    "/reports/oreshnik-strike-dnipro-2024",
    "/stories/oreshnik-2024-2025",
    "/changes",
    "/glossary",
]
PLACE = re.compile(r"%\(\w+\)s")


@pytest.fixture(scope="module")
def shipped():
    """A test client on the shipped data (it has the stories)."""
    return create_app({"TESTING": True, "DATA_DIR": str(SHIPPED), "TILES": "none"}).test_client()


def visible_text(page: str) -> str:
    """Return what a reader sees or hears: the text, and the words in attributes."""
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    words = re.findall(r'(?:aria-label|title|placeholder|alt)="([^"]*)"', page)
    text = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(re.sub(r"\s+", " ", " ".join([text, *words])))


def english_pieces(lang: str) -> list[str]:
    """Return the English interface texts that must not show on a page in lang.

    Each message whose translation differs from it gives its pieces between placeholders;
    only pieces of three words or more count (a short word may be a name in the data, and the
    reports' own texts are English until translated).
    """
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    pieces = set()
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids:
            if english in strings:
                continue
            for piece in PLACE.split(english):
                piece = piece.strip(" .,:;()·")
                if len(piece.split()) >= 3:
                    pieces.add(piece)
    return sorted(pieces)


@pytest.mark.parametrize("lang", OTHERS)
def test_no_english_interface_text_on_a_page_in_another_language(shipped, lang):
    pieces = english_pieces(lang)
    assert len(pieces) > 50
    for path in PAGES:
        response = shipped.get(f"{path}?lang={lang}")
        assert response.status_code == 200, path
        text = visible_text(response.get_data(as_text=True))
        found = [piece for piece in pieces if piece in text]
        assert found == [], f"{path}?lang={lang} shows English: {found[:5]}"


def test_the_english_pages_still_say_it_in_english(shipped):
    text = visible_text(shipped.get("/reports/oreshnik-strike-dnipro-2024").get_data(as_text=True))
    assert "Great-circle distances" in text
    assert "21 November 2024" in text


@pytest.mark.parametrize(
    ("lang", "written"),
    [
        ("en", "6 December 2024"),
        ("uk", "6 грудня 2024 р."),
        ("ru", "6 декабря 2024 г."),
        ("pl", "6 grudnia 2024"),
        ("lt", "2024 m. gruodžio 6 d."),
        ("et", "6. detsember 2024"),
    ],
)
def test_dates_are_written_the_languages_way(lang, written):
    assert written_edtf("2024-12-06", lang).replace("\u202f", " ").replace("\xa0", " ") == written


def test_partial_and_uncertain_dates_in_another_language():
    assert written_edtf("2025-12", "pl") == "grudzień 2025"
    assert written_edtf("2025-12~", "pl") == "ok. grudzień 2025"
    assert written_edtf("2025?", "uk") == "2025 (непевно)"
    assert written_edtf("2025-07/2025-12", "pl") == "lipiec–grudzień 2025"


def test_the_report_page_writes_dates_numbers_and_countries_in_its_language(shipped):
    text = visible_text(shipped.get("/reports/oreshnik-strike-dnipro-2024?lang=pl").get_data(True))
    assert "21 listopada 2024" in text
    assert "km" in text and "Odległości po kole wielkim" in text
    assert "Warszawa" in text  # the capitals' names in the page's language
    uk = visible_text(shipped.get("/reports/oreshnik-strike-dnipro-2024?lang=uk").get_data(True))
    assert "Україна" in uk or "Росія" in uk  # actors by CLDR's territory names


def test_the_actor_filter_names_countries_in_the_pages_language(shipped):
    page = shipped.get("/reports?lang=lt").get_data(as_text=True)
    assert re.search(r'value="BLR"[^>]*>.*?Baltarusija', page, re.S)


def test_the_map_gets_its_settings_names_and_dates_in_its_language(shipped):
    page = shipped.get("/?lang=ru").get_data(as_text=True)
    config = json.loads(re.search(r'id="webmap-config">(.*?)</script>', page, re.S).group(1))
    messages = json.loads(re.search(r'id="webmap-messages">(.*?)</script>', page, re.S).group(1))
    assert config["statuses"]["confirmed"]["label"] == "Подтверждено"
    assert config["kinds"]["strike"]["label"] == "Удар"
    assert "lang=ru" in config["layerUrls"]["labels"] and "lang=ru" in config["reportsUrl"]
    assert messages["lang"] == "ru" and messages["messages"]["Full report page"]
    assert messages["plurals"]["%(n)s report"]["few"] == "%(n)s сообщения"
    labels = shipped.get(config["layerUrls"]["labels"]).get_json()
    names = {f["properties"]["names"].get("ru") for f in labels["features"]}
    assert {"Польша", "Балтийское море", "Финский залив"} <= names
    cities = shipped.get(config["layerUrls"]["cities"]).get_json()
    assert "Варшава" in {f["properties"]["names"].get("ru") for f in cities["features"]}
    reports = shipped.get(config["reportsUrl"]).get_json()
    dnipro = next(f for f in reports["features"] if f["id"] == "oreshnik-strike-dnipro-2024")
    assert dnipro["properties"]["derived"]["written_date"] == "21 ноября 2024\u202fг."


def test_only_the_chosen_languages_messages_are_sent(shipped):
    pl = shipped.get("/?lang=pl").get_data(as_text=True)
    assert "Pełna strona doniesienia" in pl and "Полная страница сообщения" not in pl
    en = shipped.get("/").get_data(as_text=True)
    assert '"messages":{}' in en


def test_an_unknown_page_is_a_404_in_the_readers_language(shipped):
    response = shipped.get("/no-such-page?lang=lv")
    assert response.status_code == 404
    assert "Lapa nav atrasta" in response.get_data(as_text=True)
    assert shipped.get("/api/no-such").status_code == 404


def test_a_bad_filter_is_explained_in_the_readers_language(shipped):
    response = shipped.get("/reports?from=2025-13&lang=pl")
    assert response.status_code == 400
    assert "nie jest datą" in response.get_data(as_text=True)
    notice = shipped.get("/?from=2025-13&lang=uk").get_data(as_text=True)
    assert "дата початку" in notice
