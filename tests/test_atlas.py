from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import Point

from webmap.geo.atlas import Atlas, AtlasError, load_atlas, load_memberships

DATA = Path(__file__).parent / "data"
SHIPPED = Path(__file__).parent.parent / "geodata"


@pytest.fixture(scope="module")
def atlas():
    return load_atlas(DATA)


@pytest.mark.parametrize(
    ("iso3", "day", "bloc"),
    [
        ("FIN", "2023-04-03", "none"),
        ("FIN", "2023-04-04", "nato"),
        ("SWE", "2024-03-06", "none"),
        ("SWE", "2024-03-07", "nato"),
        ("POL", "1999-03-11", "none"),
        ("POL", "1999-03-12", "nato"),
        ("LTU", "2004-03-29", "nato"),
        ("BLR", "2025-01-01", "union-state"),
        ("RUS", "2025-01-01", "union-state"),
        ("ARM", "2024-02-21", "csto"),
        ("ARM", "2024-02-22", "csto-frozen"),
        ("UKR", "2025-01-01", "none"),
    ],
)
def test_bloc_follows_membership_dates(atlas, iso3, day, bloc):
    assert atlas.bloc_of(iso3, day) == bloc


def test_country_layer_carries_bloc_and_id(atlas):
    features = atlas.layer_geojson("countries", day="2025-06-01")["features"]
    by_id = {f["id"]: f["properties"] for f in features}
    assert by_id["POL"]["bloc"] == "nato" and by_id["POL"]["bloc_label"] == "NATO member"
    assert by_id["BLR"]["alliances"] == ["CSTO", "UNION-STATE"]


def test_missing_layer_names_the_file(tmp_path):
    with pytest.raises(AtlasError, match=r"countries-overview.geojson: file is missing"):
        load_atlas(tmp_path)


def test_shipped_crimea_is_ukraine_marked_occupied_and_kaliningrad_is_russia():
    countries = gpd.read_file(SHIPPED / "countries-closeup.geojson").set_index("iso3")
    occupied = gpd.read_file(SHIPPED / "occupied.geojson").set_index("iso_3166_2")
    simferopol, kaliningrad = Point(34.10, 44.95), Point(20.51, 54.71)
    assert countries.geometry["UKR"].contains(simferopol)
    assert not countries.geometry["RUS"].contains(simferopol)
    assert countries.geometry["RUS"].contains(kaliningrad)
    assert occupied.loc["UA-43", "status"] == "occupied"
    assert set(occupied.index[occupied["status"] == "claimed"]) == {
        "UA-14",
        "UA-09",
        "UA-23",
        "UA-65",
    }
    assert (occupied["country"] == "UKR").all()


@pytest.mark.parametrize(
    ("day", "bloc"),
    [
        ("1997-01-01", "csto"),
        ("2003-01-01", "none"),
        ("2008-01-01", "csto"),
        ("2015-01-01", "none"),
    ],
)
def test_shipped_uzbekistan_left_rejoined_and_left_the_csto(day, bloc):
    memberships, alliances = load_memberships(SHIPPED / "alliances.json")
    atlas = Atlas(layers={}, memberships=memberships, alliances=alliances)
    assert atlas.bloc_of("UZB", day) == bloc


@pytest.mark.parametrize(
    ("iso3", "day", "bloc"),
    [
        ("KAZ", "1994-04-19", "none"),  # signed in 1992; the treaty entered into force in 1994
        ("KAZ", "1994-04-20", "csto"),
        ("GEO", "1999-04-19", "csto"),
        ("GEO", "1999-04-20", "none"),
        ("AZE", "1999-04-20", "none"),
        ("BLR", "2000-01-25", "csto"),  # Union State treaty signed 8 Dec 1999, not yet in force
        ("BLR", "2000-01-26", "union-state"),
        ("ALB", "2009-03-31", "none"),
        ("HRV", "2009-04-01", "nato"),
    ],
)
def test_shipped_memberships_date_entry_into_force(iso3, day, bloc):
    memberships, alliances = load_memberships(SHIPPED / "alliances.json")
    assert Atlas(layers={}, memberships=memberships, alliances=alliances).bloc_of(iso3, day) == bloc


def test_every_shipped_membership_row_cites_a_page_about_it():
    import json

    alliances = json.loads((SHIPPED / "alliances.json").read_text("utf-8"))["alliances"]
    for alliance in alliances:
        for row in alliance["members"]:
            source = row["source"]
            assert source["url"].startswith(("https://", "http://")), row
            assert source.get("publisher"), row
            assert "wiki" not in source["url"].split("/")[2], row  # no wiki or wiki mirror
            if row["country"] in ("ALB", "HRV"):
                assert "montenegro" not in source["url"].lower(), row
