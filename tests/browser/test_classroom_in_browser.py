"""Classroom tools in Chromium: range rings, measuring, stories, the offline site, print, embed."""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from webmap.geo.geodesy import distance_km
from webmap.render.styles import PRECISION_MAX_ZOOM

SHIPPED = Path(__file__).parent.parent.parent / "geodata"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
RINGED = "oreshnik-krichev-satellite-analysis-2025"


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)


def pdf_text(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), " ".join(p.extract_text() for p in reader.pages)


def test_a_range_ring_toggles_from_the_popup_and_is_labelled(page, live_server):
    page, log = page
    open_map(page, f"{live_server}/?report={RINGED}")
    button = page.locator(".report-popup .ring-toggle")
    assert button.inner_text() == "Show range ring (5,500 km)"
    button.click()
    page.wait_for_function("() => document.documentElement.dataset.ringsShown === '1'")
    assert page.locator("path.range-ring").count() == 1
    label = page.locator(".ring-label").inner_text()
    assert label.startswith("Reported range 5,500 km (sources:")
    page.wait_for_function(f"() => location.search.includes('ring={RINGED}')")
    assert button.inner_text() == "Hide range ring"
    button.click()
    page.wait_for_function("() => document.documentElement.dataset.ringsShown === '0'")
    assert page.locator("path.range-ring").count() == 0
    assert log.errors == []


def test_the_range_rings_layer_shows_every_ring(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.hover(".leaflet-control-layers")
    page.get_by_label("Range rings (reported ranges)").check()
    page.wait_for_function("() => document.querySelectorAll('path.range-ring').length >= 5")
    rings = page.evaluate(
        "fetch('/api/layers/ranges').then(r => r.json()).then(d => d.features.length)"
    )
    assert page.locator("path.range-ring").count() == rings
    assert log.errors == []


def test_measuring_a_distance(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.click(".measure-button")
    assert page.get_attribute(".measure-button", "aria-pressed") == "true"
    box = page.locator(".folium-map").bounding_box()
    points = [
        (box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.4),
        (box["x"] + box["width"] * 0.55, box["y"] + box["height"] * 0.75),
    ]
    latlngs = []
    for x, y in points:
        latlngs.append(
            page.evaluate(
                "([x, y]) => { const m = window.webmapMap.map; "
                "const r = m.getContainer().getBoundingClientRect(); "
                "return m.containerPointToLatLng([x - r.left, y - r.top]); }",
                [x, y],
            )
        )
        page.mouse.click(x, y)
        page.wait_for_timeout(400)
    measured = int(page.evaluate("document.documentElement.dataset.measuredKm"))
    expected = distance_km(
        latlngs[0]["lng"], latlngs[0]["lat"], latlngs[1]["lng"], latlngs[1]["lat"]
    )
    assert measured == pytest.approx(expected, rel=0.006)
    assert f"Distance: {measured:,} km" in page.inner_text(".measure-readout")
    page.keyboard.press("Escape")
    assert page.get_attribute(".measure-button", "aria-pressed") == "false"
    assert log.errors == []


def test_a_story_walks_through_its_reports(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.get_by_role(
        "link",
        name="Oreshnik: from a strike on Dnipro to deployment in Belarus (2024–2025)",
        exact=True,
    ).click()
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'oreshnik-2024-2025/1'"
    )
    assert page.inner_text("#story-progress") == "Step 1 of 8"
    assert "Dnipro" in page.inner_text("#story-text")
    page.locator('.report-popup[data-report-id="oreshnik-strike-dnipro-2024"]').wait_for()
    assert page.is_disabled("#story-prev")
    page.click("#story-next")
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'oreshnik-2024-2025/2'"
    )
    page.locator(
        '.report-popup[data-report-id="putin-oreshnik-belarus-announcement-2024"]'
    ).wait_for()
    page.wait_for_function("() => location.search.includes('step=2')")
    # The map flew to Minsk: the report's marker is in view, close enough to tell the city apart.
    in_view = page.evaluate(
        "(() => { const wm = window.webmapMap; "
        "const m = wm.markers.get('putin-oreshnik-belarus-announcement-2024'); "
        "return wm.map.getBounds().contains(m.getLatLng()) && wm.map.getZoom() >= 6; })()"
    )
    assert in_view
    # Spread at city level, not zoomed to the streets: no closer than a city report allows.
    assert page.evaluate("window.webmapMap.map.getZoom()") <= PRECISION_MAX_ZOOM["city"]
    page.go_back()
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'oreshnik-2024-2025/1'"
    )
    page.locator('.report-popup[data-report-id="oreshnik-strike-dnipro-2024"]').wait_for()
    page.go_forward()
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'oreshnik-2024-2025/2'"
    )
    page.click("#story-close")
    assert page.is_hidden("#story-player")
    assert log.errors == []


def test_print_the_map_and_a_report_page_to_a4_pdf(page, live_server, shipped_count):
    page, log = page
    open_map(page, f"{live_server}/?kind=strike")
    page.emulate_media(media="print")
    pages, text = pdf_text(page.pdf(format="A4", landscape=True, print_background=True))
    assert pages >= 2
    assert "Data as of" in text and f"3 of {shipped_count} reports shown" in text.replace("\n", " ")
    assert "https://babel.ua" in text.replace("\n", "")  # a source of the Dnipro strike, in full
    assert "Legend" in text
    page.goto(f"{live_server}/reports/putin-oreshnik-belarus-announcement-2024")
    pages, text = pdf_text(page.pdf(format="A4", print_background=True))
    flat = re.sub(r"\s+", "", text)
    assert pages >= 1
    assert "rferl.org/amp/putin-oreshnik-missile-system-deployment-belarus/33229511.html" in flat
    assert "Dataasof" in flat and "Sources(4)" in flat
    assert log.errors == []


def test_embed_shows_only_the_map(page, live_server):
    page, log = page
    open_map(page, f"{live_server}/?embed=1&kind=strike")
    assert page.locator(".site-header").count() == 0
    assert page.is_hidden("#filters")
    assert page.evaluate("window.webmapMap.clusters.getLayers().length") == 3
    page.wait_for_function("() => location.search.includes('embed=1')")
    link = page.get_attribute("#embed-open", "href")
    assert "kind=strike" in link and "embed" not in link
    assert log.errors == []


def offline_page(browser):
    """Return a new context and page, with the errors it logs and the URLs it asks for."""
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    return context, page, errors, requests


def test_static_site_works_from_file_urls(browser, static_site):
    context, page, errors, requests = offline_page(browser)
    open_map(page, (static_site / "index.html").as_uri())
    page.locator(".report-marker").first.click()
    page.locator(".report-popup ol.sources a").first.wait_for()
    page.get_by_role("link", name="NATO's eastern flank since 2014").click()
    page.wait_for_function(
        "() => document.documentElement.dataset.storyStep === 'nato-eastern-flank-since-2014/1'"
    )
    page.click("#story-next")
    page.locator('.report-popup[data-report-id="efp-battlegroup-lithuania-rukla-2017"]').wait_for()
    page.goto((static_site / "reports.html").as_uri())
    page.get_by_role("link", name=re.compile("Zapad-2021")).click()
    assert page.url.endswith("/reports/zapad-2021-exercise.html")
    page.get_by_role("link", name="Show on the map").click()
    page.wait_for_function(DRAWN)
    page.locator('.report-popup[data-report-id="zapad-2021-exercise"]').wait_for()
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests)
    # Everything but the pages is asked for by the hash of its content (a CDN keeps it a year).
    loaded = [url.split("?")[0] for url in requests if url.startswith("file://")]
    assets = [url for url in loaded if not url.endswith(".html")]
    assert any("/leaflet/images/layers." in url for url in assets)  # from Leaflet's stylesheet
    assert any("/data/reports." in url for url in assets)
    assert [url for url in assets if not re.search(r"\.[0-9a-f]{16}\.[a-z]+$", url)] == []
    context.close()


def test_static_site_copies_can_move(static_site, tmp_path):
    moved = tmp_path / "usb-stick"
    shutil.copytree(static_site, moved)
    index = (moved / "index.html").read_text("utf-8")
    assert re.search(r'src="map\.[0-9a-f]{16}\.js"', index)  # relative links
    assert len(re.findall(r'href="static/[^"]+\.[0-9a-f]{16}\.(?:css|svg)"', index)) >= 3


def test_the_static_sites_language_folder_opens_from_file_urls(browser, static_site):
    """The Ukrainian folder's map draws its markers offline, in Ukrainian, marked machine-made."""
    context, page, errors, requests = offline_page(browser)
    open_map(page, (static_site / "uk" / "index.html").as_uri())
    assert page.get_attribute("html", "lang") == "uk"
    page.wait_for_function("() => document.documentElement.dataset.mapDrawn", timeout=30_000)
    # Countries, seas and cities in Ukrainian (a long name may wrap onto two lines).
    names = {" ".join(n.split()) for n in page.locator(".map-label").all_inner_texts()}
    assert {"Польща", "Данія", "Мінськ", "Дністер"} <= names, names
    assert not {"Poland", "Denmark", "Minsk", "Dniester"} & names
    page.locator(".report-marker").first.click()
    popup = page.locator(".report-popup").first
    popup.wait_for()
    assert re.search("[А-Яа-яІіЇїЄє]", popup.locator(".report-title").inner_text())
    assert popup.locator(".translation-note").count() == 1
    page.goto((static_site / "uk" / "reports.html").as_uri())
    assert page.get_attribute("html", "lang") == "uk"
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests)
    context.close()
