"""The glossary: its data file, its checks, the rule that finds a term's first use, its page."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from webmap.catalog.terms import feature_terms, first_uses, report_texts, uses_for_browser
from webmap.cli import cli
from webmap.record.checks import check_paths
from webmap.record.glossary import GLOSSARY_FILE, check_glossary, glossary_from, load_glossary
from webmap.record.languages import LANGUAGES
from webmap.web.app import create_app

SHIPPED = Path(__file__).resolve().parent.parent / "geodata"
OTHERS = [lang for lang in LANGUAGES if lang != "en"]


@pytest.fixture(scope="module")
def shipped_data() -> dict:
    return json.loads((SHIPPED / GLOSSARY_FILE).read_text("utf-8"))


@pytest.fixture(scope="module")
def shipped_glossary():
    glossary, problems = load_glossary(SHIPPED)
    assert problems == []
    return glossary


@pytest.fixture(scope="module")
def shipped():
    return create_app({"TESTING": True, "DATA_DIR": str(SHIPPED), "TILES": "none"}).test_client()


def a_term(**changes) -> dict:
    """Return a valid term, with changes."""
    term = {
        "id": "battlegroup",
        "term": "Battlegroup",
        "definition": "A military unit about the size of a battalion.",
        "spellings": ["battlegroup*", "battle group*"],
        "sources": [{"url": "https://shape.nato.int/efp", "publisher": "SHAPE", "title": "EFP"}],
        "translations": {
            "uk": {
                "term": "Бойова група",
                "definition": "Військовий підрозділ розміром з батальйон.",
                "spellings": ["бойов* груп*"],
                "by": "machine",
            }
        },
    }
    term.update(changes)
    return term


# The shipped file


def test_the_shipped_glossary_has_at_least_25_terms_and_is_valid(shipped_data):
    assert check_glossary(shipped_data, "glossary.json") == []
    assert len(shipped_data["terms"]) >= 25


def test_every_shipped_term_cites_an_http_source_with_its_publisher(shipped_data):
    for term in shipped_data["terms"]:
        assert term["sources"], term["id"]
        for source in term["sources"]:
            assert re.match(r"https?://[^\s]+$", source["url"]), term["id"]
            assert source["publisher"].strip(), term["id"]


def test_every_shipped_term_is_in_all_eight_languages(shipped_data):
    for term in shipped_data["terms"]:
        assert set(term["translations"]) == set(OTHERS), term["id"]
        for lang, text in term["translations"].items():
            assert text["by"] == "machine"
            assert text["term"].strip() and text["definition"].strip(), (term["id"], lang)
            assert text["spellings"], (term["id"], lang)  # so its first use is found


def test_the_shipped_terms_include_the_ones_the_issue_names(shipped_data):
    ids = {term["id"] for term in shipped_data["terms"]}
    assert {"icbm", "hypersonic-missile", "tactical-nuclear-weapon", "battlegroup"} <= ids
    assert {"enhanced-forward-presence", "union-state", "csto", "annexation", "occupation"} <= ids
    assert {"airspace-violation", "hybrid-attack", "aegis-ashore", "iskander", "oreshnik"} <= ids
    assert "zapad" in ids


def test_every_shipped_term_is_used_by_some_report(shipped_glossary):
    reports = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    used = {
        use.term
        for feature in reports
        for use in first_uses(report_texts(feature["properties"]), shipped_glossary, "en")
    }
    assert used == {term.id for term in shipped_glossary.terms}


# The checks


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"id": "Not A Slug"}, "id", "lowercase"),
        ({"term": " "}, "term", "empty"),
        ({"definition": "x" * 601}, "definition", "longer than 600"),
        ({"sources": []}, "sources", "at least one source"),
        ({"sources": [{"url": "javascript:alert(1)", "publisher": "X"}]}, "sources[1].url", "http"),
        ({"sources": [{"url": "ftp://x.org/a", "publisher": "X"}]}, "sources[1].url", "http"),
        ({"sources": [{"url": "https://x.org/a b", "publisher": "X"}]}, "sources[1].url", "space"),
        (
            {"sources": [{"url": "https://x.org/", "publisher": ""}]},
            "sources[1].publisher",
            "empty",
        ),
        (
            {"sources": [{"url": "https://x.org/", "publisher": "X", "date": "2024"}]},
            "sources[1].'date'",
            "not a field",
        ),
        ({"spellings": ["bat*tle"]}, "spellings[1]", "*"),
        ({"spellings": "battlegroup"}, "spellings", "not a list"),
        ({"translations": {"de": {}}}, "translations.de", "not one of"),
        (
            {"translations": {"uk": {"term": "Т", "definition": "Д", "by": "robot"}}},
            "translations.uk.by",
            "not one of",
        ),
        (
            {"translations": {"uk": {"term": "", "definition": "Д", "by": "machine"}}},
            "translations.uk.term",
            "empty",
        ),
        ({"definition": "bad\u0000text"}, "definition", "U+0000"),
        ({"colour": "red"}, "'colour'", "not a field of a term"),
    ],
)
def test_a_bad_term_is_named_with_its_field(change, field, words):
    problems = check_glossary({"terms": [a_term(**change)]}, "geodata/glossary.json")
    assert len(problems) == 1, problems
    line = str(problems[0])
    assert line.startswith("geodata/glossary.json: ")
    assert f": {field}: " in line and words in line, line


def test_a_term_without_an_id_is_named_by_its_place_in_the_file():
    problems = check_glossary({"terms": [a_term(), a_term(id=None)]}, "g.json")
    assert [str(p).split(": ")[1:3] for p in problems] == [["terms[2]", "id"]]


def test_a_repeated_id_is_an_error():
    problems = check_glossary({"terms": [a_term(), a_term()]}, "g.json")
    assert [(p.report_id, p.field) for p in problems] == [("battlegroup", "id")]
    assert "another term" in problems[0].message


@pytest.mark.parametrize("data", [[], {"terms": {}}, "terms", None, {"words": []}])
def test_a_file_that_is_not_a_glossary_says_so(data):
    problems = check_glossary(data, "g.json")
    assert [str(p) for p in problems] == [
        'g.json: -: terms: the file is not an object {"terms": [...]}'
    ]


def test_webmap_check_reports_a_broken_glossary_and_passes_a_good_one(data_dir):
    assert check_paths([data_dir], data_dir) == [] or all(
        p.severity == "warning" for p in check_paths([data_dir], data_dir)
    )
    (data_dir / GLOSSARY_FILE).write_text(json.dumps({"terms": [a_term(sources=[])]}), "utf-8")
    errors = [p for p in check_paths([data_dir], data_dir) if p.severity == "error"]
    assert [(p.path, p.report_id, p.field) for p in errors] == [
        (str(data_dir / GLOSSARY_FILE), "battlegroup", "sources")
    ]


def test_webmap_check_names_a_glossary_that_is_not_json(data_dir):
    (data_dir / GLOSSARY_FILE).write_text('{"terms": [', "utf-8")
    errors = [p for p in check_paths([data_dir], data_dir) if p.severity == "error"]
    assert len(errors) == 1 and errors[0].path == str(data_dir / GLOSSARY_FILE)


def test_the_cli_check_fails_on_a_bad_glossary(data_dir):
    (data_dir / GLOSSARY_FILE).write_text(
        json.dumps({"terms": [a_term(sources=[{"url": "data:x", "publisher": "P"}])]}), "utf-8"
    )
    result = CliRunner().invoke(cli, args=["check", str(data_dir)])
    assert result.exit_code == 1
    assert f"{data_dir / GLOSSARY_FILE}: battlegroup: sources[1].url:" in result.output


def test_a_folder_without_a_glossary_has_an_empty_one(data_dir):
    glossary, problems = load_glossary(data_dir)
    assert len(glossary) == 0 and problems == []


# Where a term is used: the one rule


def glossary_of(*terms):
    glossary, problems = glossary_from({"terms": list(terms)}, "g.json")
    assert problems == []
    return glossary


def test_only_the_first_use_of_a_term_is_found():
    g = glossary_of(a_term())
    texts = [("title", "A battlegroup"), ("summary", "The battlegroup and battle groups.")]
    assert first_uses(texts, g, "en") == [first_uses(texts[:1], g, "en")[0]]
    assert [(u.field, u.start, u.end) for u in first_uses(texts, g, "en")] == [("title", 2, 13)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Battlegroups arrive", "Battlegroups"),  # a capital at the start of a sentence
        ("two battle  groups", "battle  groups"),  # any space between the words
        ("the battlegroup's base", "battlegroup"),
        ("superbattlegroup", None),  # whole words only
        ("BATTLEGROUP", None),  # the case as written (first letter aside)
    ],
)
def test_spellings_match_whole_words_in_their_case(text, found):
    uses = first_uses([("summary", text)], glossary_of(a_term()), "en")
    assert [text[u.start : u.end] for u in uses] == ([found] if found else [])


def test_a_translation_is_matched_with_its_own_spellings_and_endings():
    g = glossary_of(a_term())
    text = "НАТО розгорнуло бойову групу в Литві"
    uses = first_uses([("summary", text)], g, "uk")
    assert [text[u.start : u.end] for u in uses] == ["бойову групу"]
    assert first_uses([("summary", "a battlegroup")], g, "pl") == []  # no Polish spellings


def test_overlapping_terms_give_the_earlier_longer_span():
    g = glossary_of(
        a_term(id="air-policing", term="Baltic Air Policing", spellings=["air policing"]),
        a_term(id="airspace", term="Airspace", spellings=["airspace", "Air"]),
    )
    text = "NATO Baltic Air Policing guards the airspace"
    uses = first_uses([("summary", text)], g, "en")
    assert [(u.term, text[u.start : u.end]) for u in uses] == [
        ("air-policing", "Baltic Air Policing"),
        ("airspace", "airspace"),
    ]


def test_offsets_for_the_browser_count_utf16_units():
    g = glossary_of(a_term())
    props = {"title": "", "summary": "🛰️ battlegroup", "lang": "en"}
    [use] = uses_for_browser(first_uses(report_texts(props), g, "en"), props)
    # the satellite is two UTF-16 code units, its variation selector one, then a space
    assert (use["start"], use["end"]) == (4, 15)
    assert feature_terms(props, g) == [use]


# The API and the pages


def test_a_report_from_the_api_carries_its_term_uses(shipped):
    props = shipped.get("/api/reports/oreshnik-strike-dnipro-2024").get_json()["properties"]
    terms = {use["term"]: use for use in props["derived"]["terms"]}
    assert {"oreshnik", "intermediate-range-missile", "icbm"} <= set(terms)
    use = terms["oreshnik"]
    assert props[use["field"]][use["start"] : use["end"]] == "Oreshnik"


def test_a_translated_report_from_the_api_has_its_languages_term_uses(shipped):
    url = "/api/reports/oreshnik-strike-dnipro-2024?lang=uk"
    props = shipped.get(url).get_json()["properties"]
    texts = {
        use["term"]: props[use["field"]][use["start"] : use["end"]]
        for use in props["derived"]["terms"]
    }
    assert texts["oreshnik"].startswith("Орєшник")


def test_the_glossary_page_is_a_definition_list_with_an_anchor_per_term(shipped, shipped_data):
    page = shipped.get("/glossary").get_data(as_text=True)
    assert page.count('<dl class="glossary">') == 1
    for term in shipped_data["terms"]:
        assert f'<dt id="{term["id"]}">' in page
    assert page.count("<dt ") == len(shipped_data["terms"])
    assert page.count("<dd>") == len(shipped_data["terms"])
    assert '<a href="https://www.nato.int/cps/en/natohq/topics_49187.htm">' in page
    assert "NATO: The consultation process and Article 4" in page


@pytest.mark.parametrize("lang", OTHERS)
def test_the_glossary_page_is_in_the_readers_language(shipped, shipped_data, lang):
    page = shipped.get(f"/glossary?lang={lang}").get_data(as_text=True)
    assert f'<html lang="{lang}">' in page
    for term in shipped_data["terms"][:5]:
        assert f">{term['translations'][lang]['term']}</dt>" in page.replace("&#39;", "'")
    assert "Machine translation" not in page


def test_the_glossary_is_in_every_pages_navigation(shipped):
    for path in ("/", "/reports", "/reports/zapad-2021-exercise", "/glossary"):
        page = shipped.get(path).get_data(as_text=True)
        assert '<a href="/glossary">Glossary</a>' in page, path
    assert '<a href="/glossary?lang=pl">Słowniczek</a>' in shipped.get("/reports?lang=pl").get_data(
        as_text=True
    )


def test_the_map_page_gives_its_script_the_glossary_link(shipped):
    page = shipped.get("/?lang=uk").get_data(as_text=True)
    config = json.loads(re.search(r'id="webmap-config">(.*?)</script>', page).group(1))
    assert config["glossaryUrl"] == "/glossary?lang=uk"


def test_a_report_page_links_the_first_use_of_each_term(shipped):
    page = shipped.get("/reports/us-poland-edca-2020").get_data(as_text=True)
    link = (
        '<a class="glossary-term" href="/glossary#edca">Enhanced Defense Cooperation Agreement</a>'
    )
    assert page.count(link) == 1  # in the title, not again in the summary
    summary = re.search(r'<p class="summary">(.*?)</p>', page, re.S).group(1)
    assert "Enhanced Defense Cooperation Agreement" in summary
    assert "glossary#edca" not in summary


def test_a_report_page_in_another_language_links_to_the_glossary_in_it(shipped):
    page = shipped.get("/reports/oreshnik-strike-dnipro-2024?lang=ru").get_data(as_text=True)
    assert re.search(r'<a class="glossary-term" href="/glossary\?lang=ru#oreshnik">Орешник', page)


def test_term_links_are_built_from_escaped_text(data_dir, tmp_path):
    """A report's text with HTML in it stays text; only our link is markup."""
    reports = json.loads((data_dir / "reports.geojson").read_text("utf-8"))
    props = reports["features"][0]["properties"]
    props["summary"] = 'A <b>battlegroup</b> & "<img src=x onerror=alert(1)>" battlegroup.'
    (data_dir / "reports.geojson").write_text(json.dumps(reports), "utf-8")
    evil = a_term(spellings=["battlegroup*", "<img src=x onerror=alert(1)>"])
    (data_dir / GLOSSARY_FILE).write_text(json.dumps({"terms": [evil]}), "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"}).test_client()
    page = client.get(f"/reports/{props['id']}").get_data(as_text=True)
    summary = re.search(r'<p class="summary">(.*?)</p>', page, re.S).group(1)
    assert summary == (
        'A &lt;b&gt;<a class="glossary-term" href="/glossary#battlegroup">'
        "battlegroup</a>&lt;/b&gt; "
        "&amp; &#34;&lt;img src=x onerror=alert(1)&gt;&#34; battlegroup."
    )
    assert "<img" not in page


def test_a_glossary_source_that_is_not_http_is_never_a_link(data_dir):
    """The check refuses it; should a bad file reach the page anyway, it is text, not a link."""
    from webmap.record.glossary import GlossarySource
    from webmap.web.glossary_pages import source_link

    assert source_link(GlossarySource("javascript:alert(1)", "X")) == ""
    assert source_link(GlossarySource("https://example.org/", "X")) == "https://example.org/"


def test_a_broken_glossary_leaves_the_map_up_and_the_glossary_empty(data_dir):
    (data_dir / GLOSSARY_FILE).write_text(json.dumps({"terms": [a_term(id="BAD")]}), "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"}).test_client()
    assert client.get("/").status_code == 200
    page = client.get("/glossary").get_data(as_text=True)
    assert "The glossary is empty." in page and "<dl" not in page


def test_the_static_site_has_the_glossary_in_every_language(tmp_path, data_dir):
    from webmap.web.site import build_site

    data = copy.deepcopy(json.loads((SHIPPED / GLOSSARY_FILE).read_text("utf-8")))
    (data_dir / GLOSSARY_FILE).write_text(json.dumps(data), "utf-8")
    app = create_app({"DATA_DIR": str(data_dir), "STATIC_SITE": True, "TESTING": True})
    out = tmp_path / "site"
    build_site(app, out)
    english = (out / "glossary.html").read_text("utf-8")
    assert '<dt id="oreshnik">' in english
    assert 'href="glossary.html">Glossary</a>' in (out / "index.html").read_text("utf-8")
    for lang in OTHERS:
        page = (out / lang / "glossary.html").read_text("utf-8")
        assert f'<html lang="{lang}">' in page and '<dt id="oreshnik">' in page
        assert re.search(r'href="\.\./static/css/webmap-glossary\.[0-9a-f]{16}\.css"', page)
    report = next((out / "reports").glob("*.html")).read_text("utf-8")
    assert 'href="../glossary.html"' in report  # the navigation, relative
