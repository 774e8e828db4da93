"""The glossary in Chromium: a first use in a popup leads to its entry, online and offline."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from webmap.web.app import create_app
from webmap.web.site import build_site

SHIPPED = Path(__file__).parent.parent.parent / "geodata"
SCREENSHOTS = Path(__file__).parent / "screenshots"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
REPORT = "oreshnik-strike-dnipro-2024"
# A few reports are enough for the offline site: it is built for every language.
OFFLINE_REPORTS = {REPORT, "us-poland-edca-2020", "zapad-2021-exercise"}


def open_popup(page, url: str, report: str = REPORT):
    """Open the map at url, open a report's popup and wait for its full record."""
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)
    page.evaluate(f"window.webmapMap.openReport('{report}')")
    popup = page.locator(f'.report-popup[data-report-id="{report}"]')
    popup.locator(".report-summary").wait_for()  # the full record, with its term uses
    return popup


def in_view(page, selector: str) -> bool:
    """Tell whether an element's top is inside the window."""
    box = page.locator(selector).bounding_box()
    return box is not None and 0 <= box["y"] < page.viewport_size["height"]


def test_a_first_use_in_a_popup_leads_to_its_glossary_entry(page, live_server):
    page, log = page
    popup = open_popup(page, live_server)
    links = popup.locator("a.glossary-term")
    terms = [link.get_attribute("href").split("#")[1] for link in links.all()]
    assert "oreshnik" in terms and len(terms) == len(set(terms))  # each term once
    link = popup.locator('a.glossary-term[href$="#oreshnik"]')
    assert link.inner_text() == "Oreshnik"
    assert link.evaluate("a => a.closest('.report-title') !== null")  # its first use: the title
    summary = popup.locator(".report-summary").inner_text()
    assert "Oreshnik" in summary  # used again, not linked again
    assert popup.locator('.report-summary a[href$="#oreshnik"]').count() == 0
    link.click()
    page.wait_for_url("**/glossary#oreshnik")
    assert page.locator("dt:target").get_attribute("id") == "oreshnik"
    assert in_view(page, "#oreshnik")
    assert page.locator("#oreshnik + dd a").first.get_attribute("href").startswith("https://")
    assert log.errors == [] and log.off_host() == []


def test_a_popup_in_ukrainian_links_to_the_ukrainian_glossary(page, live_server):
    page, log = page
    popup = open_popup(page, f"{live_server}/?lang=uk")
    link = popup.locator('a.glossary-term[href*="#oreshnik"]')
    assert link.inner_text().startswith("Орєшник")
    link.click()
    page.wait_for_url("**/glossary?lang=uk#oreshnik")
    assert page.get_attribute("html", "lang") == "uk"
    assert page.locator("#oreshnik").inner_text() == "Орєшник"
    assert log.errors == []


def test_the_glossary_page_looks_right_on_a_laptop_and_a_phone(browser, live_server, tmp_path):
    SCREENSHOTS.mkdir(exist_ok=True)
    for width, height in ((1366, 768), (390, 844)):
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.goto(f"{live_server}/glossary#iskander")
        assert in_view(page, "#iskander")
        page.screenshot(path=str(SCREENSHOTS / f"glossary-{width}x{height}.png"))
        page.goto(f"{live_server}/glossary")
        page.screenshot(path=str(SCREENSHOTS / f"glossary-top-{width}x{height}.png"))
        # Nothing wider than the window: no sideways scrolling on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    """Build the static site of a few shipped reports, with the shipped glossary."""
    data = tmp_path_factory.mktemp("data") / "geodata"
    shutil.copytree(SHIPPED, data, ignore=shutil.ignore_patterns("stories", "revisions.jsonl"))
    reports = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))
    reports["features"] = [f for f in reports["features"] if f["id"] in OFFLINE_REPORTS]
    for feature in reports["features"]:
        feature["properties"]["related"] = []
    (data / "reports.geojson").write_text(json.dumps(reports, ensure_ascii=False), "utf-8")
    out = tmp_path_factory.mktemp("site") / "site"
    build_site(create_app({"DATA_DIR": str(data), "STATIC_SITE": True, "TESTING": True}), out)
    return out


def test_the_offline_glossary_opens_from_file_urls(browser, offline_site):
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    popup = open_popup(page, (offline_site / "index.html").as_uri())
    popup.locator('a.glossary-term[href$="#oreshnik"]').click()
    page.wait_for_url("**/glossary.html#oreshnik")
    assert page.locator("dt:target").get_attribute("id") == "oreshnik"
    page.goto((offline_site / "pl" / "reports" / "us-poland-edca-2020.html").as_uri())
    page.locator("a.glossary-term").first.click()
    page.wait_for_url("**/pl/glossary.html#edca")
    assert page.get_attribute("html", "lang") == "pl"
    assert page.locator("dt:target").inner_text().startswith("Umowa o wzmocnionej")
    page.click(".language-switcher summary")  # the language switcher, offline
    page.get_by_role("link", name="Lietuvių").click()
    page.wait_for_url("**/lt/glossary.html")
    assert page.locator("dl.glossary dt").count() >= 25
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests)
    context.close()
