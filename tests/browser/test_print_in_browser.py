"""The printed map in Chromium: an A4 landscape handout with numbered markers and a dated key."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from webmap.record.dates import date_span

DRAWN = "() => document.documentElement.dataset.mapDrawn"
PRINTED = "() => document.documentElement.dataset.printMarkers"
A4_LANDSCAPE_PT = (841.89, 595.28)
# Countries the handout always shows whole, and points that must be in frame.
WHOLE = ["BLR", "EST", "LVA", "LTU", "POL", "UKR"]
POINTS = {"Kaliningrad": (54.71, 20.51), "Crimea, south tip": (44.39, 33.77)}

# What the page shows while printing: the frame, the markers, the key, the heading.
PRINTED_STATE = """() => {
  const frame = window.webmapMap.map.getContainer().getBoundingClientRect();
  const box = (r) => ({left: r.left, top: r.top, right: r.right, bottom: r.bottom});
  const folium = window.webmapFolium;
  const areas = [];
  for (const group of folium.later) {
    if (!group.eachLayer) continue;
    group.eachLayer((child) => child.eachLayer && child.eachLayer((layer) => {
      if (layer.feature && layer.feature.properties.iso_3166_2 && layer._path) {
        const rect = box(layer._path.getBoundingClientRect());
        areas.push({name: layer.feature.properties.name, rect});
      }
    }));
  }
  const countries = {};
  const fills = {};
  folium.countries.eachLayer((layer) => {
    if (!layer._path) return;
    countries[layer.feature.id] = box(layer._path.getBoundingClientRect());
    fills[layer.feature.id] = getComputedStyle(layer._path).fill;
  });
  const swatches = {};
  for (const swatch of document.querySelectorAll('.swatch[data-bloc]')) {
    swatches[swatch.dataset.bloc] = getComputedStyle(swatch).backgroundImage;
  }
  const map = window.webmapMap.map;
  return {
    frame: box(frame),
    size: map.getSize(),
    markers: [...document.querySelectorAll('.print-marker')].map((m) => ({
      numbers: m.dataset.numbers.split(',').map(Number),
      ids: m.dataset.reportIds.split(','),
      label: m.querySelector('.print-label').textContent,
      dot: box(m.querySelector('.print-dot').getBoundingClientRect()),
      labelBox: box(m.querySelector('.print-label').getBoundingClientRect()),
    })),
    items: [...document.querySelectorAll('#print-reports > li')].map((li) => ({
      number: Number(li.dataset.number), id: li.dataset.reportId, date: li.dataset.date,
      shownNumber: li.querySelector('.print-number').textContent, text: li.innerText,
    })),
    clusters: document.querySelectorAll('.report-cluster').length,
    clusterLayerOn: map.hasLayer(window.webmapMap.clusters),
    heading: document.querySelector('.print-heading').innerText,
    legendVisible: document.querySelector('.legend').getBoundingClientRect().height > 0,
    scale: box(document.querySelector('.leaflet-control-scale').getBoundingClientRect()),
    areas, countries, fills, swatches,
  };
}"""


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def screen_state(page) -> dict:
    return page.evaluate(
        """() => {
          const map = window.webmapMap.map;
          const c = map.getCenter();
          const popup = document.querySelector('.leaflet-popup .report-popup');
          return {zoom: map.getZoom(), lat: c.lat, lng: c.lng, size: map.getSize(),
                  clusterLayerOn: map.hasLayer(window.webmapMap.clusters),
                  printMarkers: document.querySelectorAll('.print-marker').length,
                  popup: popup ? popup.dataset.reportId : null,
                  url: location.search};
        }"""
    )


def shown_ids(page) -> list[str]:
    return page.evaluate("window.webmap.filterIds(location.search)")


def check_handout(state: dict, expected_ids: list[str]) -> None:
    """Assert what a reader of the printed page relies on."""
    assert state["clusters"] == 0 and not state["clusterLayerOn"]
    items = state["items"]
    # The key: every shown report once, numbered 1..n, oldest first.
    assert sorted(item["id"] for item in items) == sorted(expected_ids)
    assert [item["number"] for item in items] == list(range(1, len(items) + 1))
    assert [item["shownNumber"] for item in items] == [str(i["number"]) for i in items]
    spans = [date_span(item["date"]) for item in items]
    assert spans == sorted(spans)
    for item in items:
        assert "Status: " in item["text"] and "Claimed by: " in item["text"]
    # The markers: every number on exactly one marker, which stands for that number's report.
    by_number = {item["number"]: item["id"] for item in items}
    numbers = [n for marker in state["markers"] for n in marker["numbers"]]
    assert sorted(numbers) == list(by_number)
    for marker in state["markers"]:
        assert [by_number[n] for n in marker["numbers"]] == marker["ids"]
        for n in marker["numbers"]:
            assert str(n) in marker["label"]
        assert inside(marker["dot"], state["frame"])
        assert inside(marker["labelBox"], state["frame"])
    # The heading: the date of the data in words, the version only after the word "version".
    heading = state["heading"]
    assert re.search(r"Data as of \d{1,2} [A-Z][a-z]+ \d{4} · version [0-9a-f]+", heading)
    assert not re.search(r"(?<!version )\b[0-9a-f]{8,}\b", heading)
    assert state["legendVisible"] and inside(state["scale"], state["frame"])


def test_the_printed_map_is_numbered_keyed_and_whole(page, live_server, tmp_path, shipped_count):
    page, log = page
    open_map(page, live_server)
    before = screen_state(page)
    assert before["clusterLayerOn"] and before["printMarkers"] == 0
    page.emulate_media(media="print")
    page.wait_for_function(PRINTED)
    state = page.evaluate(PRINTED_STATE)
    check_handout(state, shown_ids(page))
    assert len(state["items"]) == shipped_count
    # The reports at Belarus's centroid share one marker.
    assert max(len(m["numbers"]) for m in state["markers"]) >= 5
    # Crimea, Sevastopol and the claimed oblasts, and whole countries, inside the frame.
    names = {area["name"] for area in state["areas"]}
    assert {"Autonomous Republic of Crimea", "Sevastopol"} <= names
    for area in state["areas"]:
        assert inside(area["rect"], state["frame"]), area["name"]
    for iso3 in WHOLE:
        assert inside(state["countries"][iso3], state["frame"]), iso3
    # Blocs told apart without colour: the Union State is textured on the map and in the legend.
    assert "print-bloc-union-state" in state["fills"]["BLR"]
    assert "url(" not in state["fills"]["POL"] and "url(" not in state["fills"]["UKR"]
    assert state["swatches"]["union-state"] != "none" and state["swatches"]["nato"] == "none"
    for name, (lat, lon) in POINTS.items():
        point = page.evaluate(
            "([lat, lon]) => window.webmapMap.map.latLngToContainerPoint([lat, lon])", [lat, lon]
        )
        assert 0 <= point["x"] <= state["size"]["x"] and 0 <= point["y"] <= state["size"]["y"], name

    data = page.pdf(format="A4", landscape=True, print_background=True)
    (tmp_path / "handout.pdf").write_bytes(data)
    reader = PdfReader(io.BytesIO(data))
    width, height = (float(v) for v in reader.pages[0].mediabox[2:])
    assert (width, height) == pytest.approx(A4_LANDSCAPE_PT, abs=1)
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Data as of" in first and "Legend" in first and "km" in first  # the scale bar
    rest = re.sub(r"\s+", "", " ".join(p.extract_text() for p in reader.pages[1:]))
    rest = rest.replace("\ufb01", "fi")  # the PDF writes "fi" as a ligature
    assert "oldest" in rest.lower() and "Status:Confirmed" in rest
    assert "rferl.org/amp/putin-oreshnik-missile-system-deployment-belarus/33229511.html" in rest
    # The printed DOM still has no cluster bubble after the PDF was made.
    assert page.locator(".report-cluster").count() == 0

    page.emulate_media(media="screen")
    page.wait_for_function("() => !document.documentElement.dataset.printMarkers")
    after = screen_state(page)
    assert after == before
    page.wait_for_function("() => document.querySelectorAll('.report-cluster').length > 0")
    assert log.errors == []


def test_a_filtered_print_with_an_open_popup_comes_back_as_it_was(page, live_server):
    page, log = page
    report = "putin-oreshnik-belarus-announcement-2024"
    open_map(page, f"{live_server}/?kind=deployment_announcement&report={report}")
    page.wait_for_selector(f'.leaflet-popup .report-popup[data-report-id="{report}"]')
    page.wait_for_timeout(300)  # the URL settles after the popup opens
    before = screen_state(page)
    assert before["popup"] == report
    history = page.evaluate("history.length")

    assert page.evaluate("window.webmapPrint.prepare()") > 0
    state = page.evaluate(PRINTED_STATE)
    expected = shown_ids(page)
    assert 0 < len(expected) < 50
    check_handout(state, expected)
    assert page.evaluate("window.webmapPrint.prepare()") == len(state["markers"])  # idempotent

    page.evaluate("window.webmapPrint.restore()")
    page.wait_for_timeout(300)
    after = screen_state(page)
    assert after == before
    assert page.evaluate("history.length") == history
    assert page.evaluate("window.webmapPrint.active()") is False
    assert log.errors == []


def test_printing_without_emulation_prepares_and_restores_by_the_print_events(
    page, live_server, shipped_count
):
    page, log = page
    open_map(page, f"{live_server}/?kind=strike")
    before = screen_state(page)
    data = page.pdf(format="A4", landscape=True, print_background=True)  # beforeprint, afterprint
    reader = PdfReader(io.BytesIO(data))
    first = re.sub(r"\s+", " ", reader.pages[0].extract_text())
    assert "Data as of" in first and f"3 of {shipped_count} reports shown" in first
    labels = re.findall(r"\b[123]\b", first)
    assert {"1", "2", "3"} <= set(labels)  # the numbered markers are on the printed map
    page.wait_for_function("() => !window.webmapPrint.active()")
    assert screen_state(page) == before
    assert log.errors == []


RUNS = [([1], "1"), ([1, 2], "1, 2"), ([1, 2, 3, 5], "1–3, 5"), ([4, 9, 10, 11], "4, 9–11")]


def test_marker_numbers_are_written_as_runs(page, live_server):
    page, _log = page
    open_map(page, live_server)
    for numbers, text in RUNS:
        assert page.evaluate("(n) => window.webmapPrint.numberRuns(n)", numbers) == text
