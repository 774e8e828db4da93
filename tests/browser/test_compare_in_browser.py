"""Two dates side by side (?compare=) in Chromium: colours, reports, moving together, the swipe."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from webmap.render.styles import client_styles

SHIPPED = Path(__file__).parent.parent.parent / "geodata"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
BLOCS = client_styles()["blocs"]
NATO, NONE = BLOCS["nato"]["fill"], BLOCS["none"]["fill"]

# The fill of a country's outline as drawn, on the first map (folium's) or the second.
FILL = """([iso3, which]) => {
  const layer = which === 'first'
    ? window.webmapFolium.countries : window.webmapCompare.countries();
  let fill = null;
  layer.eachLayer((l) => {
    if (l.feature.properties.iso3 === iso3 && l._path && !fill) fill = l._path.getAttribute('fill');
  });
  return fill;
}"""

# The classes of the occupied and claimed areas drawn on one map.
AREA_CLASSES = (
    "(m) => [...document.querySelectorAll(m + ' path.area')].map((p) => p.className.baseVal)"
)


def joined_nato(iso3: str) -> str:
    """Return the day a country joined NATO, from geodata/alliances.json."""
    alliances = json.loads((SHIPPED / "alliances.json").read_text("utf-8"))["alliances"]
    nato = next(a for a in alliances if a["code"] == "NATO")
    return next(m["joined"] for m in nato["members"] if m["country"] == iso3)


def open_compare(page, url: str, dates: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)
    page.wait_for_function(
        f"() => document.documentElement.dataset.compareDrawn === {json.dumps(dates)}",
        timeout=20_000,
    )


def fills(page, iso3: str) -> tuple[str, str]:
    return page.evaluate(FILL, [iso3, "first"]), page.evaluate(FILL, [iso3, "second"])


def centres(page) -> list:
    return page.evaluate(
        "() => [window.webmapMap.map, window.webmapCompare.map()].map((m) => "
        "[m.getZoom(), +m.getCenter().lat.toFixed(4), +m.getCenter().lng.toFixed(4)])"
    )


def same_view(a: list, b: list) -> bool:
    """Whether two maps show one view (to a pixel's rounding)."""
    return a[0] == b[0] and abs(a[1] - b[1]) < 0.01 and abs(a[2] - b[2]) < 0.01


def test_the_alliance_dates_the_tests_rely_on():
    assert joined_nato("POL") == "1999-03-12"
    assert joined_nato("FIN") == "2023-04-04"
    assert joined_nato("SWE") == "2024-03-07"


def test_two_maps_show_the_alliances_of_their_dates(page, live_server):
    page, log = page
    open_compare(page, f"{live_server}/?compare=1999-03,2024-03", "1999-03,2024-03")
    assert page.locator(".folium-map").is_visible()
    assert page.locator("#compare-map").is_visible()
    first, second = (
        page.locator(".folium-map").bounding_box(),
        page.locator("#compare-map").bounding_box(),
    )
    assert first["x"] + first["width"] <= second["x"] + 1  # side by side
    assert abs(first["width"] - second["width"]) < 2
    assert fills(page, "POL") == (NATO, NATO)  # joined on 12 March 1999
    assert fills(page, "FIN") == (NONE, NATO)
    assert fills(page, "SWE") == (NONE, NATO)
    assert fills(page, "DEU") == (NATO, NATO)
    # The colour on screen is the one drawn (no style sheet paints over it).
    seen = page.evaluate(
        "() => { let c; window.webmapCompare.countries().eachLayer((l) => {"
        " if (l.feature.properties.iso3 === 'FIN' && l._path)"
        " c = getComputedStyle(l._path).fill; });"
        " return c; }"
    )
    r, g, b = (int(NATO[i : i + 2], 16) for i in (1, 3, 5))
    assert seen == f"rgb({r}, {g}, {b})"
    labels = page.locator(".compare-date")
    assert labels.all_inner_texts() == ["March 1999", "March 2024"]
    size = page.eval_on_selector(".compare-date", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 28
    assert log.errors == []


def test_the_date_is_a_day_when_the_link_gives_one(page, live_server):
    page, log = page
    open_compare(page, f"{live_server}/?compare=1999-03-11,1999-03-12", "1999-03-11,1999-03-12")
    assert fills(page, "POL") == (NONE, NATO)
    assert fills(page, "FIN") == (NONE, NONE)
    assert page.locator(".compare-date").all_inner_texts() == ["11 March 1999", "12 March 1999"]
    assert log.errors == []


def test_each_map_shows_the_reports_up_to_its_date(page, live_server):
    page, log = page
    open_compare(page, f"{live_server}/?compare=2014,2024-03", "2014,2024-03")

    def count(query: str) -> int:
        return page.evaluate(
            f"fetch('/api/reports?{query}').then(r => r.json()).then(d => d.features.length)"
        )

    first, second = count("to=2014"), count("to=2024-03")
    assert 0 < first < second
    page.wait_for_function(f"() => document.documentElement.dataset.shownReports === '{first}'")
    page.wait_for_function(f"() => document.documentElement.dataset.compareReports === '{second}'")
    # Crimea is hatched from 2014 on both; the areas Russia claimed in 2022 only on the second.
    states = page.evaluate(AREA_CLASSES, "#compare-map")
    assert any("area-claimed" in s for s in states)
    first_states = page.evaluate(AREA_CLASSES, ".folium-map")
    assert not any("area-claimed" in s for s in first_states)
    assert any("area-occupied" in s for s in first_states)
    assert log.errors == []


def test_the_two_maps_move_together(page, live_server):
    page, log = page
    open_compare(page, f"{live_server}/?compare=1999-03,2024-03", "1999-03,2024-03")
    before = centres(page)
    box = page.locator("#compare-map").bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] * 0.7
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 150, y - 60, steps=8)
    page.mouse.up()
    page.wait_for_timeout(300)
    first, second = centres(page)
    assert same_view(first, second)
    assert not same_view(first, before[0])
    # and the other way round, with the keyboard on the first map, then a zoom
    page.locator(".folium-map").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Equal")
    page.wait_for_timeout(600)
    again = centres(page)
    assert same_view(again[0], again[1])
    assert again[0][0] > first[0]
    page.wait_for_function("() => new URLSearchParams(location.search).get('map')")
    assert log.errors == []


def test_the_swipe_on_a_phone(browser, live_server):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    open_compare(page, f"{live_server}/?compare=1999-03,2024-03", "1999-03,2024-03")
    first, second = (
        page.locator(".folium-map").bounding_box(),
        page.locator("#compare-map").bounding_box(),
    )
    assert first == second  # one over the other, the full width
    swipe = page.get_by_label("Swipe between the two dates")
    assert swipe.is_visible()
    at = (first["x"] + first["width"] * 0.7, first["y"] + first["height"] * 0.55)
    under = (
        "([x, y]) => document.elementFromPoint(x, y).closest('#compare-map') ? 'second' : 'first'"
    )
    assert page.evaluate(under, at) == "second"  # the line starts in the middle
    swipe.focus()
    page.keyboard.press("End")  # all the width to the first date
    page.wait_for_function("() => document.documentElement.dataset.compareSwipe === '100'")
    assert page.evaluate(under, at) == "first"
    for _ in range(40):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.documentElement.dataset.compareSwipe") == "60"
    assert page.evaluate(under, at) == "second"
    line = page.locator(".compare-divider").bounding_box()
    assert abs(line["x"] + line["width"] / 2 - (first["x"] + first["width"] * 0.6)) < 3
    assert page.locator(".compare-date").all_inner_texts() == ["March 1999", "March 2024"]
    assert errors == []
    context.close()


@pytest.mark.parametrize(
    "value", ["1999-13,2024", "1999", "2024-03,", "yesterday,today", "1999,2004,2024"]
)
def test_a_bad_compare_value_gives_a_notice_and_a_whole_map(
    page, live_server, shipped_count, value
):
    page, log = page
    page.goto(f"{live_server}/?compare={value}")
    page.wait_for_function(DRAWN, timeout=20_000)
    notice = page.locator("#compare-problem")
    assert notice.is_visible()
    assert "compare=" in notice.inner_text()
    assert "1999-03,2024-03" in notice.inner_text()
    assert page.get_attribute("html", "class").split().count("comparing") == 0
    assert page.evaluate("document.documentElement.dataset.shownReports") == str(shipped_count)
    assert page.locator("path.leaflet-interactive").count() > 50  # the countries are drawn
    assert log.errors == []


def test_the_control_starts_changes_and_stops_comparing_by_keyboard(page, live_server):
    page, log = page
    page.goto(live_server)
    page.wait_for_function(DRAWN, timeout=20_000)
    button = page.locator(".compare-button")
    assert button.get_attribute("aria-label") == "Compare two dates"
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.dataset.compareDrawn")
    assert button.get_attribute("aria-pressed") == "true"
    page.wait_for_function("() => new URLSearchParams(location.search).get('compare')")
    page.get_by_label("First date").fill("2004-03")
    page.get_by_label("Second date").fill("2023-04")
    page.wait_for_function(
        "() => document.documentElement.dataset.compareDrawn === '2004-03,2023-04'"
    )
    page.wait_for_function(
        "() => new URLSearchParams(location.search).get('compare') === '2004-03,2023-04'"
    )
    assert fills(page, "EST") == (NATO, NATO)  # 29 March 2004
    assert fills(page, "FIN") == (NONE, NATO)  # 4 April 2023
    page.reload()  # the link keeps it
    page.wait_for_function(
        "() => document.documentElement.dataset.compareDrawn === '2004-03,2023-04'"
    )
    page.get_by_role("button", name="Stop comparing").click()
    page.wait_for_function("() => !new URLSearchParams(location.search).get('compare')")
    assert not page.locator("#compare-map").is_visible()
    assert page.evaluate(FILL, ["FIN", "first"]) == NATO  # today again
    page.go_back()
    page.wait_for_function(
        "() => document.documentElement.dataset.compareDrawn === '2004-03,2023-04'"
    )
    assert log.errors == []


def test_compare_in_polish(page, live_server):
    page, log = page
    open_compare(page, f"{live_server}/?lang=pl&compare=1999-03,2024-03", "1999-03,2024-03")
    texts = page.locator(".compare-date").all_inner_texts()
    assert texts[0] != "March 1999" and "1999" in texts[0]
    assert texts[0].lower().startswith("marzec")
    button = page.locator(".compare-button")
    assert button.inner_text() != "Stop comparing"
    query = parse_qs(urlsplit(page.url).query)
    assert query["lang"] == ["pl"] and query["compare"] == ["1999-03,2024-03"]
    assert log.errors == []


def test_compare_works_in_the_offline_site(browser, static_site):
    context = browser.new_context(viewport={"width": 1300, "height": 850})
    page = context.new_page()
    errors, requests = [], []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("request", lambda r: requests.append(r.url))
    open_compare(
        page, (static_site / "index.html").as_uri() + "?compare=1999-03,2024-03", "1999-03,2024-03"
    )
    assert fills(page, "SWE") == (NONE, NATO)
    assert fills(page, "POL") == (NATO, NATO)
    page.wait_for_function("() => Number(document.documentElement.dataset.compareReports) > 50")
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests)
    context.close()
