"""Derive label points: one well inside each country, one in each named sea or ocean."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pyproj
import shapely
import shapely.ops
from shapely.geometry import Point

GEOD = pyproj.Geod(ellps="WGS84")
# Names from Natural Earth's NAME_XX fields, and from CLDR (Babel) where NE has none.
NE_LANGS = ("en", "uk", "ru", "pl", "de")
CLDR_LANGS = ("be", "lt", "lv", "et")
# (smallest area in km², rank, first zoom) for a country's label, largest first.
COUNTRY_CLASSES = (
    (1_000_000.0, 1, 2),
    (200_000.0, 2, 3),
    (30_000.0, 3, 4),
    (2_000.0, 4, 5),
    (0.0, 4, 6),
)
POLYLABEL_TOLERANCE_M = 1000.0
DECIMALS = 3
# Seas and oceans: (English name, lon, lat, rank, first zoom). Our own compilation: no package
# on the registries we can reach ships Natural Earth's named marine areas (see geodata/README.md).
# Points are chosen in open water; the test suite checks that none lies on land.
SEA_LABELS = (
    ("Atlantic Ocean", -30.0, 45.0, 1, 2),
    ("Arctic Ocean", 20.0, 82.5, 1, 2),
    ("Pacific Ocean", 165.0, 35.0, 1, 2),
    ("Indian Ocean", 80.0, -20.0, 1, 2),
    ("Mediterranean Sea", 18.0, 34.5, 2, 3),
    ("Black Sea", 34.0, 43.2, 2, 3),
    ("Caspian Sea", 50.5, 41.5, 2, 3),
    ("Baltic Sea", 19.5, 56.0, 2, 3),
    ("North Sea", 3.0, 56.0, 2, 3),
    ("Norwegian Sea", 3.0, 67.0, 2, 3),
    ("Barents Sea", 40.0, 73.0, 2, 3),
    ("Kara Sea", 75.0, 76.0, 2, 3),
    ("Laptev Sea", 125.0, 76.0, 2, 3),
    ("East Siberian Sea", 163.0, 72.5, 2, 3),
    ("Bering Sea", 180.0, 58.0, 2, 3),
    ("Sea of Okhotsk", 149.0, 54.0, 2, 3),
    ("Sea of Japan", 135.0, 40.0, 2, 3),
    ("White Sea", 38.3, 65.6, 3, 4),
    ("Sea of Azov", 36.5, 46.1, 3, 4),
    ("Adriatic Sea", 14.8, 43.1, 3, 4),
    ("Aegean Sea", 25.2, 38.9, 3, 4),
    ("Ionian Sea", 18.5, 38.0, 3, 4),
    ("Tyrrhenian Sea", 12.0, 40.0, 3, 4),
    ("Gulf of Bothnia", 20.0, 62.5, 3, 4),
    ("Bay of Biscay", -4.5, 45.3, 3, 4),
    ("Irish Sea", -5.3, 53.7, 3, 4),
    ("Chukchi Sea", 189.0, 69.0, 3, 4),
    ("Gulf of Finland", 26.0, 59.85, 4, 5),
    ("Gulf of Riga", 23.5, 57.5, 4, 5),
)


def country_class(area_km2: float) -> tuple[int, int]:
    """Return (rank, first zoom) for a country label by the country's area."""
    return next((rank, zoom) for least, rank, zoom in COUNTRY_CLASSES if area_km2 >= least)


def geodesic_area_km2(geom: shapely.Geometry) -> float:
    """Return the area of a lon/lat polygon on the WGS 84 ellipsoid in km²."""
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def label_point(geom: shapely.Geometry, drawn: shapely.Geometry | None = None) -> Point:
    """Return the pole of inaccessibility of the largest part, inside `drawn` where it can be."""
    parts = shapely.get_parts(geom)
    largest = max(parts, key=geodesic_area_km2)
    point = _polylabel_projected(largest)
    if drawn is not None and not drawn.contains(point):
        drawn_parts = shapely.get_parts(drawn)
        point = _polylabel_projected(max(drawn_parts, key=geodesic_area_km2))
    return point


def _polylabel_projected(polygon: shapely.Geometry) -> Point:
    """Run polylabel in a Lambert azimuthal equal-area projection centred on the polygon."""
    centre = polygon.representative_point()
    local = pyproj.CRS.from_proj4(
        f"+proj=laea +lat_0={centre.y} +lon_0={centre.x} +datum=WGS84 +units=m +no_defs"
    )
    there = pyproj.Transformer.from_crs(4326, local, always_xy=True)
    back = pyproj.Transformer.from_crs(local, 4326, always_xy=True)
    projected = shapely.transform(polygon, lambda xy: np.column_stack(there.transform(*xy.T)))
    point = shapely.ops.polylabel(projected, tolerance=POLYLABEL_TOLERANCE_M)
    return shapely.transform(point, lambda xy: np.column_stack(back.transform(*xy.T)))


def country_names(row: dict, territories: dict[str, dict[str, str]]) -> dict[str, str]:
    """Return a country's name per language: NE's NAME_XX, then CLDR's for be, lt, lv, et."""
    names = {lang: row.get(f"NAME_{lang.upper()}") for lang in NE_LANGS}
    names["en"] = row["name"]
    iso2 = row.get("ISO_A2_EH")
    for lang in CLDR_LANGS:
        names[lang] = territories[lang].get(iso2) if isinstance(iso2, str) else None
    return {lang: name for lang, name in names.items() if isinstance(name, str) and name}


def country_labels(world: gpd.GeoDataFrame, drawn: gpd.GeoDataFrame) -> list[dict]:
    """Return one label row per country, at a point inside its drawn overview outline."""
    from babel import Locale

    territories = {lang: dict(Locale(lang).territories) for lang in CLDR_LANGS}
    outlines = drawn.set_index("iso3").geometry
    rows = []
    for row in world.to_dict("records"):
        area = geodesic_area_km2(row["geometry"])
        rank, zoom = country_class(area)
        point = label_point(row["geometry"], outlines.get(row["iso3"]))
        rows.append(
            {
                "kind": "country",
                "name": row["name"],
                "names": country_names(row, territories),
                "iso3": row["iso3"],
                "rank": rank,
                "area_km2": round(area, 1),
                "min_zoom": zoom,
                "geometry": _rounded_point(point),
            }
        )
    return rows


def sea_labels() -> list[dict]:
    """Return the label rows of the seas and oceans (English names only: see SEA_LABELS)."""
    return [
        {
            "kind": "sea",
            "name": name,
            "names": {"en": name},
            "iso3": None,
            "rank": rank,
            "area_km2": None,
            "min_zoom": zoom,
            "geometry": Point(lon, lat),
        }
        for name, lon, lat, rank, zoom in SEA_LABELS
    ]


def load_labels(world: gpd.GeoDataFrame, drawn: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Return the labels layer: countries, then seas, each sorted by rank and name."""
    countries = sorted(country_labels(world, drawn), key=lambda r: (r["rank"], r["name"]))
    seas = sorted(sea_labels(), key=lambda r: (r["rank"], r["name"]))
    return gpd.GeoDataFrame(countries + seas, geometry="geometry", crs=4326)


def _rounded_point(point: Point) -> Point:
    """Round a point to DECIMALS."""
    return Point(round(point.x, DECIMALS), round(point.y, DECIMALS))
