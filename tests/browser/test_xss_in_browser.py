"""Hostile text in every field, in real Chromium: nothing runs, nothing is injected, all is shown.

Every payload that ran would set window.__xss or open a dialog; every element or attribute it
could inject is looked for in the live DOM after the page, its popups, its search and its story
have drawn the text.
"""

from __future__ import annotations

import json
import re
from types import SimpleNamespace
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

import pytest
from xss_corpus import (
    BAD_URLS,
    COUNT,
    PAYLOADS,
    URL_PAYLOADS,
    normalise,
    payload,
    report_id,
    report_text,
    story_id,
    story_text,
    write_data_dir,
)

from webmap.record.vocabulary import KINDS

DRAWN = "() => document.documentElement.dataset.mapDrawn"
# Everything a payload could have added that runs script, or loads or frames something.
INJECTED = """() => {
  const found = [];
  if (typeof window.__xss !== "undefined") found.push(`window.__xss is ${String(window.__xss)}`);
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      const value = a.value.replace(/[\\x00-\\x20\\x7f]/g, "").toLowerCase();
      if (a.name.startsWith("on") || a.name === "srcdoc") found.push(`${el.tagName} ${a.name}`);
      else if (["href", "src", "action", "formaction", "data", "xlink:href"].includes(a.name)
               && /^(javascript|data|vbscript):/.test(value)) found.push(`${el.tagName} ${a.name}`);
    }
  }
  const foreign = "iframe, frame, object, embed, applet, base, img, video, audio, source, math, "
    + "marquee, template, textarea, meta[http-equiv=refresh i]";
  for (const el of document.querySelectorAll(foreign)) found.push(el.tagName);
  for (const s of document.scripts) {
    const ours = s.src ? new URL(s.src).origin === location.origin
      : s.type === "application/json" || s.textContent.includes("L_NO_TOUCH");
    if (!ours) found.push(`script ${s.outerHTML.slice(0, 80)}`);
  }
  return found;
}"""
STEP = "(step) => document.documentElement.dataset.storyStep === step"
OUR_PATHS = ("/static/", "/api/", "/map.", "/palette.css", "/reports", "/stories/", "/favicon")


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, server_for):
    data_dir = write_data_dir(tmp_path_factory.mktemp("xss") / "data")
    with server_for(data_dir) as url:
        yield url


@pytest.fixture
def watched(browser):
    """Open a page that logs errors, requests and dialogs, and blocks anything off 127.0.0.1.

    The page ignores the app's Content-Security-Policy, which would stop an injected script
    from running: these tests are about the escaping, which must hold on its own.
    """
    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    log = SimpleNamespace(errors=[], requests=[], dialogs=[])

    def dialog(d):
        log.dialogs.append(d.message)
        d.dismiss()

    page.on("dialog", dialog)
    page.on("console", lambda m: log.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: log.errors.append(str(e)))
    page.on("request", lambda r: log.requests.append(r.url))
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if urlsplit(route.request.url).hostname == "127.0.0.1"
            else route.abort()
        ),
    )
    yield page, log
    context.close()


def assert_nothing_ran(page, log) -> None:
    """Assert no payload ran, injected an element or loaded anything, and no script failed."""
    page.wait_for_timeout(100)  # let an injected onerror or onload fire, if there were one
    assert page.evaluate(INJECTED) == []
    assert log.dialogs == []
    assert log.errors == []
    loads = [urlsplit(url) for url in log.requests if not url.startswith(("data:image/", "blob:"))]
    assert [u.geturl() for u in loads if u.hostname != "127.0.0.1"] == []
    assert [u.path for u in loads if u.path != "/" and not u.path.startswith(OUR_PATHS)] == []


def visible_text(page, selector: str = "body") -> str:
    return normalise(page.inner_text(selector))


def assert_visible(text: str, expected) -> None:
    missing = [t for t in expected if normalise(t) not in text]
    assert missing == []


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)
    # At zoom 7 every hostile marker stands alone (they are 0.9° by 0.5° apart).
    page.evaluate("window.webmapMap.map.setView([53.85, 27.2], 7, {animate: false})")
    page.wait_for_timeout(300)


POPUPS = """async (ids) => {
  const wm = window.webmapMap;
  const out = {};
  for (const id of ids) {
    await wm.openReport(id, true);
    const box = document.querySelector(`.leaflet-popup-content [data-report-id="${id}"]`);
    const marker = document.querySelector(`.report-marker[data-report-id="${id}"]`);
    out[id] = box && {
      id: box.dataset.reportId,
      title: box.querySelector(".report-title").textContent,
      summary: box.querySelector(".report-summary").textContent,
      text: box.textContent,
      links: [...box.querySelectorAll("a")].map((a) => [a.getAttribute("href"), a.textContent]),
      label: marker && marker.getAttribute("aria-label"),
    };
  }
  wm.map.closePopup();
  return out;
}"""


def test_popups_show_every_payload_as_text(watched, hostile_server):
    page, log = watched
    open_map(page, hostile_server)
    first = report_id(4)
    page.locator(f'.report-marker[data-report-id="{first}"]').click()  # as a reader would
    popup = page.locator(f'.report-popup[data-report-id="{first}"]')
    popup.wait_for()
    clicked = popup.locator(".report-title").inner_text()
    popups = page.evaluate(POPUPS, [report_id(i) for i in range(COUNT)])
    assert_nothing_ran(page, log)
    assert normalise(clicked) == normalise(payload(4))
    for i in range(COUNT):
        got, text = popups[report_id(i)], report_text(i)
        assert got is not None and got["id"] == report_id(i)
        assert got["title"] == text["title"] and got["summary"] == text["summary"]
        shown = ("place", "claimed_by", "sources[0].publisher", "sources[0].title")
        shown += ("sources[1].publisher", "sources[1].title")
        assert_visible(normalise(got["text"]), [text[f] for f in shown])
        # in the record's stance order (the claim, reported by, confirmed by…), so sorted here
        assert sorted(got["links"][:2]) == sorted(
            [
                [
                    URL_PAYLOADS[i % len(URL_PAYLOADS)],
                    f"{text['sources[0].publisher']}: {text['sources[0].title']}",
                ],
                [
                    f"https://example.org/report/{i}",
                    f"{text['sources[1].publisher']}: {text['sources[1].title']}",
                ],
            ]
        )
        assert got["links"][-1][0] == f"/reports/{report_id(i)}"
        assert got["label"].startswith(text["title"])


SEARCHES = (
    "<img src=x onerror=window.__xss=1>",
    '" onmouseover="window.__xss=1',
    "{{7*7}}",
    "\uff1cscript\uff1ewindow.__xss=1\uff1c/script\uff1e",
)
FULL_WIDTH = SEARCHES[-1]


def test_searching_for_payloads_finds_them_and_runs_nothing(watched, hostile_server):
    page, log = watched
    open_map(page, hostile_server)
    for words in SEARCHES:
        page.fill("#filter-q", words)
        page.wait_for_function(
            "(q) => new URLSearchParams(location.search).get('q') === q", arg=words
        )
        # The map asks the server what a search finds, and says so until it has the answer.
        page.wait_for_function("() => !document.documentElement.dataset.searching")
        shown = page.evaluate(
            "() => [...window.webmapMap.clusters.getLayers().map(m => m.reportId),"
            " ...window.webmapMap.badges.getLayers().flatMap(b => [...b.areaGroup.shown])]"
        )
        with urlopen(f"{hostile_server}/api/reports?{urlencode({'q': words})}") as response:
            expected = [f["id"] for f in json.load(response)["features"]]
        # Both fold a search with NFKC, so ＜script＞ also finds <script> on the map and the API.
        assert sorted(shown) == sorted(expected)
        assert report_id(PAYLOADS.index(words)) in shown  # the report titled with it
    # The address holds the search: opened again, the server writes it back into the box.
    page.goto(page.url)
    page.wait_for_function(DRAWN, timeout=20_000)
    assert page.input_value("#filter-q") == words
    assert page.evaluate("document.documentElement.dataset.shownReports") == str(len(shown))
    page.fill("#filter-q", "")
    page.check('input[name="kind"][value="strike"]')
    page.emulate_media(media="print")  # the printed list writes out every shown report
    page.wait_for_function(
        "() => document.querySelectorAll('#print-reports > li').length === "
        "Number(document.documentElement.dataset.shownReports)"
    )
    printed = visible_text(page, "#print-reports")
    strikes = [i for i in range(COUNT) if i % len(KINDS) == KINDS.index("strike")]
    assert_visible(printed, [report_text(i)["title"] for i in strikes])
    assert_visible(printed, [report_text(i)["claimed_by"] for i in strikes])
    page.emulate_media(media="screen")
    assert_nothing_ran(page, log)


def test_a_story_on_the_map_shows_its_text_as_text(watched, hostile_server):
    page, log = watched
    i = 22
    page.goto(f"{hostile_server}/?story={story_id(i)}&step=1")
    page.wait_for_function(STEP, arg=f"{story_id(i)}/1")
    text = story_text(i)
    assert page.text_content("#story-title") == text["title"]
    assert page.text_content("#story-text") == text["steps[0].text"]
    page.click("#story-next")
    page.wait_for_function(STEP, arg=f"{story_id(i)}/2")
    assert page.text_content("#story-text") == text["steps[1].text"]
    assert_visible(visible_text(page, ".story-list"), [payload(k) for k in range(COUNT)])
    page.evaluate(f"window.webmapTools.setRings(['{report_id(0)}', '{report_id(9)}'])")
    page.locator(".ring-label").nth(1).wait_for()
    rings = visible_text(page, ".leaflet-tooltip-pane")
    assert_visible(
        rings, [report_text(k)[f"sources[{n}].publisher"] for k in (0, 9) for n in (0, 1)]
    )
    assert_nothing_ran(page, log)


def test_pages_show_every_payload_as_text(watched, hostile_server):
    page, log = watched
    page.goto(f"{hostile_server}/reports")
    assert_visible(visible_text(page), [payload(i) for i in range(COUNT)])
    assert_nothing_ran(page, log)
    for i in (3, 40, 87):
        page.goto(f"{hostile_server}/reports/{report_id(i)}")
        text = report_text(i)
        assert normalise(page.inner_text("h1")) == normalise(text["title"])
        # The tab's title drops control characters; the rest is the report's title, as text.
        title = re.sub(r"[\x00-\x1f\x7f]", "", text["title"])
        assert normalise(page.title()).startswith(normalise(title))
        assert_visible(visible_text(page), [v for f, v in text.items() if "language" not in f])
        assert_nothing_ran(page, log)
    page.goto(f"{hostile_server}/stories/{story_id(50)}")
    assert_visible(visible_text(page), story_text(50).values())
    assert_nothing_ran(page, log)


def test_addresses_that_are_not_http_never_become_links_in_popups(watched, hostile_server):
    """Should a javascript: or data: address reach the browser, the popup names it as text."""
    page, log = watched
    with urlopen(f"{hostile_server}/api/reports") as response:
        collection = json.load(response)
    target = collection["features"][0]["properties"]
    target["sources"] = [
        {"url": url, "publisher": f"Publisher {k}", "affiliation": "unknown"}
        for k, url in enumerate(BAD_URLS)
    ]
    body = json.dumps(collection)
    page.route(  # the map's own view (?view=map) too; these records are whole, so no refetch
        re.compile(r".*/api/reports(\?.*)?$"),
        lambda route: route.fulfill(body=body, content_type="application/geo+json"),
    )
    page.goto(f"{hostile_server}/?report={target['id']}")
    popup = page.locator(f'.report-popup[data-report-id="{target["id"]}"]')
    popup.wait_for()
    hrefs = popup.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert hrefs == [f"/reports/{target['id']}"]  # only the link to the report's page
    assert_visible(normalise(popup.inner_text()), [f"Publisher {k}" for k in range(len(BAD_URLS))])
    assert_nothing_ran(page, log)
