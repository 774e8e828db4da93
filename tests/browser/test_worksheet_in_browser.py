"""The worksheet and "Cite this view" in Chromium: the QR code, the numbers, the printout."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader
from xss_corpus import normalise, payload, report_text, story_text, write_data_dir

from webmap.web.app import create_app
from webmap.web.errors import current_catalog

SHIPPED = Path(__file__).parent.parent.parent / "geodata"
READY = "() => document.documentElement.dataset.worksheetReady !== undefined"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
TITLE = "Alliances and military deployments around Belarus, Russia and NATO's eastern flank"
A4 = (595, 842)  # points, portrait
# The reports the map shows now, sorted.
SHOWN_IDS = """() => window.webmap.features().map((f) => f.properties.id)
  .filter((id) => window.webmapMap.isShown(id)).sort()"""
TABLE = """() => [...document.querySelectorAll('#worksheet-rows tr')]
  .map((tr) => [Number(tr.dataset.number), tr.dataset.reportId])"""
MARKERS = """() => [...document.querySelectorAll('.print-marker')].map((m) => {
  const numbers = m.dataset.numbers.split(',').map(Number);
  const ids = m.dataset.reportIds.split(',');
  return {numbers, ids, label: m.querySelector('.print-label').textContent};
})"""


def open_worksheet(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(READY, timeout=30_000)


def decoded_qr(page) -> str:
    """Return the text of the worksheet's QR code, read from a screenshot of it."""
    shot = page.locator("#worksheet-qr").screenshot()
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(shot)))
    assert [r.format for r in found] == [zxingcpp.BarcodeFormat.QRCode]
    return found[0].text


def shipped_facts() -> tuple[str, str]:
    """Return the shipped data's version and newest day."""
    app = create_app({"DATA_DIR": str(SHIPPED), "TILES": "none"})
    with app.test_request_context("/"):
        store = current_catalog()
        return store.version, store.index.newest_day()


VIEW = "kind=exercise,deployment&from=2021&to=2024-06&actor=BLR"


def test_the_qr_code_opens_the_same_view(page, live_server):
    page, log = page
    open_worksheet(page, f"{live_server}/worksheet?{VIEW}")
    rows = page.evaluate(TABLE)
    assert 3 <= len(rows) < 24  # the whole view is on the worksheet
    url = decoded_qr(page)
    assert urlsplit(url)[:3] == urlsplit(f"{live_server}/")[:3]
    assert parse_qs(urlsplit(url).query) == parse_qs(VIEW)
    assert page.inner_text("#worksheet-url") == url
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)
    assert page.evaluate(SHOWN_IDS) == sorted(report for _, report in rows)
    assert log.errors == []
    assert log.off_host() == []


def test_the_tables_numbers_are_the_maps_numbered_markers(page, live_server):
    page, log = page
    open_worksheet(page, f"{live_server}/worksheet?{VIEW}")
    rows = dict(page.evaluate(TABLE))
    assert sorted(rows) == list(range(1, len(rows) + 1))
    markers = page.evaluate(MARKERS)
    on_map = {n: i for m in markers for n, i in zip(m["numbers"], m["ids"], strict=True)}
    assert on_map == rows
    assert all(
        m["label"].replace("–", ",").split(",")[0].strip() == str(m["numbers"][0]) for m in markers
    )
    # Numbered markers instead of clusters or badges, and the table's status in words.
    assert page.evaluate("window.webmapMap.map.hasLayer(window.webmapMap.clusters)") is False
    assert page.locator(".marker-cluster").count() == 0
    statuses = page.locator("#worksheet-rows .worksheet-status").all_inner_texts()
    assert set(statuses) <= {"Announced", "Reported", "Confirmed", "Disputed", "Denied"}
    # The map's buttons stay on the map: none is drawn on the sheet (they printed there).
    for button in (".compare-control", ".projector-control", ".measure-control"):
        assert all(not b.is_visible() for b in page.locator(button).all()), button
    assert log.errors == []


@pytest.mark.parametrize(
    "query",
    [
        VIEW,
        "",  # every report: the worksheet numbers the oldest 24 and says so
        "lang=uk&story=nato-enlargement-1999-2024&step=3",  # five questions, in Ukrainian
    ],
)
def test_the_printed_worksheet_is_one_to_three_a4_pages(page, live_server, query):
    page, log = page
    open_worksheet(page, f"{live_server}/worksheet?{query}")
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert 1 <= len(reader.pages) <= 3
    for sheet in reader.pages:
        assert [round(float(v)) for v in sheet.mediabox[2:]] == list(A4)
    text = " ".join(sheet.extract_text() for sheet in reader.pages)
    assert reader.pages[-1].extract_text().strip()  # no empty last page
    numbers = len(page.evaluate(TABLE))
    assert numbers == (24 if not query else numbers)
    if "lang=uk" in query:
        assert "Запитання із сюжету" in text and "Дані станом на" in text
        assert page.locator(".worksheet-question").count() == 5
    else:
        assert "Data as of" in text and "Cite as:" in text
    if not query:
        assert "the worksheet numbers the 24 oldest" in page.inner_text("#worksheet-cut")
    assert log.errors == []


def test_a_storys_worksheet_asks_its_questions_keyed_to_the_numbers(page, live_server):
    page, log = page
    open_worksheet(page, f"{live_server}/worksheet?story=nato-enlargement-1999-2024&step=2")
    assert page.inner_text("#worksheet-title") == "How NATO grew eastwards, 1999–2024"
    rows = dict(page.evaluate(TABLE))
    assert len(rows) == 8  # the story's reports, not the whole map
    first = page.locator(".worksheet-question").first
    assert first.inner_text().startswith("Set the time control's To month to March 1999.")
    number = next(n for n, r in rows.items() if r == "poland-joins-nato-1999")
    assert f"(report {number})" in first.inner_text()
    assert first.locator(".worksheet-rule").count() == 2
    # The QR code keeps the story and its step: the view opens where the teacher was.
    assert parse_qs(urlsplit(decoded_qr(page)).query) == {
        "story": ["nato-enlargement-1999-2024"],
        "step": ["2"],
    }
    # The worksheet's own address still names the story (a reload gives the same sheet).
    assert "story=nato-enlargement-1999-2024" in page.url
    assert log.errors == []


def test_a_year_alone_in_the_link_filters_the_map_and_the_worksheet(page, live_server):
    """from=2024 (as the README's examples write it) is January 2024, not dropped."""
    page, log = page
    open_worksheet(page, f"{live_server}/worksheet?kind=strike&from=2024&to=2024")
    ids = [r for _, r in page.evaluate(TABLE)]
    assert ids == ["oreshnik-strike-dnipro-2024"]
    assert "from=2024-01" in page.inner_text("#worksheet-view")
    assert log.errors == []


def test_the_worksheet_button_opens_the_worksheet_of_the_current_view(page, live_server):
    page, log = page
    page.goto(f"{live_server}/?kind=strike")
    page.wait_for_function(DRAWN, timeout=20_000)
    page.check("input[name=status][value=confirmed]")
    page.wait_for_function("() => location.search.includes('status=confirmed')")
    page.focus("#worksheet-open")  # by keyboard: Tab to it, Enter
    page.keyboard.press("Enter")
    page.wait_for_function(READY, timeout=30_000)
    assert urlsplit(page.url).path == "/worksheet"
    assert parse_qs(urlsplit(page.url).query)["status"] == ["confirmed"]
    ids = sorted(r for _, r in page.evaluate(TABLE))
    query = "kind=strike&status=confirmed"
    assert ids == page.evaluate(f"window.webmap.filterIds('{query}')")
    assert log.errors == []


def test_cite_this_view_gives_apa_and_mla_for_a_filtered_view(page, live_server):
    page, log = page
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(f"{live_server}/?kind=strike&from=2024-01")
    page.wait_for_function(DRAWN, timeout=20_000)
    page.wait_for_function("() => location.search.includes('map=')")
    url = page.url
    page.focus("#cite-open")
    page.keyboard.press("Enter")
    dialog = page.locator("#cite-dialog")
    dialog.wait_for()  # the citation's script loads on the first press
    version, newest = shipped_facts()
    day = date.fromisoformat(newest)
    today = date.today()
    months = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
    short = [
        "Jan.",
        "Feb.",
        "Mar.",
        "Apr.",
        "May",
        "June",
        "July",
        "Aug.",
        "Sept.",
        "Oct.",
        "Nov.",
        "Dec.",
    ]
    apa = (
        f"{TITLE} [Interactive map, data version {version}]. "
        f"({day.year}, {months[day.month - 1]} {day.day}). webmap. "
        f"Retrieved {months[today.month - 1]} {today.day}, {today.year}, from {url}"
    )
    mla = (
        f"“{TITLE}.” webmap, data version {version}, {day.day} {short[day.month - 1]} {day.year}, "
        f"{url}. Accessed {today.day} {short[today.month - 1]} {today.year}."
    )
    assert page.inner_text("#cite-apa") == apa
    assert page.inner_text("#cite-mla") == mla
    assert "kind=strike" in url and "from=2024-01" in url
    page.get_by_role("button", name="Copy the MLA citation").click()
    page.wait_for_function("() => document.querySelector('.cite-status').textContent !== ''")
    assert page.inner_text(".cite-status") == "Copied."
    assert page.evaluate("navigator.clipboard.readText()") == mla
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert log.errors == []


def test_citations_and_the_worksheet_speak_the_pages_language(page, live_server):
    page, log = page
    page.goto(f"{live_server}/?kind=strike&lang=pl")
    page.wait_for_function(DRAWN, timeout=20_000)
    page.click("#cite-open")
    apa = page.inner_text("#cite-apa")
    assert apa.startswith("Sojusze i rozmieszczenie wojsk wokół Białorusi")
    assert "[Mapa interaktywna, wersja danych" in apa and "Pobrano" in apa
    assert "Dostęp" in page.inner_text("#cite-mla")
    open_worksheet(page, f"{live_server}/worksheet?kind=strike&lang=lt")
    assert page.get_attribute("html", "lang") == "lt"
    assert "Žiūrėta" in page.inner_text("#worksheet-citation")
    assert page.inner_text("#worksheet-reports-heading") == "Pranešimai žemėlapyje, nuo seniausių"
    assert log.errors == []


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory, server_for):
    data_dir = write_data_dir(tmp_path_factory.mktemp("xss-worksheet") / "data")
    path = data_dir / "stories" / "xss-story-000.json"
    story = json.loads(path.read_text("utf-8"))
    story["steps"][0]["question"] = payload(7)
    path.write_text(json.dumps(story), "utf-8")
    with server_for(data_dir) as url:
        yield url


def test_hostile_titles_and_questions_are_text_on_the_worksheet(browser, hostile_server):
    """Titles, claimants, places, a story's title and question: shown as text, nothing runs."""
    context = browser.new_context(bypass_csp=True)  # the escaping must hold on its own
    page = context.new_page()
    dialogs, errors = [], []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script("window.__xss = undefined")
    open_worksheet(page, f"{hostile_server}/worksheet?story=xss-story-000")
    assert normalise(page.inner_text("#worksheet-title")) == normalise(story_text(0)["title"])
    question = normalise(page.inner_text(".worksheet-question"))
    assert question.startswith(normalise(payload(7)))
    table = normalise(page.inner_text("#worksheet-rows"))
    for i in (0, 1):
        assert normalise(report_text(i)["title"]) in table
    page.wait_for_timeout(100)
    injected = page.evaluate("""() => [...document.querySelectorAll('.worksheet-page main *')]
      .filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))
        || ['SCRIPT', 'IFRAME', 'IMG', 'OBJECT', 'EMBED'].includes(el.tagName))
      .map((el) => el.tagName)""")
    assert injected == []
    assert page.evaluate("typeof window.__xss") == "undefined"
    assert dialogs == [] and errors == []
    context.close()


def test_a_view_too_long_for_a_qr_code_says_so(page, live_server):
    page, log = page
    long_search = "kind=strike&" + "&".join(f"ring=r{i:04d}" for i in range(330))  # 3.6 KB
    open_worksheet(page, f"{live_server}/worksheet?{long_search}")
    assert "too long for a QR code" in page.inner_text("#worksheet-qr")
    assert page.inner_text("#worksheet-url").startswith(f"{live_server}/?")
    assert log.errors == []


def test_the_offline_sites_worksheet_works_from_file_urls(browser, static_site):
    """With no server: the page reads the view from its own address and draws the QR code."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    view = "kind=exercise&from=2021-01"
    open_worksheet(page, (static_site / "uk" / "worksheet.html").as_uri() + "?" + view)
    assert page.get_attribute("html", "lang") == "uk"
    assert page.inner_text("#worksheet-reports-heading") == "Повідомлення на мапі, від найдавніших"
    rows = page.evaluate(TABLE)
    assert 3 <= len(rows) < 24
    url = decoded_qr(page)
    assert url == (static_site / "uk" / "index.html").as_uri() + "?" + view
    reader = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True)))
    assert 1 <= len(reader.pages) <= 3
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=20_000)
    assert page.evaluate(SHOWN_IDS) == sorted(report for _, report in rows)
    # The map's button opens the offline worksheet of the view it shows.
    page.focus("#worksheet-open")
    link = urlsplit(page.get_attribute("#worksheet-open", "href"))
    assert link.path == "worksheet.html"
    assert {k: v for k, v in parse_qs(link.query).items() if k != "map"} == parse_qs(view)
    assert errors == []
    assert all(url.startswith(("file://", "data:")) for url in requests)
    context.close()


def test_the_worksheet_and_the_citation_box_pass_axe(browser, live_server):
    from test_accessibility import violations

    context = browser.new_context(viewport={"width": 1400, "height": 900}, bypass_csp=True)
    page = context.new_page()
    open_worksheet(page, f"{live_server}/worksheet?story=nato-enlargement-1999-2024&lang=be")
    assert violations(page) == []
    page.goto(f"{live_server}/?kind=strike")
    page.wait_for_function(DRAWN, timeout=20_000)
    page.click("#cite-open")
    assert violations(page) == []
    context.close()
