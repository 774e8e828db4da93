"""Projector mode (?projector=1 and its button) in Chromium: big names, deep colours, in links."""

from __future__ import annotations

from webmap.render.palette import (
    BLOC_FILLS,
    PROJECTOR_BLOC_FILLS,
    PROJECTOR_OUTLINE_WEIGHT,
    PROJECTOR_SEA,
)

DRAWN = "() => document.documentElement.dataset.mapDrawn"
# The computed size of every name on the map (the ones shown).
LABEL_SIZES = (
    "() => [...document.querySelectorAll('.map-label')].filter((e) => e.offsetParent)"
    ".map((e) => parseFloat(getComputedStyle(e).fontSize))"
)
POLAND = """() => { let path = null;
  window.webmapFolium.countries.eachLayer((l) => {
    if (l.feature.properties.iso3 === 'POL' && l._path && !path) path = l._path; });
  return [path.getAttribute('fill'), Number(path.getAttribute('stroke-width'))]; }"""


def rgb(colour: str) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)
    page.wait_for_function("() => document.querySelectorAll('.map-label').length > 5")


def test_projector_mode_from_the_link(page, live_server):
    page, log = page
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_map(page, f"{live_server}/?projector=1")
    sizes = page.evaluate(LABEL_SIZES)
    assert len(sizes) > 10
    assert min(sizes) >= 20
    fill, width = page.evaluate(POLAND)
    assert fill == PROJECTOR_BLOC_FILLS["nato"]
    assert width == PROJECTOR_OUTLINE_WEIGHT
    sea = page.eval_on_selector(".leaflet-container", "e => getComputedStyle(e).backgroundColor")
    assert sea == rgb(PROJECTOR_SEA)
    swatch = page.eval_on_selector(".legend .bloc-nato", "e => getComputedStyle(e).backgroundColor")
    assert swatch == rgb(PROJECTOR_BLOC_FILLS["nato"])
    # The panel is folded away: the map has the whole width, the panel opens as a drawer.
    assert not page.locator("#panel").is_visible()
    assert page.locator(".folium-map").bounding_box()["width"] >= 1900
    page.locator("#panel-toggle").click()
    page.locator("#filter-q").wait_for(state="visible")
    page.keyboard.press("Escape")
    page.locator("#panel").wait_for(state="hidden")
    zoom = page.locator(".leaflet-control-zoom-in").bounding_box()
    assert zoom["width"] >= 44 and zoom["height"] >= 44
    button = page.get_by_role("button", name="Projector mode")
    assert button.get_attribute("aria-pressed") == "true"
    assert float(button.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 20
    assert log.errors == []


def test_the_button_turns_it_on_and_the_link_keeps_it(page, live_server):
    page, log = page
    open_map(page, live_server)
    assert min(page.evaluate(LABEL_SIZES)) < 20  # without it, smaller names
    assert page.evaluate(POLAND)[0] == BLOC_FILLS["nato"]
    assert page.locator("#panel").is_visible()
    page.get_by_role("button", name="Projector mode").click()
    page.wait_for_function("() => new URLSearchParams(location.search).get('projector') === '1'")
    page.wait_for_function(f"() => Math.min(...({LABEL_SIZES})()) >= 20")
    assert page.evaluate(POLAND)[0] == PROJECTOR_BLOC_FILLS["nato"]
    assert not page.locator("#panel").is_visible()
    page.reload()  # the shared link opens in projector mode
    page.wait_for_function(DRAWN, timeout=20_000)
    page.wait_for_function("() => document.querySelectorAll('.map-label').length > 5")
    assert min(page.evaluate(LABEL_SIZES)) >= 20
    assert page.evaluate(POLAND)[0] == PROJECTOR_BLOC_FILLS["nato"]
    page.get_by_role("button", name="Projector mode").click()
    page.wait_for_function("() => !new URLSearchParams(location.search).get('projector')")
    page.wait_for_function(f"() => Math.min(...({LABEL_SIZES})()) < 20")
    assert page.evaluate(POLAND)[0] == BLOC_FILLS["nato"]
    page.go_back()
    page.wait_for_function("() => document.documentElement.classList.contains('projector')")
    assert log.errors == []


def test_projector_mode_and_compare_together_in_ukrainian(page, live_server):
    page, log = page
    open_map(page, f"{live_server}/?lang=uk&projector=1&compare=1999-03,2024-03")
    page.wait_for_function("() => document.documentElement.dataset.compareDrawn")
    button = page.locator(".projector-button")
    assert button.get_attribute("aria-label") == "Режим проєктора"
    fills = page.evaluate(
        """() => { const out = []; window.webmapCompare.countries().eachLayer((l) => {
          if (l.feature.properties.iso3 === 'FIN' && l._path)
            out.push(l._path.getAttribute('fill')); });
          return out; }"""
    )
    assert set(fills) == {PROJECTOR_BLOC_FILLS["nato"]}
    assert page.evaluate(POLAND)[0] == PROJECTOR_BLOC_FILLS["nato"]
    size = page.eval_on_selector(".compare-date", "e => parseFloat(getComputedStyle(e).fontSize)")
    assert size >= 40
    assert log.errors == []
