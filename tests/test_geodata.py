"""The shipped geodata (geodata/) and the pure parts of the build that derives it."""

import gzip
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
import shapely
from shapely.geometry import Point, Polygon

from webmap.geo.geodata_build import _unwarp, _warp
from webmap.geo.geodata_cities import city_rank
from webmap.geo.geodata_labels import country_class, label_point
from webmap.geo.geodata_water import decode_topojson
from webmap.geo.ranges import capitals_in_range
from webmap.record.languages import LANGUAGES
from webmap.record.model import report_from_feature

SHIPPED = Path(__file__).parent.parent / "geodata"
LEVELS = ["overview", "closeup"]


def _layer(name: str) -> gpd.GeoDataFrame:
    return gpd.read_file(SHIPPED / f"{name}.geojson")


def _gzip_kb(name: str) -> float:
    return len(gzip.compress((SHIPPED / f"{name}.geojson").read_bytes(), 9)) / 1024


@pytest.fixture(scope="module", params=LEVELS)
def countries(request):
    return _layer(f"countries-{request.param}").set_index("iso3")


@pytest.fixture(scope="module")
def overview():
    return _layer("countries-overview").set_index("iso3")


@pytest.fixture(scope="module")
def labels():
    return _layer("labels")


@pytest.mark.parametrize(
    ("place", "lon", "lat", "iso3"),
    [
        ("Lisbon", -9.14, 38.72, "PRT"),
        ("London", -0.13, 51.51, "GBR"),
        ("Dublin", -6.26, 53.35, "IRL"),
        ("inland Iceland", -19.0, 64.9, "ISL"),
        ("Bishkek", 74.59, 42.87, "KGZ"),
        ("Dushanbe", 68.78, 38.56, "TJK"),
        ("Tashkent", 69.24, 41.3, "UZB"),
        ("Ankara", 32.85, 39.93, "TUR"),
        ("Tbilisi", 44.8, 41.72, "GEO"),
        ("Simferopol", 34.10, 44.95, "UKR"),
        ("Kaliningrad", 20.51, 54.71, "RUS"),
        ("Chukotka east of 180°", 186.0, 66.0, "RUS"),
        ("Mariehamn (Åland)", 19.94, 60.1, "FIN"),
    ],
)
def test_places_lie_in_their_country_at_both_levels(countries, place, lon, lat, iso3):
    assert list(countries.index[countries.contains(Point(lon, lat))]) == [iso3], place


def test_overview_is_the_whole_world_and_closeup_is_europe_to_central_asia():
    overview = set(_layer("countries-overview")["iso3"])
    closeup = set(_layer("countries-closeup")["iso3"])
    assert len(overview) >= 240 and {"USA", "BRA", "AUS", "CHN", "ZAF", "FJI", "VAT"} <= overview
    assert "ATA" not in overview and "ALD" not in overview
    assert {"PRT", "ESP", "FRA", "GBR", "IRL", "ISL", "BEL", "NLD", "LUX", "TUR"} <= closeup
    assert {"GEO", "ARM", "AZE", "KAZ", "KGZ", "TJK", "UZB", "TKM", "RUS", "CYP"} <= closeup
    assert not {"USA", "CHN", "IRN", "SYR"} & closeup


def test_no_two_countries_overlap_at_either_level(countries):
    assert countries.geometry.is_valid.all()
    left, right = countries.sindex.query(countries.geometry, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right, strict=True) if a < b]
    overlaps = [
        (countries.index[a], countries.index[b])
        for a, b in pairs
        if countries.geometry.iloc[a].intersection(countries.geometry.iloc[b]).area > 1e-6
    ]
    assert overlaps == []


def test_first_view_byte_budget():
    assert _gzip_kb("countries-overview") <= 125
    assert _gzip_kb("rivers") + _gzip_kb("lakes") <= 40
    assert _gzip_kb("labels") <= 30


def test_occupied_areas_are_dated_and_only_whole_occupation_names_an_occupier():
    occupied = {
        f["properties"]["iso_3166_2"]: f["properties"]
        for f in json.loads((SHIPPED / "occupied.geojson").read_text("utf-8"))["features"]
    }
    for code in ("UA-43", "UA-40"):
        props = occupied[code]
        assert props["status"] == "occupied" and props["since"] == "2014-02-27"
        assert props["occupier"] == "RUS" and "partly_occupied_since" not in props
    partly = {"UA-14": "2014-04", "UA-09": "2014-04", "UA-23": "2022-02-24", "UA-65": "2022-02-24"}
    for code, since in partly.items():
        props = occupied[code]
        assert props["status"] == "claimed" and props["since"] == "2022-09-30"
        assert props["partly_occupied_since"] == since and "occupier" not in props
    assert {p["claimed_by"] for p in occupied.values()} == {"RUS"}
    assert {p["country"] for p in occupied.values()} == {"UKR"}


def test_every_state_has_its_capital_ranked_first():
    cities = _layer("cities")
    capitals = cities[cities["capital"]]
    assert len(capitals) >= 190
    assert (capitals["rank"] == 1).all() and (cities.loc[~cities["capital"], "rank"] > 1).all()
    named = set(zip(capitals["name"], capitals["country"], strict=True))
    for pair in [
        ("London", "GBR"),
        ("Paris", "FRA"),
        ("Madrid", "ESP"),
        ("Washington", "USA"),
        ("Brasília", "BRA"),
        ("Canberra", "AUS"),
        ("Pristina", "KOS"),
        ("Oslo", "NOR"),
    ]:
        assert pair in named
    assert ("Kaliningrad", "RUS") in set(zip(cities["name"], cities["country"], strict=True))
    assert set(cities["rank"]) <= {1, 2, 3}


def _has_cyrillic(text: str) -> bool:
    return any("\u0400" <= char <= "\u04ff" for char in text)


def test_every_city_is_named_in_every_language_and_in_cyrillic_where_the_language_is():
    cities = json.loads((SHIPPED / "cities.geojson").read_text("utf-8"))["features"]
    assert len(cities) >= 250
    unnamed = [
        (f["properties"]["name"], lang)
        for f in cities
        for lang in LANGUAGES
        if not f["properties"]["names"].get(lang)
    ]
    assert unnamed == []
    latin = [
        (f["properties"]["name"], lang, f["properties"]["names"][lang])
        for f in cities
        for lang in ("uk", "ru", "be")
        if not _has_cyrillic(f["properties"]["names"][lang])
    ]
    assert latin == []
    by_name = {f["properties"]["name"]: f["properties"]["names"] for f in cities}
    assert by_name["Mariehamn"]["uk"] == "Марієгамн" and by_name["Tirana"]["be"] == "Тырана"
    assert by_name["Reykjavík"]["lv"] == "Reikjavīka" and by_name["Valletta"]["lt"] == "Valeta"


def test_oreshnik_range_from_belarus_reaches_london_paris_and_madrid():
    reports = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    feature = next(f for f in reports if f["id"] == "oreshnik-belarus-mod-video-2025")
    report = report_from_feature(feature)
    assert report.range_km == 5500
    in_range = dict(capitals_in_range(report, _layer("cities")))
    assert {"London", "Paris", "Madrid", "Minsk"} <= set(in_range)
    assert "Washington" not in in_range and all(km <= 5500 for km in in_range.values())


@pytest.mark.parametrize("iso3", ["RUS", "NOR", "HRV", "CHL", "ITA", "IDN"])
def test_country_label_lies_inside_the_drawn_outline(overview, labels, iso3):
    point = labels.loc[labels["iso3"] == iso3].geometry.iloc[0]
    assert overview.geometry[iso3].contains(point)
    assert overview.geometry[iso3].boundary.distance(point) > 0.3  # well inside, not at a coast


def test_country_labels_lie_inside_their_closeup_outline_too(labels):
    closeup = _layer("countries-closeup").set_index("iso3").geometry
    points = labels[labels["iso3"].isin(closeup.index)].set_index("iso3").geometry
    outside = [iso3 for iso3, point in points.items() if not closeup[iso3].contains(point)]
    assert outside == [] and {"RUS", "NOR", "HRV", "GBR"} <= set(points.index)


def test_one_label_per_country_with_names_in_every_map_language(overview, labels):
    countries = labels[labels["kind"] == "country"]
    assert sorted(countries["iso3"]) == sorted(overview.index)
    belarus = countries.loc[countries["iso3"] == "BLR", "names"].iloc[0]
    assert belarus["be"] == "Беларусь" and belarus["lt"] == "Baltarusija"
    assert belarus["uk"] == "Білорусь" and belarus["en"] == "Belarus"
    assert set(belarus) == {"en", "uk", "ru", "pl", "de", "be", "lt", "lv", "et"}
    assert countries["min_zoom"].between(2, 6).all() and countries["rank"].between(1, 4).all()
    by_iso = countries.set_index("iso3")
    assert by_iso.loc["RUS", "min_zoom"] == 2 and by_iso.loc["LUX", "min_zoom"] >= 5
    assert 200_000 < by_iso.loc["BLR", "area_km2"] < 215_000


def test_sea_labels_are_named_and_in_open_water(labels):
    seas = labels[labels["kind"] == "sea"]
    wanted = {
        "Baltic Sea",
        "Gulf of Finland",
        "Gulf of Riga",
        "Gulf of Bothnia",
        "Black Sea",
        "Sea of Azov",
        "Caspian Sea",
        "North Sea",
        "Norwegian Sea",
        "Barents Sea",
        "White Sea",
        "Mediterranean Sea",
        "Adriatic Sea",
        "Aegean Sea",
        "Atlantic Ocean",
        "Arctic Ocean",
    }
    assert wanted <= set(seas["name"])
    for level in LEVELS:
        land = shapely.union_all(_layer(f"countries-{level}").geometry.values)
        on_land = [n for n, g in zip(seas["name"], seas.geometry, strict=True) if land.contains(g)]
        assert on_land == [], level


def test_rivers_and_lakes_are_named_where_the_map_needs_them():
    rivers = set(_layer("rivers")["name"].dropna())
    lakes = set(_layer("lakes")["name"].dropna())
    assert {"Dnieper", "Danube", "Volga", "Vistula", "Daugava", "Don", "Dniester"} <= rivers
    assert {"Oder", "Elbe", "Rhine", "Ural"} <= rivers
    assert {"Lake Ladoga", "Lake Onega", "Lake Peipus", "Aral Sea", "Issyk-Kul"} <= lakes


def test_every_named_river_and_lake_has_a_label_in_every_language(labels):
    water = labels[labels["kind"] == "water"]
    named = set(_layer("rivers")["name"].dropna()) | set(_layer("lakes")["name"].dropna())
    assert set(water["name"]) == named
    assert all(set(names) == set(LANGUAGES) for names in water["names"])
    by_name = dict(zip(water["name"], water["names"], strict=True))
    assert by_name["Danube"]["pl"] == "Dunaj" and by_name["Danube"]["uk"] == "Дунай"
    assert by_name["Lake Ladoga"]["ru"] == "Ладожское озеро"
    assert by_name["Vistula"]["pl"] == "Wisła" and by_name["Dniester"]["uk"] == "Дністер"
    # Every river and lake is named in every language, none left in English (but "Don"...).
    for english, names in by_name.items():
        same = [lang for lang, name in names.items() if lang != "en" and name == english]
        assert set(same) <= {"pl", "et", "lt", "lv"}, (english, same)
    lakes = shapely.union_all(_layer("lakes").geometry.values)
    for name, kind, point in zip(water["name"], water["water"], water.geometry, strict=True):
        if kind == "lake":
            assert lakes.contains(point), name


def test_api_serves_label_names_as_an_object(client):
    features = client.get("/api/layers/labels").get_json(force=True)["features"]
    poland = next(f for f in features if f["properties"].get("iso3") == "POL")
    assert poland["properties"]["names"]["pl"] == "Polska"


@pytest.mark.parametrize(
    ("area", "rank", "zoom"),
    [(17e6, 1, 2), (1e6, 1, 2), (999_999, 2, 3), (65_000, 3, 4), (29_999, 4, 5), (1_999, 4, 6)],
)
def test_country_class_by_area(area, rank, zoom):
    assert country_class(area) == (rank, zoom)


@pytest.mark.parametrize(
    ("capital", "population", "context", "rank"),
    [
        (True, 400_000, False, 1),
        (False, 1_000_000, False, 2),
        (False, 999_999, False, 3),
        (False, 340_000, True, 2),
    ],
)
def test_city_rank(capital, population, context, rank):
    assert city_rank(capital, population, context) == rank


def test_label_point_is_inside_a_u_shape_where_the_centroid_is_not():
    u_shape = Polygon([(0, 0), (3, 0), (3, 3), (2, 3), (2, 1), (1, 1), (1, 3), (0, 3)])
    assert not u_shape.contains(u_shape.centroid)
    assert u_shape.contains(label_point(u_shape))


def test_warp_round_trips_and_stretches_only_the_detail_box():
    xy = np.array([[-170.0, -50.0], [27.0, 53.0], [186.0, 66.0], [0.0, 80.0]])
    assert np.allclose(_unwarp(_warp(xy)), xy)
    inside = _warp(np.array([[27.0, 53.0], [28.0, 54.0]]))
    outside = _warp(np.array([[120.0, 10.0], [121.0, 11.0]]))
    assert np.allclose(np.diff(inside, axis=0), 6.0) and np.allclose(np.diff(outside, axis=0), 1)


def test_decode_topojson_undoes_quantisation_and_reversed_arcs(tmp_path):
    topo = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.5], "translate": [10, 20]},
        "arcs": [[[0, 0], [2, 0], [0, 2]], [[2, 2], [-2, 0], [0, -2]]],
        "objects": {
            "rivers": {
                "type": "GeometryCollection",
                "geometries": [{"type": "LineString", "arcs": [0]}],
            },
            "lakes": {
                "type": "GeometryCollection",
                "geometries": [
                    {"type": "Polygon", "arcs": [[0, 1]]},
                    {"type": "Polygon", "arcs": []},
                ],
            },
        },
    }
    path = tmp_path / "t.json"
    path.write_text(json.dumps(topo))
    layers = decode_topojson(path)
    assert list(layers["rivers"][0].coords) == [(10, 20), (11, 20), (11, 21)]
    assert len(layers["lakes"]) == 1 and layers["lakes"][0].area == 1.0
