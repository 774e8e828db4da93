"""A small locator map as inline SVG, drawn on the server: works without JavaScript and prints."""

from __future__ import annotations

import math

import geopandas as gpd
import shapely
from markupsafe import Markup

from webmap.render.styles import BLOC_STYLES

WIDTH, HEIGHT = 360, 260
SPAN_LAT = 9.0  # degrees of latitude shown


def _frame(lon: float, lat: float) -> tuple[float, float, float, float, float]:
    """Return the west, south, east, north and x-scale of a frame centred on the point."""
    kx = math.cos(math.radians(min(max(lat, -75.0), 75.0)))
    span_lon = SPAN_LAT * WIDTH / HEIGHT / kx
    return lon - span_lon / 2, lat - SPAN_LAT / 2, lon + span_lon / 2, lat + SPAN_LAT / 2, kx


def _path(geom: shapely.Geometry, project) -> str:
    """Return an SVG path for a (multi)polygon."""
    parts = []
    for polygon in shapely.get_parts(geom):
        if polygon.geom_type != "Polygon":
            continue
        for ring in [polygon.exterior, *polygon.interiors]:
            points = [project(x, y) for x, y in ring.coords]
            parts.append("M" + "L".join(f"{px:.1f},{py:.1f}" for px, py in points) + "Z")
    return "".join(parts)


def minimap_svg(
    countries: gpd.GeoDataFrame, blocs: dict[str, str], lon: float, lat: float, label: str
) -> Markup:
    """Return an SVG map around (lon, lat): countries coloured by bloc and the report's point."""
    west, south, east, north, _ = _frame(lon, lat)

    def project(x: float, y: float) -> tuple[float, float]:
        return (x - west) / (east - west) * WIDTH, (north - y) / (north - south) * HEIGHT

    shapes = []
    window = shapely.box(west, south, east, north)
    for iso3, geom in zip(countries["iso3"], countries.geometry, strict=True):
        if not geom.intersects(window):
            continue
        clipped = shapely.clip_by_rect(geom, west, south, east, north)
        fill = BLOC_STYLES[blocs.get(iso3, "none")]["fill"]
        shapes.append(
            Markup('<path d="{}" fill="{}" stroke="#ffffff" stroke-width="0.8"/>').format(
                _path(clipped, project), fill
            )
        )
    x, y = project(lon, lat)
    return Markup(
        '<svg class="minimap" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" '
        'aria-label="{label}"><rect width="{w}" height="{h}" fill="#cfe0ec"/>{shapes}'
        '<circle cx="{x:.1f}" cy="{y:.1f}" r="7" fill="#b91c1c" stroke="#ffffff" stroke-width="3"/>'
        "</svg>"
    ).format(w=WIDTH, h=HEIGHT, label=label, shapes=Markup("").join(shapes), x=x, y=y)
