"""The server derives what the map compares: spans, search text, caveats, bloc changes, notices."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from webmap.geo.atlas import load_atlas
from webmap.record.model import CAVEATS
from webmap.record.vocabulary import BLOCS, KIND_TERMS, STATUS_TERMS
from webmap.render.styles import KIND_STYLES, PRECISION_MAX_ZOOM, STATUS_STYLES

SHIPPED = Path(__file__).parent.parent / "geodata"


def features(client, query: str) -> dict[str, dict]:
    return {f["id"]: f for f in client.get(f"/api/reports?{query}").get_json()["features"]}


@pytest.mark.parametrize("query", ["view=map", ""])
def test_each_report_carries_its_span_and_caveat(client, query):
    shown = features(client, query)
    oreshnik = shown["putin-oreshnik-belarus-announcement-2024"]["properties"]
    assert oreshnik["derived"]["span"] == ["2024-12-06", "2024-12-06"]
    assert "search" not in oreshnik["derived"]  # the map asks the server (view=ids)
    assert {f["properties"]["derived"]["caveat"] for f in shown.values()} <= {"", *CAVEATS.values()}


def test_the_full_record_a_popup_fetches_carries_them_too(client):
    light = features(client, "view=map")["putin-oreshnik-belarus-announcement-2024"]["properties"][
        "derived"
    ]
    full = client.get("/api/reports/putin-oreshnik-belarus-announcement-2024").get_json()[
        "properties"
    ]["derived"]
    # The light view adds the dates written in the page's language; the rest is the same.
    assert {k: full[k] for k in ("span", "caveat")} == {k: light[k] for k in ("span", "caveat")}


def shipped_client():
    from webmap.web.app import create_app

    app = create_app({"TESTING": True, "DATA_DIR": str(SHIPPED), "INDEX_CACHE_DIR": ""})
    return app.test_client()


def test_the_record_as_it_stood_carries_them():
    then = shipped_client().get("/api/reports?view=map&as_of=2026-12-02").get_json()["features"]
    assert then and all("span" in f["properties"]["derived"] for f in then)


@pytest.mark.parametrize(
    ("affiliations", "caveat"),
    [
        (["state_media"], CAVEATS["partisan"]),
        (["state_media", "government"], CAVEATS["partisan"]),
        (["wire"], CAVEATS["single"]),
        (["wire", "state_media"], ""),
    ],
)
def test_the_caveat_follows_the_sources(data_dir, affiliations, caveat):
    from webmap.web.app import create_app

    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    props = data["features"][0]["properties"]
    template = props["sources"][0]
    props["sources"] = [
        {**template, "affiliation": a, "publisher": f"P{i}", "url": f"https://p{i}.example.org/a"}
        for i, a in enumerate(affiliations)
    ]
    props.update(status="reported")
    path.write_text(json.dumps(data), "utf-8")
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": ""})
    got = features(app.test_client(), "view=map")[props["id"]]["properties"]["derived"]
    assert got["caveat"] == caveat


def test_each_country_carries_the_days_its_bloc_changes(client):
    layer = client.get("/api/layers/countries").get_json()
    atlas = load_atlas(SHIPPED)
    days = ["1990-01-01", "1999-03-11", "1999-03-12", "2023-04-04", "2024-02-22", "2030-01-01"]
    for feature in layer["features"]:
        changes = feature["properties"]["bloc_changes"]
        assert changes[0][0] == "0000-01-01" and {b for _, b in changes} <= set(BLOCS)
        for day in days:
            bloc = [b for d, b in changes if d <= day][-1]
            assert bloc == atlas.bloc_of(feature["id"], day), (feature["id"], day)
    finland = next(f for f in layer["features"] if f["id"] == "FIN")
    assert finland["properties"]["bloc_changes"][-1] == ["2023-04-04", "nato"]


@pytest.mark.parametrize(
    ("query", "named"),
    [
        ("from=2025-13", "the start date (from=)"),
        ("to=%D9%A2%D9%A0%D9%A2%D9%A5", "the end date (to=)"),
        ("bbox=14,45,40", "the map area (bbox=)"),
        ("bbox=14,64,40,45", "the map area (bbox=)"),
    ],
)
def test_a_link_the_api_refuses_is_named_on_the_map(client, query, named):
    assert client.get(f"/api/reports?{query}").status_code == 400
    page = client.get(f"/?{query}").get_data(as_text=True)
    assert 'id="link-problem" role="alert"' in page
    assert named in page


def test_a_good_link_shows_no_notice(client):
    assert "link-problem" not in client.get("/?from=2024-01&bbox=14,45,40,64").get_data(
        as_text=True
    )


def test_the_notice_escapes_what_the_link_holds(client):
    page = client.get("/?from=%3Cscript%3Ex").get_data(as_text=True)
    assert "<script>x" not in page and "&lt;script&gt;x" in page


def test_styles_are_views_of_the_vocabulary_table():
    assert list(KIND_STYLES) == [t.code for t in KIND_TERMS]
    assert [s["colour"] for s in KIND_STYLES.values()] == [t.colour for t in KIND_TERMS]
    assert list(STATUS_STYLES) == [t.code for t in STATUS_TERMS]
    assert set(PRECISION_MAX_ZOOM) == {"site", "city", "region", "country"}
    # As shipped: the browser tests and readers' printed legends rely on these.
    assert KIND_STYLES["strike"] == {"label": "Strike", "symbol": "✸", "colour": "#111827"}
    assert STATUS_STYLES["denied"]["label"] == "Denied"


def test_every_kind_and_status_builds_an_index():
    """A code the validator accepts has an index code: the index cannot fail on a valid report."""
    from webmap.catalog.report_index import ReportIndex
    from webmap.record.model import report_from_feature

    base = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"][0]
    reports = []
    for i, (kind, status) in enumerate(zip(KIND_STYLES, [*STATUS_STYLES] * 2, strict=False)):
        feature = json.loads(json.dumps(base))
        feature["properties"].update(id=f"r{i}", kind=kind, status=status)
        reports.append(report_from_feature(feature))
    index = ReportIndex.of(reports)
    assert len(index) == len(KIND_STYLES)


def test_a_bad_day_of_the_record_in_a_link_still_opens_the_map_and_says_so(client):
    assert client.get("/api/reports?as_of=yesterday").status_code == 400
    page = client.get("/?as_of=yesterday").get_data(as_text=True)
    assert 'id="link-problem" role="alert"' in page and "(as_of=)" in page
    config = page.split('id="webmap-config">')[1].split("</script>")[0]
    assert "yesterday" not in config  # the map does not ask the API for what it refuses
    good = client.get("/?as_of=2025-01-01").get_data(as_text=True)
    assert "link-problem" not in good
    assert "as_of=2025-01-01" in good.split('id="webmap-config">')[1].split("</script>")[0]
