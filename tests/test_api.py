import json

import pytest


def ids(response) -> set[str]:
    return {f["id"] for f in response.get_json(force=True)["features"]}


def test_reports_are_a_geojson_feature_collection(client):
    response = client.get("/api/reports")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    body = json.loads(response.data)
    assert body["type"] == "FeatureCollection"
    assert len(body["features"]) == 5
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["sources"][0]["url"].startswith("https://")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("kind=strike", {"oreshnik-strike-dnipro-2024"}),
        ("status=disputed&actor=BLR", {"zapad-2021-exercise"}),
        ("from=2024-12-01&to=2024-12-31", {"putin-oreshnik-belarus-announcement-2024"}),
        ("q=Oreshnik&kind=deployment_announcement", {"putin-oreshnik-belarus-announcement-2024"}),
    ],
)
def test_reports_filters(client, query, expected):
    assert ids(client.get(f"/api/reports?{query}")) == expected


def test_bad_filter_is_a_400_with_a_reason(client):
    response = client.get("/api/reports?from=last-week")
    assert response.status_code == 400
    assert "from: 'last-week' is not a date" in response.get_json()["error"]


def test_one_report_and_a_missing_one(client):
    response = client.get("/api/reports/oreshnik-strike-dnipro-2024")
    assert response.mimetype == "application/geo+json"
    assert response.get_json(force=True)["properties"]["kind"] == "strike"
    missing = client.get("/api/reports/no-such-report")
    assert missing.status_code == 404
    assert "no-such-report" in missing.get_json()["error"]


@pytest.mark.parametrize("name", ["countries", "countries-closeup", "occupied", "cities"])
def test_layers_are_geojson(client, name):
    response = client.get(f"/api/layers/{name}")
    assert response.status_code == 200
    assert response.mimetype == "application/geo+json"
    assert response.get_json(force=True)["features"]


def test_unknown_layer_lists_the_known_ones(client):
    response = client.get("/api/layers/canals")
    assert response.status_code == 404
    known = "countries, countries-closeup, occupied, cities, labels, rivers, lakes, ranges"
    assert known in response.get_json()["error"]


def test_healthz_reports_data_version(client):
    body = client.get("/healthz").get_json()
    assert body["status"] == "ok" and body["reports"] == 5 and len(body["data_version"]) == 12


def test_broken_data_gives_503_with_a_generic_reason(data_dir):
    from webmap.web.app import create_app

    (data_dir / "reports.geojson").write_text("{not json", "utf-8")
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    health = client.get("/healthz")
    assert health.status_code == 503  # the details go to the log only (issue 13)
    assert health.get_json()["error"] == "the data files have problems"
    assert client.get("/api/reports").status_code == 503
    page = client.get("/")
    assert page.status_code == 503 and b"webmap check" in page.data


def test_the_maps_light_view_keeps_what_it_draws_and_filters_by(client):
    kind = client.get("/api/reports").get_json()["features"][0]["properties"]["kind"]
    full = client.get(f"/api/reports?kind={kind}").get_json()["features"]
    light = client.get(f"/api/reports?kind={kind}&view=map").get_json()["features"]
    assert [f["id"] for f in light] == [f["id"] for f in full] and light
    for slim, whole in zip(light, full, strict=True):
        props = slim["properties"]
        assert props["slim"] is True and props["title"] == whole["properties"]["title"]
        assert "summary" not in props  # only a popup shows it, once it has the full record
        assert all(set(s) <= {"publisher", "affiliation", "stance"} for s in props["sources"])
        assert [s["publisher"] for s in props["sources"]] == [
            s["publisher"] for s in whole["properties"]["sources"]
        ]
        assert slim["geometry"] == whole["geometry"]
    # A popup then fetches the whole record, with every source's address.
    one = client.get(f"/api/reports/{light[0]['id']}").get_json()["properties"]
    assert "slim" not in one and all(s["url"].startswith("http") for s in one["sources"])


def test_the_map_page_loads_the_light_view(client):
    html = client.get("/").get_data(as_text=True)
    assert "view=map" in html and "reportApiUrl" in html


def test_the_map_gets_the_names_of_its_language_only(client):
    every = client.get("/api/layers/labels").get_json()["features"]
    english = client.get("/api/layers/labels?lang=en").get_json()["features"]
    assert len(english) == len(every)
    assert all(set(f["properties"]["names"]) <= {"en"} for f in english)
    assert any(len(f["properties"]["names"]) > 1 for f in every)
    assert "lang=en" in client.get("/").get_data(as_text=True)


def test_a_search_from_the_map_gets_only_the_ids_it_finds(client):
    every = client.get("/api/reports?q=oreshnik").get_json()["features"]
    ids = client.get("/api/reports?view=ids&q=oreshnik")
    assert ids.status_code == 200
    assert ids.get_json() == {"ids": sorted(f["id"] for f in every)}
    assert ids.get_json()["ids"]  # the fixture has Oreshnik reports
    assert client.get("/api/reports?view=ids&from=banana").status_code == 400


def test_an_unknown_view_is_refused(client):
    response = client.get("/api/reports?view=everything")
    assert response.status_code == 400 and "view" in response.get_json()["error"]


def test_the_map_leaves_the_search_text_to_the_server_but_the_static_site_carries_it(app):
    client = app.test_client()
    light = client.get("/api/reports?view=map").get_json()["features"]
    full = client.get("/api/reports").get_json()["features"]
    for view in (light, full):
        assert all("search" not in f["properties"]["derived"] for f in view)
        assert all(f["properties"]["derived"]["span"] for f in view)
    site = client.get("/api/reports", environ_overrides={"webmap.static_site": True})
    carried = {f["id"]: f["properties"]["derived"]["search"] for f in site.get_json()["features"]}
    index = app.extensions["webmap"].get_catalog().index
    assert carried == {rid: index.text[index.position(rid)] for rid in carried}  # the server's
