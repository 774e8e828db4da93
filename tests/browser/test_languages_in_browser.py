"""The map in Polish, Russian and Lithuanian in Chromium: country names on the map, the panel,
legend and popups without English interface text, dates the language's way; screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).resolve().parents[2] / "webmap" / "translations"
SCREENSHOTS = Path(__file__).parent / "screenshots"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
PLACE = re.compile(r"%\(\w+\)s")
REPORT = "oreshnik-strike-dnipro-2024"
# lang: (a country's name on the map, the Dnipro strike's date in a popup)
CASES = {
    "pl": ("Polska", "21 listopada 2024"),
    "ru": ("Польша", "21 ноября 2024"),
    "lt": ("Lenkija", "2024 m. lapkričio 21 d."),
}


def english_pieces(lang: str) -> list[str]:
    """English interface texts of three words or more whose translation in lang differs."""
    with (TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    pieces = set()
    for message in catalog:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english in ids if message.id else ():
            if english not in strings:
                pieces |= {p.strip(" .,:;()·") for p in PLACE.split(english)}
    return sorted(p for p in pieces if len(p.split()) >= 3)


def open_map(page, url: str) -> None:
    """Open the map and wait until markers, outlines and names are drawn."""
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=30_000)
    page.wait_for_timeout(400)


def shown_english(page, lang: str, selector: str) -> list[str]:
    """Return the English interface pieces in the text and labels of the elements selected."""
    text = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].map((n) => [n.innerText,
             ...[...n.querySelectorAll('[aria-label],[title],[placeholder]')].map((m) =>
               [m.getAttribute('aria-label'), m.title, m.getAttribute('placeholder')].join(' '))
           ].join(' ')).join(' ')""",
        selector,
    )
    text = re.sub(r"\s+", " ", text)
    return [piece for piece in english_pieces(lang) if piece in text]


@pytest.mark.parametrize("lang", list(CASES))
def test_the_map_speaks_the_language(page, live_server, lang):
    page, log = page
    country, written = CASES[lang]
    open_map(page, f"{live_server}/?lang={lang}")
    labels = page.locator(".map-label").all_inner_texts()
    assert country in labels, labels[:20]
    assert page.evaluate("document.documentElement.lang") == lang
    assert shown_english(page, lang, "#panel, #legend, #map-status, .leaflet-control-layers") == []
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"language-{lang}-map.png"))
    # A report's popup: its date written the language's way, and no English words around it.
    open_map(page, f"{live_server}/?lang={lang}&report={REPORT}")
    popup = page.locator(".report-popup").first
    popup.wait_for(timeout=15_000)
    page.wait_for_function(
        "() => !document.querySelector('.report-popup[aria-busy]')", timeout=15_000
    )
    text = popup.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    assert written in text
    assert shown_english(page, lang, ".report-popup") == []
    page.screenshot(path=str(SCREENSHOTS / f"language-{lang}-popup.png"))
    assert log.errors == []
    assert log.off_host() == []


def test_the_switcher_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    page.goto(f"{live_server}/?lang=uk")
    page.wait_for_function(DRAWN, timeout=30_000)
    switcher = page.locator(".language-switcher summary")
    box = switcher.bounding_box()
    assert box and box["x"] >= 0 and box["x"] + box["width"] <= 390
    switcher.click()
    link = page.locator(".language-switcher a[hreflang=lt]")
    assert link.is_visible()
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "language-uk-phone-switcher.png"))
    link.click()
    page.wait_for_function(DRAWN, timeout=30_000)
    assert page.evaluate("document.documentElement.lang") == "lt"
    assert "lang=lt" in page.url
    context.close()


@pytest.mark.parametrize(
    ("lang", "badge", "other"),
    [("pl", "Rumunia i Bułgaria", "Rosja"), ("lt", "Rumunija ir Bulgarija", "Armėnija")],
)
def test_badges_of_untranslated_reports_name_their_countries_in_the_language(
    page, live_server, lang, badge, other
):
    page, log = page
    # The report about Romania and Bulgaria has no Polish or Lithuanian translation.
    open_map(page, f"{live_server}/?lang={lang}&map=5/49/27")
    names = page.evaluate("() => window.webmapMap.badges.getLayers().map((b) => b.areaGroup.name)")
    assert badge in names and other in names, names  # Russia's reports are untranslated too
    assert not {"Romania and Bulgaria", "Russia", "Belarus"} & set(names), names
    assert log.errors == []


@pytest.mark.parametrize(
    ("lang", "view", "water"),
    [
        ("pl", "6/60.5/32", "Ładoga"),
        ("ru", "6/60.5/32", "Ладожское озеро"),
        ("uk", "7/44.7/22.6", "Дунай"),
    ],
)
def test_rivers_and_lakes_are_named_in_the_language(page, live_server, lang, view, water):
    page, log = page
    open_map(page, f"{live_server}/?lang={lang}&map={view}")
    page.wait_for_function(
        "() => document.querySelector('.map-label-water')", timeout=15_000
    )  # the water comes when the page is idle
    names = page.locator(".map-label-water").all_inner_texts()
    assert water in names, names
    if lang == "pl":
        SCREENSHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "map-water-pl.png"))
    assert log.errors == []
