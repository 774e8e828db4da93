"""The feed and the API's errors in the reader's language: /changes.atom with xml:lang, and
/api/... 400s and 404s chosen by ?lang= or Accept-Language, with Content-Language."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from webmap.web.app import create_app

SHIPPED = Path(__file__).resolve().parent.parent / "geodata"
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CYRILLIC = re.compile("[а-яіїєґё]", re.I)


@pytest.fixture(scope="module")
def shipped():
    """A test client on the shipped data (its reports have Ukrainian and Russian texts)."""
    return create_app({"TESTING": True, "DATA_DIR": str(SHIPPED), "TILES": "none"}).test_client()


def uk_titles() -> set[str]:
    """Return the Ukrainian titles of the shipped reports."""
    data = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))
    return {
        f["properties"]["translations"]["uk"]["title"]
        for f in data["features"]
        if "uk" in (f["properties"].get("translations") or {})
    }


def test_the_feed_in_ukrainian_is_atom_with_xml_lang_uk(shipped):
    response = shipped.get("/changes.atom?lang=uk")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    assert response.headers["Content-Language"] == "uk"
    root = ET.fromstring(response.data)  # it parses as XML
    assert root.tag == f"{ATOM}feed" and root.get(XML_LANG) == "uk"
    assert root.findtext(f"{ATOM}title") == "webmap: зміни в записах"
    entries = root.findall(f"{ATOM}entry")
    assert entries
    titles = [e.findtext(f"{ATOM}title") for e in entries]
    assert all(t.startswith(("Додано: ", "Оновлено: ", "Вилучено: ")) for t in titles), titles[:3]
    assert {t.split(": ", 1)[1] for t in titles} & uk_titles()  # the reports' own titles in uk
    assert not any(t.startswith(("Added", "Updated", "Removed")) for t in titles)
    summaries = [e.findtext(f"{ATOM}summary") or "" for e in entries]
    assert not any(s.startswith(("why: ", "changed: ")) for s in summaries)
    links = [e.find(f"{ATOM}link").get("href") for e in entries]
    assert all(link.endswith("?lang=uk") for link in links)


def test_the_feed_follows_accept_language_and_stays_english_without_one(shipped):
    response = shipped.get("/changes.atom", headers={"Accept-Language": "uk,en;q=0.5"})
    assert ET.fromstring(response.data).get(XML_LANG) == "uk"
    assert "Accept-Language" in response.headers["Vary"]
    english = ET.fromstring(shipped.get("/changes.atom").data)
    assert english.get(XML_LANG) == "en"
    assert english.findtext(f"{ATOM}title") == "webmap: changes to the record"
    assert english.find(f"{ATOM}entry").findtext(f"{ATOM}title").startswith(("Added: ", "Updated"))


@pytest.mark.parametrize(
    ("path", "headers", "param"),
    [
        ("/api/reports?from=last-week&lang=ru", {}, "from"),
        ("/api/reports?from=last-week", {"Accept-Language": "ru-RU,ru;q=0.9"}, "from"),
        ("/api/reports?bbox=1,2,3&lang=ru", {}, "bbox"),
        ("/api/reports?q=" + "+".join(f"w{i}" for i in range(40)) + "&lang=ru", {}, "q"),
        ("/api/reports?lang=xx", {"Accept-Language": "ru"}, "lang"),
        ("/api/reports?view=nope&lang=ru", {}, "view"),
        ("/api/reports?facets=yes&lang=ru", {}, "facets"),
        ("/api/reports?as_of=yesterday&lang=ru", {}, "as_of"),
        ("/api/reports/oreshnik-strike-dnipro-2024?lang=xx", {"Accept-Language": "ru"}, "lang"),
        ("/export/reports.csv?to=soon&lang=ru", {}, "to"),
    ],
)
def test_an_api_400_is_said_in_russian(shipped, path, headers, param):
    response = shipped.get(path, headers=headers)
    assert response.status_code == 400
    assert response.headers["Content-Language"] == "ru"
    error = response.get_json()["error"]
    assert error.startswith(f"{param}: ")  # the parameter's name stays as it is written
    assert CYRILLIC.search(error.partition(": ")[2]), error
    english = shipped.get(path.replace("lang=ru", "lang=en").replace("&lang=xx", "&lang=xx"))
    if "lang=xx" not in path:
        assert not CYRILLIC.search(english.get_json()["error"])


def test_an_api_404_is_said_in_the_language_and_english_by_default(shipped):
    response = shipped.get("/api/reports/no-such-report?lang=pl")
    assert response.status_code == 404
    assert response.get_json() == {"error": "żadne doniesienie nie ma id 'no-such-report'"}
    english = shipped.get("/api/reports/no-such-report")
    assert english.get_json() == {"error": "no report has id 'no-such-report'"}
    assert english.headers["Content-Language"] == "en"


@pytest.mark.parametrize(
    ("lang", "name"), [("pl", "Rumunia i Bułgaria"), ("lt", "Rumunija ir Bulgarija")]
)
def test_an_untranslated_country_report_names_its_countries_in_the_language(shipped, lang, name):
    data = shipped.get(f"/api/reports?view=map&lang={lang}").get_json(force=True)
    (report,) = [f for f in data["features"] if f["properties"]["place"].startswith("Romania")]
    assert report["properties"]["untranslated"] is True
    assert report["properties"]["derived"]["area_name"] == name  # the badge's name
    translated = [f for f in data["features"] if f["properties"].get("translated_by")]
    assert all("area_name" not in f["properties"]["derived"] for f in translated)
