"""The map read at first sight, at a projector's, two laptops' and a phone's size, in Chromium."""

from __future__ import annotations

from pathlib import Path

import pytest

SCREENSHOTS = Path(__file__).parent / "screenshots"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
SIZES = {
    "projector": (1920, 1080),
    "laptop": (1280, 800),
    "small-laptop": (1366, 768),
    "phone": (390, 844),
}
ORESHNIK_STORY = "oreshnik-2024-2025"

# Boxes (viewport pixels) of what is drawn on the map: names, markers, the bottom controls.
BOXES = """() => {
  const box = (el) => { const r = el.getBoundingClientRect();
    return {x1: r.left, y1: r.top, x2: r.right, y2: r.bottom, w: r.width, h: r.height}; };
  const labels = [...document.querySelectorAll('.map-label')].map((el) => ({
    ...box(el.lastChild), text: el.textContent, kind: el.dataset.labelKind,
    size: parseFloat(getComputedStyle(el).fontSize)}));
  const markers = [...document.querySelectorAll('.leaflet-marker-pane > *')].map(
    (el) => box(el.offsetWidth ? el : el.firstElementChild)).filter((b) => b.w > 0);
  const one = (sel) => { const el = document.querySelector(sel); return el ? box(el) : null; };
  return {labels, markers, map: one('.folium-map'), scale: one('.leaflet-control-scale'),
          status: one('#map-status'), attribution: one('.leaflet-control-attribution'),
          legend: one('.map-legend-control'), viewport: {w: innerWidth, h: innerHeight}};
}"""


def overlap(a: dict, b: dict) -> bool:
    """Tell whether two boxes share any area."""
    return (
        a["x1"] < b["x2"] - 0.5
        and b["x1"] < a["x2"] - 0.5
        and a["y1"] < b["y2"] - 0.5
        and (b["y1"] < a["y2"] - 0.5)
    )


def inside(a: dict, b: dict, slack: float = 1.0) -> bool:
    """Tell whether box a lies within box b."""
    return (
        a["x1"] >= b["x1"] - slack
        and a["y1"] >= b["y1"] - slack
        and a["x2"] <= b["x2"] + slack
        and a["y2"] <= b["y2"] + slack
    )


@pytest.fixture
def sized(browser, request):
    """Open a page at one of SIZES (the test's `size` parameter), blocking anything off-host."""
    width, height = SIZES[request.param] if isinstance(request.param, str) else request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.route(
        "**/*",
        lambda route: route.continue_() if "127.0.0.1" in route.request.url[:30] else route.abort(),
    )
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page, errors, request.param
    context.close()


def open_map(page, url: str) -> None:
    """Open the map and wait until markers, outlines and names are drawn."""
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=30_000)
    page.wait_for_timeout(400)


@pytest.mark.parametrize("sized", list(SIZES), indirect=True)
def test_names_are_on_the_map_apart_from_each_other_and_the_markers(sized, live_server):
    page, errors, size = sized
    open_map(page, live_server)
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"first-view-{size}.png"))
    drawn = page.evaluate(BOXES)
    labels = drawn["labels"]
    texts = {label["text"] for label in labels}
    # A country with whole-country reports is named on its badge.
    badges = set(page.locator(".area-badge .area-badge-place").all_inner_texts())
    assert "Minsk" in texts or size == "phone"
    assert "Belarus" in texts | badges
    if size != "phone":
        assert {"Poland", "Russia", "Sweden"} <= texts | badges
        assert len([label for label in labels if label["kind"] == "country"]) >= 5
        assert any(label["kind"] == "sea" for label in labels), texts
    if size == "projector":
        assert {"Ukraine", "Finland", "Germany", "Kyiv", "Stockholm", "Berlin"} <= texts | badges
    assert len(labels) >= (3 if size == "phone" else 8)
    for i, a in enumerate(labels):
        assert inside(a, drawn["map"]), a["text"]
        for b in labels[i + 1 :]:
            assert not overlap(a, b), (a["text"], b["text"])
        for marker in drawn["markers"]:
            assert not overlap(a, marker), a["text"]
    assert errors == []


@pytest.mark.parametrize("sized", ["projector"], indirect=True)
def test_no_name_is_smaller_than_14_px_on_a_projector(sized, live_server):
    page, _, _ = sized
    open_map(page, live_server)
    for zoom in (4, 5, 6, 7):
        page.evaluate(f"() => window.webmapMap.map.setZoom({zoom}, {{animate: false}})")
        page.wait_for_timeout(500)
        sizes = [label["size"] for label in page.evaluate(BOXES)["labels"]]
        assert sizes and min(sizes) >= 14


@pytest.mark.parametrize(
    "sized", ["projector", "laptop", "small-laptop", (1280, 720)], indirect=True
)
def test_the_legend_is_on_screen_without_scrolling(sized, live_server):
    page, _, _ = sized
    page.goto(live_server)  # a first visit: nothing remembered
    page.wait_for_function(DRAWN, timeout=30_000)
    drawn = page.evaluate(BOXES)
    legend = drawn["legend"]
    assert legend is not None and page.locator("#legend").get_attribute("open") is not None
    assert inside(
        legend, {"x1": 0, "y1": 0, "x2": drawn["viewport"]["w"], "y2": drawn["viewport"]["h"]}
    )
    assert page.locator("#legend .legend-kinds li").first.is_visible()
    assert page.locator("#legend .legend-statuses li").last.is_visible()


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_the_legend_stays_as_the_reader_left_it(sized, live_server):
    page, _, _ = sized
    open_map(page, live_server)
    page.click("#legend summary")
    assert page.locator("#legend").get_attribute("open") is None
    page.wait_for_timeout(200)
    open_map(page, live_server)
    assert page.locator("#legend").get_attribute("open") is None
    page.click("#legend summary")
    page.wait_for_timeout(200)
    open_map(page, live_server)
    assert page.locator("#legend").get_attribute("open") is not None


@pytest.mark.parametrize(
    "sized",
    [*SIZES, (320, 640), (853, 533), (1024, 700)],  # 853×533: 1280×800 at 150% zoom
    indirect=True,
)
def test_scale_status_and_attribution_never_overlap(sized, live_server):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?kind=strike&status=denied")  # no report: a long status line
    drawn = page.evaluate(BOXES)
    scale, status, attribution = drawn["scale"], drawn["status"], drawn["attribution"]
    assert "0 of" in page.inner_text("#map-status")
    for a, b in [(scale, status), (scale, attribution), (status, attribution)]:
        assert not overlap(a, b)
    for part in (scale, status, attribution):
        assert inside(part, drawn["map"])
    assert errors == []


@pytest.mark.parametrize("sized", list(SIZES), indirect=True)
def test_a_story_step_shows_its_whole_popup_clear_of_the_story_box(sized, live_server):
    page, errors, size = sized
    open_map(page, f"{live_server}/?story={ORESHNIK_STORY}&step=6")
    popup = ".report-sheet" if size == "phone" else ".leaflet-popup-content-wrapper"
    page.locator(f"{popup} .report-popup").wait_for(timeout=15_000)
    page.wait_for_timeout(600)
    page.screenshot(path=str(SCREENSHOTS / f"story-step-6-{size}.png"))
    box = page.evaluate(
        """(selector) => { const b = (s) => {
             const r = document.querySelector(s).getBoundingClientRect();
             return {x1: r.left, y1: r.top, x2: r.right, y2: r.bottom}; };
           return {popup: b(selector), map: b('.folium-map'), story: b('#story-player')}; }""",
        popup,
    )
    assert inside(box["popup"], box["map"])
    assert not overlap(box["popup"], box["story"])
    head = page.locator(f"{popup} .report-kind")
    assert head.is_visible() and page.locator(f"{popup} .report-claimant").is_visible()
    assert errors == []


@pytest.mark.parametrize("sized", ["phone"], indirect=True)
def test_on_a_phone_the_map_fills_the_screen_and_a_report_fits_it(sized, live_server):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?report=putin-oreshnik-belarus-announcement-2024")
    drawn = page.evaluate(BOXES)
    assert drawn["map"]["w"] == drawn["viewport"]["w"]
    assert drawn["map"]["h"] >= 0.7 * drawn["viewport"]["h"]
    assert not page.locator("#panel").is_visible()
    sheet = page.locator("#report-sheet")
    sheet.wait_for()
    rect = sheet.bounding_box()
    assert rect["x"] >= 0 and rect["x"] + rect["width"] <= 390
    assert rect["y"] + rect["height"] <= 844
    assert "Putin" in sheet.inner_text()
    page.click("#report-sheet-close")
    assert not sheet.is_visible()
    page.click("#panel-toggle")
    page.locator("#panel").wait_for(state="visible")
    assert page.locator("#filter-q").is_visible()
    page.keyboard.press("Escape")
    page.locator("#panel").wait_for(state="hidden")
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
@pytest.mark.parametrize(
    ("to", "expected"),
    [
        ("1999-03", {}),
        (
            "2015-06",
            {"UA-43": "occupied", "UA-40": "occupied", "UA-14": "partly", "UA-09": "partly"},
        ),
        (
            "2023-01",
            {"UA-43": "occupied", "UA-14": "claimed", "UA-23": "claimed", "UA-65": "claimed"},
        ),
    ],
)
def test_occupied_areas_follow_the_time_control(sized, live_server, to, expected):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?to={to}")
    ids = page.evaluate(
        """() => { const out = {}; window.webmapFolium.later[0].eachLayer(function visit(l) {
            if (l.feature && l.feature.properties.phases) {
              if (l._path && getComputedStyle(l._path).display !== 'none')
                out[l.feature.properties.iso_3166_2] = [...l._path.classList].find(
                  (c) => /^area-(occupied|claimed|partly)$/.test(c));
            } else if (l.eachLayer) l.eachLayer(visit); }); return out; }"""
    )
    for code, state in expected.items():
        assert ids.get(code) == f"area-{state}", (code, ids)
    if not expected:
        assert ids == {}
        assert not page.locator("[data-area-state='occupied']").is_visible()
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_playing_writes_the_date_large_on_the_map(sized, live_server):
    page, _, _ = sized
    open_map(page, f"{live_server}/?from=2014-01")
    page.evaluate("() => { window.webmap.playStepMs = 60000; }")
    page.click("#time-play")
    big = page.locator("#map-date")
    big.wait_for()
    assert big.inner_text() == "January 2014"
    assert (
        page.evaluate(
            "() => parseFloat(getComputedStyle(document.querySelector('#map-date')).fontSize)"
        )
        >= 36
    )
    page.click("#time-play")
    assert not big.is_visible()


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_whole_country_reports_are_a_badge_listed_from_the_country(sized, live_server):
    page, errors, _ = sized
    open_map(page, live_server)
    badge = page.locator(".area-badge", has_text="Belarus").first
    count = int(badge.locator(".area-badge-count").inner_text())
    assert count >= 5  # the reports placed only "in Belarus", together, one click away
    badge.click()
    items = page.locator(".area-list-item")
    assert items.count() == count
    items.first.click()
    page.locator(".leaflet-popup .report-popup .report-precision").wait_for()
    assert page.locator(".area-outline").count() == 1  # the country outlined, not a pin
    assert page.evaluate("() => window.webmapMap.map.getZoom()") <= 5
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_a_story_never_zooms_closer_than_a_report_is_placed(sized, live_server):
    page, _, _ = sized
    open_map(page, f"{live_server}/?story={ORESHNIK_STORY}&step=5")  # placed in Belarus only
    page.locator(".leaflet-popup .report-popup").wait_for(timeout=15_000)
    assert page.evaluate("() => window.webmapMap.map.getZoom()") <= 5
    assert page.locator(".leaflet-popup .report-precision").is_visible()


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_the_first_click_after_typing_a_search_opens_the_marker(sized, live_server):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?map=7/53.8/27.5")
    page.fill("#filter-q", "Oreshnik")
    page.wait_for_timeout(300)
    marker = page.locator(".report-marker").first
    marker.click()  # the search box loses focus here, and the click must still open the report
    page.locator(".leaflet-popup .report-popup").wait_for(timeout=3_000)
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_measuring_from_a_cluster_sets_a_point_and_esc_clears_the_readout(sized, live_server):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?map=5/54/27")
    zoom = page.evaluate("() => window.webmapMap.map.getZoom()")
    page.click(".measure-button")
    area = page.locator(".folium-map").bounding_box()
    middle = (area["x"] + area["width"] * 0.45, area["y"] + area["height"] * 0.55)
    # The cluster nearest the middle of the map, so both clicks land on the map.
    cluster = min(
        (c.bounding_box() for c in page.locator(".report-cluster").all()),
        key=lambda b: abs(b["x"] - middle[0]) + abs(b["y"] - middle[1]),
    )
    page.mouse.click(cluster["x"] + cluster["width"] / 2, cluster["y"] + cluster["height"] / 2)
    page.mouse.click(cluster["x"] + cluster["width"] / 2 + 120, cluster["y"] + 160)
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.webmapMap.map.getZoom()") == zoom  # the cluster did not zoom
    assert int(page.evaluate("() => document.documentElement.dataset.measuredKm")) > 50
    readout = page.locator(".measure-readout")
    assert "Distance:" in readout.inner_text()
    page.keyboard.press("Escape")
    assert not readout.is_visible()
    assert page.evaluate("() => document.documentElement.dataset.measuredKm") is None
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_one_badge_per_country_wherever_its_reports_are_placed(sized, live_server):
    page, errors, _ = sized
    # Zoomed out far enough to see all of western Russia: two reports "in Russia" are placed
    # at different points (Moscow, and east of it), and they share one badge.
    open_map(page, f"{live_server}/?map=4/54/35")
    places = page.evaluate("() => window.webmapMap.badges.getLayers().map((b) => b.areaGroup.name)")
    assert "Russia" in places and "Belarus" in places
    assert len(places) == len(set(places)), places
    shown = page.locator(".area-badge .area-badge-place").all_inner_texts()
    assert shown.count("Russia") == 1, shown
    russia = page.locator(".area-badge", has_text="Russia").first
    assert int(russia.locator(".area-badge-count").inner_text()) >= 2
    assert errors == []


@pytest.mark.parametrize("sized", ["phone", "laptop"], indirect=True)
def test_the_measure_button_fits_beside_the_other_controls(sized, live_server):
    page, errors, size = sized
    open_map(page, live_server)
    boxes = """() => [...document.querySelectorAll('.leaflet-control, .map-legend-control')]
      .filter((el) => el.getBoundingClientRect().width > 0)
      .map((el) => { const r = el.getBoundingClientRect();
        return {x1: r.left, y1: r.top, x2: r.right, y2: r.bottom, w: r.width,
                measure: el.classList.contains('measure-control'), name: el.className}; })"""
    screen = {"x1": 0, "y1": 0, "x2": SIZES[size][0], "y2": SIZES[size][1]}
    button = page.locator(".measure-button")
    name = """(el) => el.getAttribute('aria-label') || el.textContent"""
    assert button.evaluate(name) == "Measure a distance"  # its name is whole however short
    for state in ("idle", "measuring"):
        if state == "measuring":
            button.click()
            assert button.evaluate(name) == "Stop measuring"
            page.wait_for_timeout(100)
        drawn = page.evaluate(boxes)
        measure = next(b for b in drawn if b["measure"])
        assert inside(measure, screen, slack=0), measure
        if size == "phone" and state == "idle":
            assert measure["w"] <= 0.35 * SIZES[size][0], measure  # an icon and a short word
        for other in drawn:
            if not other["measure"] and not inside(other, measure, slack=0):
                assert not overlap(measure, other), (state, other["name"])
    page.keyboard.press("Escape")
    assert button.evaluate(name) == "Measure a distance"
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop"], indirect=True)
def test_one_badge_per_country_when_only_some_reports_are_translated(sized, live_server):
    page, errors, _ = sized
    # In Polish, the Oreshnik and eastern-flank reports are translated and the rest are not:
    # "Białoruś" and "Belarus" are one country, so one badge, named in Polish.
    open_map(page, f"{live_server}/?lang=pl&map=5/53.5/28")
    names = page.evaluate("() => window.webmapMap.badges.getLayers().map((b) => b.areaGroup.name)")
    assert "Białoruś" in names and "Belarus" not in names, names
    assert len(names) == len(set(names)), names
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop", "small-laptop", "projector"], indirect=True)
def test_an_open_popup_stays_clear_of_the_status_line_scale_and_attribution(sized, live_server):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?report=putin-oreshnik-belarus-announcement-2024")
    page.locator(".leaflet-popup-content-wrapper ol.sources a").first.wait_for(timeout=15_000)
    page.wait_for_timeout(600)  # the map pans the popup into the free part
    popup = page.locator(".leaflet-popup-content-wrapper").bounding_box()
    box = {"x1": popup["x"], "y1": popup["y"]}
    box |= {"x2": popup["x"] + popup["width"], "y2": popup["y"] + popup["height"]}
    drawn = page.evaluate(BOXES)
    for name in ("status", "scale", "attribution"):
        assert not overlap(box, drawn[name]), name
    assert errors == []


@pytest.mark.parametrize("sized", ["laptop", "small-laptop", "phone"], indirect=True)
@pytest.mark.parametrize("lang", ["pl", "lt", "uk"])
def test_the_header_keeps_the_language_button_beside_the_links(sized, live_server, lang):
    page, errors, _ = sized
    open_map(page, f"{live_server}/?lang={lang}")
    top = page.evaluate(
        """() => ['.site-name', '.language-switcher summary'].map(
             (s) => document.querySelector(s).getBoundingClientRect().top)"""
    )
    header = page.locator(".site-header").bounding_box()
    if page.viewport_size["width"] >= 1250:  # one row: the button is not pushed under the name
        assert top[1] < header["y"] + header["height"] / 2
    # a phone keeps at most a fifth of its height for the header (the map fills the rest)
    assert header["height"] <= (140 if page.viewport_size["width"] > 700 else 0.2 * 844)
    assert errors == []
