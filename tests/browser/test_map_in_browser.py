"""What a person sees on the map, in real Chromium."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.request import urlopen

import pytest

from webmap.render.styles import BLOC_STYLES

SCREENSHOTS = Path(__file__).parent / "screenshots"
DRAWN = "() => document.documentElement.dataset.mapDrawn"


def open_map(page, url: str) -> None:
    """Open the map and wait until our script has drawn the reports."""
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)


def shipped_reports(live_server: str) -> list[dict]:
    with urlopen(f"{live_server}/api/reports") as response:
        return json.load(response)["features"]


def hex_to_rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


@pytest.mark.parametrize(
    ("iso3", "bloc"),
    [("BLR", "union-state"), ("RUS", "union-state"), ("POL", "nato"), ("LTU", "nato")],
)
def test_country_polygons_are_drawn_in_their_bloc_colour(page, live_server, iso3, bloc):
    page, log = page
    open_map(page, live_server)
    drawn = page.evaluate(
        """iso3 => {
            let found = null;
            window.webmapFolium.countries.eachLayer(l => { if (l.feature.id === iso3) found = l; });
            if (!found || !found._path) return null;
            const box = found._path.getBoundingClientRect();
            return {width: box.width, height: box.height, fill: getComputedStyle(found._path).fill,
                    inDom: document.contains(found._path)};
        }""",
        iso3,
    )
    assert drawn is not None and drawn["inDom"]
    assert drawn["width"] > 20 and drawn["height"] > 20
    assert drawn["fill"] == hex_to_rgb(BLOC_STYLES[bloc]["fill"])
    assert log.errors == []


def test_occupied_areas_are_hatched_not_russian(page, live_server):
    page, _ = page
    open_map(page, live_server)
    fills = page.eval_on_selector_all(
        "path.area-occupied, path.area-claimed", "ps => ps.map(p => getComputedStyle(p).fill)"
    )
    assert len(fills) == 6
    assert all(f.startswith('url("#hatch-') for f in fills)


def test_every_report_has_a_marker_or_a_badge_with_an_accessible_name(page, live_server):
    page, log = page
    open_map(page, live_server)
    reports = shipped_reports(live_server)
    names = page.evaluate(
        "() => window.webmapMap.clusters.getLayers().map(m => m.options.icon.options.label)"
    )
    titles = {r["properties"]["title"] for r in reports}
    assert all(any(name.startswith(t) for t in titles) for name in names)
    in_badges = page.evaluate(
        "() => window.webmapMap.badges.getLayers().reduce((n, b) => n + b.areaGroup.shown.size, 0)"
    )
    assert len(names) + in_badges == len(reports) >= 12
    # What a person sees: single markers, the numbers on the clusters and on the badges of
    # whole-country reports add up to every report.
    page.evaluate(
        "() => window.webmapMap.map.fitBounds(window.webmapMap.clusters.getBounds(), "
        "{animate: false})"
    )
    page.wait_for_timeout(300)
    singles = page.locator(".report-marker").count()
    in_clusters = sum(int(t) for t in page.locator(".report-cluster-count").all_inner_texts())
    badged = sum(int(t) for t in page.locator(".area-badge .area-badge-count").all_inner_texts())
    assert singles + in_clusters + badged == len(reports)
    clusters = page.locator(".report-cluster")
    assert clusters.count() == 0 or "reports here" in clusters.first.get_attribute("aria-label")
    assert "as a whole" in page.locator(".area-badge").first.get_attribute("aria-label")
    assert log.errors == []


def test_a_shared_link_opens_the_report_with_claim_status_and_source_link(page, live_server):
    page, log = page
    open_map(page, f"{live_server}/?report=putin-oreshnik-belarus-announcement-2024")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert "Putin" in text and "Announced" in text and "Claimed by:" in text
    assert "6 December 2024" in text
    link = popup.locator(
        'a[href="https://rferl.org/amp/putin-oreshnik-missile-system-deployment-belarus/'
        '33229511.html"]'
    )
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener noreferrer"
    assert "Public broadcaster" in text
    SCREENSHOTS.mkdir(exist_ok=True)
    page.wait_for_timeout(400)  # let the popup's fade-in finish before the picture
    page.screenshot(path=str(SCREENSHOTS / "map-popup.png"))
    assert log.errors == []
    assert log.off_host() == []


def test_a_marker_opens_by_keyboard(page, live_server):
    page, log = page
    open_map(page, live_server)
    marker = page.locator(".report-marker").first
    marker.focus()
    assert page.evaluate("document.activeElement.classList.contains('report-marker')")
    page.keyboard.press("Enter")
    popup = page.locator(".report-popup")
    popup.wait_for()
    assert popup.get_attribute("data-report-id") == marker.get_attribute("data-report-id")
    # The popup opens on the light record and fills in its sources once the full record arrives.
    popup.locator("ol.sources a").first.wait_for()
    assert page.locator(".report-popup[aria-busy]").count() == 0
    assert log.errors == []


def test_old_style_link_from_a_report_page_still_opens_its_popup(page, live_server):
    page, _ = page
    open_map(page, f"{live_server}/#report=oreshnik-strike-dnipro-2024")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    assert "Dnipro" in popup.inner_text()


def test_zooming_in_swaps_to_close_up_boundaries(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.evaluate("window.webmapFolium.map.setZoom(7)")
    page.wait_for_function("() => document.documentElement.dataset.boundaryDetail === 'closeup'")
    count = page.evaluate("window.webmapFolium.countries.getLayers().length")
    assert count > 30
    assert any("/api/layers/countries-closeup" in url for url in log.requests)
    assert log.off_host() == []


def test_whole_page_makes_no_request_off_the_host(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.wait_for_load_state("networkidle")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "map.png"))
    assert log.requests and log.off_host() == []
    assert log.errors == []


def test_the_rest_of_the_world_is_drawn_after_the_first_view(page, live_server):
    page, log = page
    open_map(page, live_server)
    # The first view holds the countries in and around it and the whole region ...
    first = page.evaluate(
        "() => window.webmapFolium.countries.getLayers().map((l) => l.feature.id)"
    )
    assert {"BLR", "POL", "UKR", "GBR", "PRT", "KAZ", "RUS"} <= set(first)
    # ... and the rest of the world's outlines follow once it is on screen.
    page.wait_for_function(
        "() => document.documentElement.dataset.outlinesComplete === 'true'", timeout=10_000
    )
    with urlopen(f"{live_server}/api/layers/countries") as response:
        expected = {f["id"] for f in json.load(response)["features"]}
    drawn = page.evaluate(
        "() => window.webmapFolium.countries.getLayers().map((l) => l.feature.id)"
    )
    assert set(drawn) == expected and {"BRA", "AUS", "USA", "JPN"} <= set(drawn)
    fills = page.evaluate(
        """() => window.webmapFolium.countries.getLayers()
            .filter((l) => ['BRA', 'USA'].includes(l.feature.id))
            .map((l) => getComputedStyle(l._path).fill)"""
    )
    assert len(fills) == 2 and hex_to_rgb(BLOC_STYLES["nato"]["fill"]) in fills  # coloured too
    assert log.errors == []
