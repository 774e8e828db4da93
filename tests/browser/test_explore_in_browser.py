"""Exploring in Chromium: time control, filters, search, shared links, history, parity."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import quote
from urllib.request import urlopen

import pytest

from webmap.geo.atlas import load_atlas
from webmap.render.styles import BLOC_STYLES

SHIPPED = Path(__file__).parent.parent.parent / "geodata"
DRAWN = "() => document.documentElement.dataset.mapDrawn"

# One table of cases for the server's filtering and the browser's.
FILTER_CASES = [
    "",
    "kind=strike",
    "kind=strike&kind=deployment",
    "kind=strike,deployment",
    "status=disputed,denied",
    "actor=blr",
    "actor=NATO&status=confirmed",
    "affiliation=state_media",
    "affiliation=state_media&affiliation=government&kind=exercise",
    "from=2024",
    "from=2022-02&to=2022-12",
    "to=2016",
    "from=2024-12-06&to=2024-12-06",
    "q=oreshnik",
    "q=Oreshnik%20Belarus",
    "q=TASS",
    "q=%20%20kaliningrad%20%20",
    "bbox=20,53,33,57",
    "bbox=20,53,33,57&kind=deployment&from=2023",
    "q=nothing-matches-this",
]


def api_ids(server: str, query: str) -> list[str]:
    with urlopen(f"{server}/api/reports?{query}") as response:
        return sorted(f["id"] for f in json.load(response)["features"])


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)


def shown(page) -> int:
    return int(page.evaluate("document.documentElement.dataset.shownReports"))


def fill_of(page, iso3: str) -> str:
    return page.evaluate(
        """iso3 => {
            let fill = null;
            window.webmapFolium.countries.eachLayer(l => {
                if (l.feature.id === iso3) fill = getComputedStyle(l._path).fill;
            });
            return fill;
        }""",
        iso3,
    )


def rgb(bloc: str) -> str:
    colour = BLOC_STYLES[bloc]["fill"]
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_server_and_browser_filter_the_same_way(page, live_server):
    page, log = page
    open_map(page, live_server)
    for query in FILTER_CASES:
        browser = page.evaluate("q => window.webmap.filterIds(q)", query)
        assert browser == api_ids(live_server, query), query
    assert log.errors == []


def test_browser_and_server_agree_on_alliances_through_time(page, live_server):
    page, _ = page
    open_map(page, live_server)
    atlas = load_atlas(SHIPPED)
    days = [
        "1998-12-31",
        "1999-03-12",
        "2004-03-29",
        "2023-04-03",
        "2023-04-04",
        "2024-02-22",
        "2024-03-07",
        "2026-11-26",
    ]
    countries = ["POL", "CZE", "EST", "ROU", "FIN", "SWE", "ARM", "BLR", "RUS", "UKR", "KAZ"]
    with urlopen(f"{live_server}/api/layers/countries") as response:
        layer = json.load(response)
    changes = {f["id"]: f["properties"]["bloc_changes"] for f in layer["features"]}
    for day in days:
        for iso3 in countries:
            browser = page.evaluate(
                "([c, d]) => window.webmapCore.blocOn(c, d)", [changes[iso3], day]
            )
            assert browser == atlas.bloc_of(iso3, day), (iso3, day)


def test_time_range_filters_reports_and_recolours_countries(page, live_server):
    page, log = page
    open_map(page, live_server)
    assert fill_of(page, "SWE") == rgb("nato") and fill_of(page, "FIN") == rgb("nato")
    page.fill("#time-to", "2023-06")
    page.dispatch_event("#time-to", "change")
    page.wait_for_function("() => document.documentElement.dataset.blocDay === '2023-06-30'")
    assert shown(page) == len(api_ids(live_server, "to=2023-06"))
    assert fill_of(page, "FIN") == rgb("nato")
    assert fill_of(page, "SWE") == rgb("none")
    assert "alliances as of 30 June 2023" in page.inner_text("#time-summary")
    assert page.inner_text("#bloc-date") == "on 30 June 2023"
    page.fill("#time-to", "1999-02")
    page.dispatch_event("#time-to", "change")
    assert fill_of(page, "POL") == rgb("none")
    page.fill("#time-to", "1999-03")
    page.dispatch_event("#time-to", "change")
    assert fill_of(page, "POL") == rgb("nato")
    assert "to=1999-03" in page.url
    assert log.errors == []


def test_play_steps_through_the_months(page, live_server):
    page, log = page
    open_map(page, live_server)
    # Steps slow enough that the stop below comes well before the play reaches today and stops
    # by itself (a click after that would start it again), even on a busy machine.
    page.evaluate("window.webmap.playStepMs = 120")
    page.fill("#time-from", "2022-01")
    page.dispatch_event("#time-from", "change")
    page.click("#time-play")
    assert page.get_attribute("#time-play", "aria-pressed") == "true"
    page.wait_for_function("() => document.getElementById('time-to').value >= '2022-06'")
    during = shown(page)
    page.wait_for_function("() => document.getElementById('time-to').value >= '2024-01'")
    assert shown(page) > during
    page.click("#time-play")
    assert page.get_attribute("#time-play", "aria-pressed") == "false"
    month = page.input_value("#time-to")
    assert shown(page) == len(api_ids(live_server, f"from=2022-01&to={month}"))
    assert log.errors == []


def test_filters_show_counts_and_keep_clusters_in_step(page, live_server):
    page, log = page
    open_map(page, live_server)
    strikes = len(api_ids(live_server, "kind=strike"))
    label = page.locator('fieldset[data-filter="kind"] label', has_text="Strike")
    assert label.locator(".count").inner_text() == f"({strikes})"
    label.locator("input").check()
    page.wait_for_function(f"() => document.documentElement.dataset.shownReports === '{strikes}'")
    assert page.evaluate("window.webmapMap.clusters.getLayers().length") == strikes
    assert page.inner_text("#match-count").startswith(f"{strikes} of ")
    # Counts of the other filters now count only strikes.
    status_counts = page.locator('fieldset[data-filter="status"] .count').all_inner_texts()
    assert sum(int(c.strip("()")) for c in status_counts) == strikes
    assert "kind=strike" in page.url
    assert log.errors == []


def test_search_finds_titles_summaries_places_and_publishers(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.fill("#filter-q", "Oreshnik")
    expected = len(api_ids(live_server, "q=Oreshnik"))
    page.wait_for_function(f"() => document.documentElement.dataset.shownReports === '{expected}'")
    assert 3 <= expected < 50
    page.fill("#filter-q", "TASS")
    expected = len(api_ids(live_server, "q=TASS"))
    page.wait_for_function(f"() => document.documentElement.dataset.shownReports === '{expected}'")
    assert log.errors == []


def test_a_shared_url_reproduces_the_view_in_a_fresh_browser(browser, live_server):
    first = browser.new_context(viewport={"width": 1300, "height": 850})
    page = first.new_page()
    open_map(page, live_server)
    page.locator('fieldset[data-filter="status"] input[value="disputed"]').check()
    page.fill("#time-from", "2021-01")
    page.dispatch_event("#time-from", "change")
    page.evaluate("window.webmapMap.map.setView([54.5, 24.0], 6, {animate: false})")
    page.evaluate("window.webmapMap.openReport('russian-drones-poland-airspace-2025')")
    page.locator('.report-popup[data-report-id="russian-drones-poland-airspace-2025"]').wait_for()
    page.wait_for_function(
        "() => location.search.includes('report=russian-drones-poland-airspace-2025')"
    )
    page.wait_for_timeout(800)  # let the popup's pan finish; the URL follows the view
    url = page.url
    view = page.evaluate("[window.webmapMap.map.getZoom(), window.webmapMap.map.getCenter()]")
    count = shown(page)
    first.close()

    second = browser.new_context(viewport={"width": 1300, "height": 850})
    fresh = second.new_page()
    open_map(fresh, url)
    fresh.locator('.report-popup[data-report-id="russian-drones-poland-airspace-2025"]').wait_for()
    assert fresh.is_checked('fieldset[data-filter="status"] input[value="disputed"]')
    assert fresh.input_value("#time-from") == "2021-01"
    assert shown(fresh) == count
    again = fresh.evaluate("[window.webmapMap.map.getZoom(), window.webmapMap.map.getCenter()]")
    assert again[0] == view[0]
    assert again[1]["lat"] == pytest.approx(view[1]["lat"], abs=0.01)
    assert again[1]["lng"] == pytest.approx(view[1]["lng"], abs=0.01)
    second.close()


def test_back_and_forward_step_through_filter_changes(page, live_server):
    page, _ = page
    open_map(page, live_server)
    page.locator('fieldset[data-filter="kind"] input[value="strike"]').check()
    page.wait_for_function("() => location.search.includes('kind=strike')")
    page.locator('fieldset[data-filter="kind"] input[value="exercise"]').check()
    page.wait_for_function("() => location.search.includes('kind=exercise')")
    both = len(api_ids(live_server, "kind=strike,exercise"))
    assert shown(page) == both
    page.go_back()
    page.wait_for_function("() => !location.search.includes('kind=exercise')")
    assert not page.is_checked('input[name="kind"][value="exercise"]')
    assert shown(page) == len(api_ids(live_server, "kind=strike"))
    page.go_forward()
    page.wait_for_function("() => location.search.includes('kind=exercise')")
    assert page.is_checked('input[name="kind"][value="exercise"]')
    assert shown(page) == both


def test_controls_are_reachable_by_keyboard_with_visible_focus(page, live_server):
    page, _ = page
    open_map(page, live_server)
    page.focus("#filter-q")
    reached = []
    for _ in range(12):  # a month field takes a Tab per part (month, year)
        page.keyboard.press("Tab")
        reached.append(page.evaluate("document.activeElement.id"))
        if reached[-1] == "time-play":
            break
    assert reached[0] == "time-from" and "time-to" in reached and reached[-1] == "time-play"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "kind"
    page.keyboard.press("Space")
    assert page.evaluate("document.activeElement.checked") is True
    page.wait_for_function("() => location.search.includes('kind=deployment_announcement')")


def test_search_field_value_with_quotes_is_kept_literally(page, live_server):
    page, log = page
    query = quote('<b>"x')
    open_map(page, f"{live_server}/?q={query}")
    assert page.input_value("#filter-q") == '<b>"x'
    assert page.locator("b").count() == 0
    assert log.errors == []
