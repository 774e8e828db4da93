"""/api/schema refuses what `webmap check` refuses: one table of good and bad reports for both."""

from __future__ import annotations

import json
import re

import jsonschema
import pytest

from webmap.record.checks import check_reports_file
from webmap.record.schema import NOT_IN_SCHEMA, report_schema
from webmap.record.validation import MAX_TEXT, SOURCE_FIELDS

DELETE = object()


def base() -> dict:
    """Return a valid report with two sources from two publishers."""
    return {
        "type": "Feature",
        "id": "oreshnik-belarus",
        "geometry": {"type": "Point", "coordinates": [27.56, 53.9]},
        "properties": {
            "id": "oreshnik-belarus",
            "title": "Putin says Oreshnik will be stationed in Belarus",
            "summary": "Putin said Oreshnik systems would be stationed in Belarus.",
            "kind": "deployment_announcement",
            "status": "announced",
            "date": "2024-12-06",
            "place": "Minsk",
            "precision": "city",
            "sources": [
                {
                    "url": "https://www.rferl.org/a/33229511.html",
                    "publisher": "RFE/RL",
                    "affiliation": "public_broadcaster",
                    "stance": "relays",
                    "says": "Putin said the systems would be stationed in Belarus.",
                },
                {
                    "url": "https://www.reuters.com/world/europe/x",
                    "publisher": "Reuters",
                    "affiliation": "wire",
                    "stance": "relays",
                    "says": "Putin said so after meeting Lukashenko.",
                },
            ],
        },
    }


def _set(target: dict, values: dict) -> None:
    for key, value in values.items():
        if value is DELETE:
            target.pop(key, None)
        else:
            target[key] = value


def P(**values):  # noqa: N802 - a table column reads best short
    """Change report properties."""
    return lambda f: _set(f["properties"], values)


def S(i=0, **values):  # noqa: N802
    """Change the i-th source."""
    return lambda f: _set(f["properties"]["sources"][i], values)


def F(**values):  # noqa: N802
    """Change the Feature itself."""
    return lambda f: _set(f, values)


OTHER_LANGUAGES = ("uk", "ru", "be", "pl", "lt", "lv", "et")


def T(lang, **values):  # noqa: N802
    """Add a whole translation into lang (by a machine), then change its fields."""

    def change(f):
        translation = {"title": "Орєшник", "summary": "Путін заявив.", "place": "Мінськ"}
        translation["by"] = "machine"
        _set(translation, values)
        f["properties"].setdefault("translations", {})[lang] = translation

    return change


def xy(*coords):
    """Set the coordinates."""
    return lambda f: f["geometry"].update(coordinates=list(coords))


def both(*changes):
    """Apply several changes."""
    return lambda f: [c(f) for c in changes]


ALL_OPTIONAL = both(
    P(
        claimed_by="Vladimir Putin",
        expected="2025-07/2025-12",
        actors=["RUS", "BLR", "USA", "NATO", "CSTO", "UNION-STATE"],
        systems=["Oreshnik", "Iskander-M"],
        range_km=5000,
        related=["oreshnik-belarus"],
        translations={
            "ru": {"title": "Орешник", "summary": "…", "place": "Минск", "by": "editor"},
            "pl": {"title": "Oresznik", "summary": "…", "place": "Mińsk", "by": "machine"},
        },
    ),
    S(
        title="Putin: Oreshnik in Belarus",
        published="2024-12-06",
        language="en",
        archive_url="https://web.archive.org/web/2024/https://www.rferl.org/a/1.html",
        note="Quotes the Kremlin transcript.",
    ),
)

# (name, change, valid by `webmap check`, index into NOT_IN_SCHEMA when the schema cannot say so)
CASES: list[tuple[str, object, bool, int | None]] = [
    ("the base report", lambda f: None, True, None),
    ("every optional field", ALL_OPTIONAL, True, None),
    (
        "optional fields null",
        P(claimed_by=None, actors=None, systems=None, range_km=None),
        True,
        None,
    ),
    ("optional source fields empty", S(title="", published="", archive_url=None), True, None),
    ("no Feature id", F(id=DELETE), True, None),
    ("Cyrillic and emoji text", P(title="Орешник у Беларусі 🚀", place="Мінск"), True, None),
    ("a title of the longest length", P(title="x" * MAX_TEXT), True, None),
    ("a tab and line break in a summary", P(summary="One.\tTwo.\nThree."), True, None),
    ("coordinates on the region's corners", xy(-30, 25), True, None),
    ("integer coordinates", xy(28, 54), True, None),
    ("uppercase HTTPS", S(url="HTTPS://WWW.RFERL.ORG/A"), True, None),
    ("a URL with port, query and fragment", S(url="https://ex.org:8443/a?b=1#c"), True, None),
    ("a URL with @ in its path", S(url="https://mastodon.social/@nato/1"), True, None),
    ("a host starting with digits", S(url="https://10tv.com/article"), True, None),
    ("a leap day", P(date="2024-02-29"), True, None),
    ("a leap day of 2000", P(date="2000-02-29"), True, None),
    ("year and month", P(date="2025-12"), True, None),
    ("a year about", P(date="2025~"), True, None),
    ("a month uncertain", P(date="2025-12?"), True, None),
    ("about and uncertain", P(date="2025-02%"), True, None),
    ("an interval", P(date="2024-11~/2025-02"), True, None),
    ("an interval within a day", P(date="2025-12-06/2025-12-06"), True, None),
    ("expected a single date", P(expected="2025"), True, None),
    ("expected empty", P(expected=""), True, None),
    ("a range in decimals", P(range_km=0.5), True, None),
    (
        "disputed with a disputing source",
        both(P(status="disputed"), S(1, stance="disputes")),
        True,
        None,
    ),
    ("disputed with a denial", both(P(status="disputed"), S(1, stance="denies")), True, None),
    ("denied with a denial", both(P(status="denied"), S(1, stance="denies")), True, None),
    (
        "confirmed by two publishers",
        both(P(status="confirmed"), S(1, stance="confirms")),
        True,
        None,
    ),
    ("every stance", both(S(0, stance="claim"), S(1, stance="context")), True, None),
    ("affiliation left out", S(affiliation=DELETE), True, None),
    # The Feature
    ("not a Feature", F(type="Fature"), False, None),
    ("no properties", F(properties=DELETE), False, None),
    ("a Feature id that is a number", F(id=7), False, None),
    ("a Feature id unlike properties.id", F(id="another-report"), False, 3),
    # id
    ("an id with capitals", both(P(id="Oreshnik"), F(id="Oreshnik")), False, None),
    ("an id with underscores", both(P(id="a_b"), F(id="a_b")), False, None),
    ("an id with a leading hyphen", both(P(id="-a"), F(id="-a")), False, None),
    ("an id ending in a line break", both(P(id="a\n"), F(id=DELETE)), False, None),
    ("no id", both(P(id=DELETE), F(id=DELETE)), False, None),
    # text
    ("no title", P(title=DELETE), False, None),
    ("an empty title", P(title=""), False, None),
    ("a blank title", P(title="   "), False, None),
    ("a whitespace title", P(title="\t\n\u3000"), False, None),
    ("a title that is a number", P(title=5), False, None),
    ("a blank summary", P(summary=" "), False, None),
    ("a blank place", P(place=""), False, None),
    ("a title too long", P(title="x" * (MAX_TEXT + 1)), False, None),
    ("a summary too long", P(summary="x" * (MAX_TEXT + 1)), False, None),
    ("a bell character", P(title="Alarm\x07"), False, None),
    ("a C1 control", P(summary="Text\x85more"), False, None),
    ("a noncharacter", P(place="Minsk\ufffe"), False, None),
    ("an astral noncharacter", P(place="Minsk\U0010ffff"), False, None),
    ("a lone surrogate", P(title="Broken \ud800 escape"), False, None),
    ("claimed_by a number", P(claimed_by=3), False, None),
    ("claimed_by too long", P(claimed_by="x" * (MAX_TEXT + 1)), False, None),
    # vocabularies
    ("an unknown kind", P(kind="rumour"), False, None),
    ("a kind with a space", P(kind=" strike"), False, None),
    ("a kind in capitals", P(kind="Strike"), False, None),
    ("an unknown status", P(status="likely"), False, None),
    ("no status", P(status=DELETE), False, None),
    ("an unknown precision", P(precision="street"), False, None),
    ("an unknown actor XYZ", P(actors=["XYZ"]), False, None),
    ("an actor in lowercase", P(actors=["blr"]), False, None),
    ("an actor alliance in lowercase", P(actors=["nato"]), False, None),
    ("an actor with a space", P(actors=[" BLR"]), False, None),
    ("an empty actor", P(actors=[""]), False, None),
    ("actors not a list", P(actors="BLR"), False, None),
    # dates
    ("no date", P(date=DELETE), False, None),
    ("an empty date", P(date=""), False, None),
    ("a date in words", P(date="6 Dec 2024"), False, None),
    ("month 13", P(date="2025-13"), False, None),
    ("month 00", P(date="2025-00"), False, None),
    ("31 April", P(date="2025-04-31"), False, None),
    ("29 February 2023", P(date="2023-02-29"), False, None),
    ("29 February 1900", P(date="1900-02-29"), False, None),
    ("day zero of year zero", P(date="0000-01-01"), False, None),
    ("full-width digits", P(date="２０２５"), False, None),
    ("Arabic-Indic digits", P(date="٢٠٢٥-12"), False, None),
    ("Devanagari digits", P(date="२०२५"), False, None),
    ("a date with a leading space", P(date=" 2025"), False, None),
    ("a date ending in a line break", P(date="2025\n"), False, None),
    ("two marks", P(date="2025~~"), False, None),
    ("three parts", P(date="2025-07/2025-09/2025-12"), False, None),
    ("an open interval", P(date="2025/"), False, None),
    ("an interval backwards", P(date="2025-12/2025-01"), False, 2),
    ("a date as a number", P(date=2025), False, None),
    ("expected in words", P(expected="soon"), False, None),
    ("expected with a mark", P(expected="2025~"), False, None),
    ("expected backwards", P(expected="2025-12/2025-01"), False, 2),
    ("expected a number", P(expected=2025), False, None),
    # lists
    ("a system with the list separator", P(systems=["Iskander;M"]), False, None),
    ("a related id with the list separator", P(related=["a;b"]), False, None),
    ("a system that is a number", P(systems=[9]), False, None),
    ("a system too long", P(systems=["x" * (MAX_TEXT + 1)]), False, None),
    ("systems not a list", P(systems="Oreshnik"), False, None),
    ("a related id no report has", P(related=["no-such-report"]), False, 1),
    # numbers and coordinates
    ("a range of zero", P(range_km=0), False, None),
    ("a negative range", P(range_km=-5), False, None),
    ("a range as text", P(range_km="5000"), False, None),
    ("a range that is true", P(range_km=True), False, None),
    ("a range that is NaN", P(range_km=float("nan")), False, 6),
    ("a range that is infinite", P(range_km=float("inf")), False, None),
    ("longitude outside the region", xy(200, 50), False, None),
    ("latitude outside the region", xy(27, 90), False, None),
    ("latitude and longitude swapped out of range", xy(53.9, 27.56 - 10), False, None),
    ("one coordinate", xy(27.5), False, None),
    ("three coordinates", xy(27.5, 53.9, 100), False, None),
    ("coordinates as text", xy("27.5", "53.9"), False, None),
    ("coordinates that are true", xy(True, 53.9), False, None),
    ("an infinite longitude", xy(float("inf"), 53.9), False, None),
    ("a NaN latitude", xy(27.5, float("nan")), False, 6),
    ("not a point", lambda f: f["geometry"].update(type="LineString"), False, None),
    ("no geometry", F(geometry=DELETE), False, None),
    # sources
    ("no sources", P(sources=DELETE), False, None),
    ("an empty list of sources", P(sources=[]), False, None),
    ("sources not a list", P(sources="Reuters"), False, None),
    ("a source that is text", P(sources=["https://www.reuters.com/x"]), False, None),
    ("a source without a URL", S(url=DELETE), False, None),
    ("a javascript: URL", S(url="javascript:alert(1)"), False, None),
    ("a JavaScript: URL in capitals", S(url="JavaScript:alert(1)"), False, None),
    ("a data: URL", S(url="data:text/html,<script>alert(1)</script>"), False, None),
    ("an ftp URL", S(url="ftp://example.org/file"), False, None),
    ("a URL without a scheme", S(url="www.reuters.com/x"), False, None),
    ("http://localhost", S(url="http://localhost"), False, None),
    ("localhost with a port", S(url="http://localhost:5000/reports"), False, None),
    ("LOCALHOST with a dot-name", S(url="http://app.LOCALHOST/"), False, None),
    ("http://127.0.0.1", S(url="http://127.0.0.1/"), False, None),
    ("a private address 10.x", S(url="http://10.0.0.5/a"), False, None),
    ("a private address 192.168.x", S(url="https://192.168.1.1"), False, None),
    ("a private address 172.16.x", S(url="http://172.16.0.1/x"), False, None),
    ("a link-local address", S(url="http://169.254.169.254/latest"), False, None),
    ("a hexadecimal address", S(url="http://0x7f.1/"), False, None),
    ("an IPv6 loopback", S(url="http://[::1]/"), False, None),
    ("a .local name", S(url="http://printer.local/"), False, None),
    ("a user name before the host", S(url="https://reuters.com@evil.example/x"), False, None),
    ("a host without a dot", S(url="https://reuters/x"), False, None),
    ("a URL with a space", S(url="https://www.reuters.com/a b"), False, None),
    ("a URL with a leading space", S(url=" https://www.reuters.com/x"), False, None),
    ("a URL ending in a line break", S(url="https://www.reuters.com/x\n"), False, None),
    ("a URL with a bad port", S(url="https://www.reuters.com:http/x"), False, None),
    ("a URL too long", S(url="https://ex.org/" + "a" * MAX_TEXT), False, None),
    ("a URL with a control character", S(url="https://ex.org/\x07"), False, None),
    ("a javascript: archive URL", S(archive_url="javascript:alert(1)"), False, None),
    ("an archive URL on localhost", S(archive_url="http://localhost/copy"), False, None),
    ("no publisher", S(publisher=DELETE), False, None),
    ("a blank publisher", S(publisher="  "), False, None),
    ("a publisher that is a number", S(publisher=1), False, None),
    ("an unknown affiliation", S(affiliation="blog"), False, None),
    ("a null affiliation", S(affiliation=None), False, None),
    ("an unknown stance", S(stance="supports"), False, None),
    ("no stance", S(stance=DELETE), False, None),
    ("an empty stance", S(stance=""), False, None),
    ("nothing said", S(says=DELETE), False, None),
    ("a blank says", S(says=" \n"), False, None),
    ("says too long", S(says="x" * (MAX_TEXT + 1)), False, None),
    ("a published date in words", S(published="yesterday"), False, None),
    ("a published month 13", S(published="2025-13-01"), False, None),
    ("a published date as a number", S(published=2025), False, None),
    ("a source title that is a number", S(title=0), False, None),
    ("a source title with a control character", S(title="A\x1bB"), False, None),
    ("a language that is a list", S(language=["en"]), False, None),
    ("a note too long", S(note="x" * (MAX_TEXT + 1)), False, None),
    ("a misspelt source field", S(publsher="Reuters"), False, None),
    # translations
    ("translations null", P(translations=None), True, None),
    ("no translations", P(translations={}), True, None),
    ("a Ukrainian translation by a machine", T("uk"), True, None),
    (
        "translations in every other language",
        both(*(T(lang) for lang in OTHER_LANGUAGES)),
        True,
        None,
    ),
    ("translations not an object", P(translations=["uk"]), False, None),
    ("a translation into an unknown language", T("de"), False, None),
    ("a translation into English", T("en"), False, None),
    ("a language code in capitals", T("UK"), False, None),
    ("a translation that is text", P(translations={"uk": "Орєшник"}), False, None),
    ("a translation without by", T("uk", by=DELETE), False, None),
    ("a translation by someone else", T("uk", by="google"), False, None),
    ("a translation by in capitals", T("uk", by="Machine"), False, None),
    ("a translation without a title", T("uk", title=DELETE), False, None),
    ("a translation with a blank summary", T("uk", summary=" \n"), False, None),
    ("a translation without a place", T("uk", place=DELETE), False, None),
    ("a translated title that is a number", T("uk", title=5), False, None),
    ("a translated summary too long", T("uk", summary="x" * (MAX_TEXT + 1)), False, None),
    ("a translated place with a control character", T("uk", place="Мінськ\x07"), False, None),
    ("a misspelt translation field", T("uk", titel="Орєшник"), False, None),
    # the status and the stances
    ("disputed with no disputing source", P(status="disputed"), False, None),
    ("denied with no denial", both(P(status="denied"), S(1, stance="disputes")), False, None),
    ("confirmed with no confirmation", P(status="confirmed"), False, None),
    (
        "confirmed by one source",
        both(
            P(status="confirmed"),
            S(0, stance="confirms"),
            lambda f: f["properties"]["sources"].pop(),
        ),
        False,
        None,
    ),
    (
        "confirmed by one publisher twice",
        both(P(status="confirmed"), S(1, stance="confirms", publisher="RFE/RL")),
        False,
        4,
    ),
]


def case_feature(change) -> dict:
    feature = base()
    change(feature)
    return feature


def check_errors(feature: dict, tmp_path) -> list[str]:
    """Return the errors `webmap check` finds in a file holding this one report."""
    path = tmp_path / "reports.geojson"
    collection = {"type": "FeatureCollection", "features": [feature]}
    path.write_text(json.dumps(collection, ensure_ascii=True), "utf-8")
    return [str(p) for p in check_reports_file(path, None) if p.severity == "error"]


def schema_errors(feature: dict) -> list[str]:
    """Return the errors jsonschema finds, checking the schema served at /api/schema."""
    validator = jsonschema.Draft202012Validator(report_schema())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(feature)]


@pytest.mark.parametrize(
    ("change", "valid"),
    [pytest.param(c, v, id=name) for name, c, v, gap in CASES if gap is None],
)
def test_the_schema_and_webmap_check_give_the_same_verdict(change, valid, tmp_path):
    feature = case_feature(change)
    by_check, by_schema = check_errors(feature, tmp_path), schema_errors(feature)
    assert (not by_check) is valid, by_check
    assert (not by_schema) is valid, by_schema


@pytest.mark.parametrize(
    ("change", "gap"),
    [pytest.param(c, g, id=name) for name, c, v, g in CASES if g is not None],
)
def test_what_the_schema_cannot_express_is_refused_by_check_and_said_in_the_schema(
    change, gap, tmp_path
):
    feature = case_feature(change)
    assert check_errors(feature, tmp_path)
    assert not schema_errors(feature)  # if this fails, the schema can say it: drop the gap
    assert NOT_IN_SCHEMA[gap] in report_schema()["description"]


def test_every_gap_the_schema_admits_has_a_case():
    assert {g for *_, g in CASES if g is not None} | {0, 5} == set(range(len(NOT_IN_SCHEMA)))


def test_the_table_refuses_something_in_every_field(tmp_path):
    """Each report field and each source field has at least one bad case that check names."""
    named: set[str] = set()
    for _name, change, valid, _gap in CASES:
        if not valid:
            for error in check_errors(case_feature(change), tmp_path):
                field = error.split(": ")[2]
                named.add(re.sub(r"^sources\[\d+\]\.", "source.", field))
    properties = report_schema()["properties"]["properties"]["properties"]
    wanted = {*properties, *(f"source.{f}" for f in SOURCE_FIELDS), "geometry", "type"}
    assert wanted - named == set()
    assert len(CASES) >= 150


def test_the_served_schema_is_the_table_tested_schema(client):
    served = client.get("/api/schema").get_json(force=True)
    assert served == json.loads(json.dumps(report_schema()))
    feature = case_feature(P(actors=["XYZ"]))
    assert list(jsonschema.Draft202012Validator(served).iter_errors(feature))
