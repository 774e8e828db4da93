"""Report content in the reader's language: ?lang=, pages, search across scripts, the site."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from webmap.web.app import create_app

REPO_DATA = Path(__file__).parent.parent / "geodata"
ORESHNIK = {
    "oreshnik-strike-dnipro-2024",
    "putin-oreshnik-belarus-announcement-2024",
    "oreshnik-krichev-satellite-analysis-2025",
}
KRICHEV = {"oreshnik-krichev-satellite-analysis-2025", "oreshnik-belarus-mod-video-2025"}


@pytest.fixture(scope="module")
def shipped():
    app = create_app({"TESTING": True, "DATA_DIR": str(REPO_DATA), "TILES": "none"})
    return app.test_client()


def ids(client, **args) -> set[str]:
    response = client.get("/api/reports", query_string=args)
    assert response.status_code == 200
    return {f["id"] for f in response.get_json(force=True)["features"]}


@pytest.mark.parametrize("q", ["Орешник", "Oresznik", "Арэшнік", "Орєшник", "Orešnik", "oreshnik"])
def test_oreshnik_in_any_language_finds_the_oreshnik_reports(shipped, q):
    assert ORESHNIK <= ids(shipped, q=q)


@pytest.mark.parametrize("q", ["Кричев", "Krzyczew", "Крычаў", "Kryčaŭ", "Krychau", "Krichev"])
def test_krichev_in_any_script_finds_the_krichev_reports(shipped, q):
    assert ids(shipped, q=q) == KRICHEV


def test_an_english_query_finds_what_it_found():
    # counts on the shipped data before translations and names were added
    app = create_app({"TESTING": True, "DATA_DIR": str(REPO_DATA), "TILES": "none"})
    client = app.test_client()
    assert len(ids(client, q="Belarus")) == 62 and len(ids(client, q="Putin")) == 24
    assert len(ids(client, q="Kaliningrad")) == 14 and len(ids(client, q="TASS")) == 22


def test_api_reports_in_ukrainian_gives_ukrainian_titles_marked_machine(shipped):
    features = shipped.get("/api/reports?lang=uk").get_json(force=True)["features"]
    first = next(f["properties"] for f in features if f["id"] == "albania-joins-nato-2009")
    assert first["title"] == "Албанія вступає до НАТО"
    assert (first["lang"], first["translated_by"]) == ("uk", "machine")
    assert all(f["properties"]["lang"] == "uk" for f in features)


def test_a_missing_translation_falls_back_to_english_marked(shipped):
    props = shipped.get("/api/reports/albania-joins-nato-2009?lang=pl").get_json(force=True)[
        "properties"
    ]
    assert props["title"] == "Albania joins NATO"
    assert props["lang"] == "en" and props["untranslated"] is True
    assert "translated_by" not in props


def test_the_maps_light_view_in_polish_carries_polish_text_and_searches_it(shipped):
    url = "/api/reports?view=map&lang=pl&q=Oresznik"
    features = shipped.get(url).get_json(force=True)["features"]
    strike = next(f["properties"] for f in features if f["id"] == "oreshnik-strike-dnipro-2024")
    assert strike["slim"] and strike["lang"] == "pl" and "translations" not in strike
    assert "Dniepr" in strike["title"] or "Dnipr" in strike["title"]
    # The map asks the server what a search finds: Polish words find the report.
    found = shipped.get("/api/reports?view=ids&lang=pl&q=Dniepr").get_json()["ids"]
    assert "oreshnik-strike-dnipro-2024" in found


def test_without_lang_the_api_is_the_stored_record(shipped):
    body = shipped.get("/api/reports").data
    assert b'"translated_by"' not in body and b'"untranslated"' not in body
    assert b'"translations"' in body  # the record carries them


def test_an_unknown_lang_is_refused(shipped):
    response = shipped.get("/api/reports?lang=de")
    assert response.status_code == 400 and "lang" in response.get_json(force=True)["error"]


def test_etags_differ_by_language(shipped):
    english = shipped.get("/api/reports").headers["ETag"]
    ukrainian = shipped.get("/api/reports?lang=uk").headers["ETag"]
    assert english != ukrainian


@pytest.mark.parametrize(
    ("url", "title", "note"),
    [
        (
            "/reports/albania-joins-nato-2009?lang=uk",
            "Албанія вступає до НАТО",
            "Машинний переклад",
        ),
        (
            "/reports/albania-joins-nato-2009?lang=pl",
            "Albania joins NATO",
            "Jeszcze nie przetłumaczono",
        ),
        ("/reports/albania-joins-nato-2009", "Albania joins NATO", None),
    ],
)
def test_report_pages_show_the_language_and_say_where_it_came_from(shipped, url, title, note):
    html = shipped.get(url).get_data(as_text=True)
    assert re.search(r"<h1>(.*?)</h1>", html).group(1) == title
    notes = re.findall(r'class="translation-note"[^>]*>([^<]*)<', html)
    assert notes[0].startswith(note) if note else notes == [], notes


def test_story_pages_and_the_list_are_in_the_page_language(shipped):
    story = shipped.get("/stories/oreshnik-2024-2025?lang=lt").get_data(as_text=True)
    assert "Orešnik" in re.search(r"<h1>(.*?)</h1>", story).group(1)
    listing = shipped.get("/reports?lang=ru").get_data(as_text=True)
    assert "Албания вступает в НАТО" in listing or "Албания" in listing
    stories = shipped.get("/api/stories").get_json(force=True)
    assert all("translated_by" not in s for s in stories)


def test_the_map_page_asks_for_reports_in_its_language(shipped):
    html = shipped.get("/?lang=ru").get_data(as_text=True)
    assert "view=map&amp;lang=ru" in html or "view=map\\u0026lang=ru" in html or "lang=ru" in html
    assert '"searchUrl":' in html  # a search asks the server, in every language and spelling


def test_the_static_site_has_a_folder_per_language_linked_by_the_switcher(tmp_path):
    from webmap.web.site import build_site

    app = create_app({"DATA_DIR": str(REPO_DATA), "TILES": "none", "INDEX_CACHE_DIR": ""})
    out = tmp_path / "site"
    build_site(app, out)
    for lang in ("uk", "ru", "be", "pl", "lt", "lv", "et"):
        page = out / lang / "reports" / "oreshnik-strike-dnipro-2024.html"
        html = page.read_text("utf-8")
        assert f'<html lang="{lang}"' in html
        for href in re.findall(r'hreflang="[a-z]+" href="([^"]+)"', html):
            assert (page.parent / href).resolve().is_file(), href
        for ref in re.findall(r'(?:src|href)="(\.\./[^"#?]+)"', html):
            assert (page.parent / ref).resolve().exists(), ref
    root = (out / "index.html").read_text("utf-8")
    assert '<html lang="en"' in root
    for href in re.findall(r'hreflang="[a-z]+" href="([^"]+)"', root):
        assert (out / href).is_file(), href
    uk_data, en_data = (next((out / d).glob("reports.*.js")) for d in ("uk/data", "data"))
    assert "Орєшник" in uk_data.read_text("utf-8")
    assert "Орєшник" not in en_data.read_text("utf-8").split('"translations"')[0]
