"""Distances and range rings on the WGS 84 ellipsoid (pyproj.Geod)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
RING_POINTS = 180


def distance_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the geodesic distance between two points in kilometres."""
    return GEOD.inv(lon1, lat1, lon2, lat2)[2] / 1000.0


def range_ring(lon: float, lat: float, radius_km: float, points: int = RING_POINTS) -> list:
    """Return a ring of points radius_km from (lon, lat) as [lon, lat] pairs, closed.

    Longitudes are unwrapped (they may pass 180 or -180) so the ring draws as one shape on a
    web map even where it crosses the antimeridian. A ring that encloses a pole is closed along
    that pole, so the polygon covers the polar cap instead of cutting across it.
    """
    # Start towards the nearer pole: a ring that encloses it then starts across the pole, and its
    # longitudes run from about lon - 180 to lon + 180 with the point in the middle.
    start = 0.0 if lat >= 0 else 180.0
    azimuths = start + np.linspace(0.0, 360.0, points, endpoint=False)
    lons, lats, _ = GEOD.fwd(
        np.full(points, lon), np.full(points, lat), azimuths, np.full(points, radius_km * 1000.0)
    )
    lons = np.degrees(np.unwrap(np.radians(lons)))
    step = float(lons[1] - lons[0])
    around_pole = abs(float(lons[-1] - lons[0]) + step) > 180.0
    middle = (lons.min() + lons.max()) / 2.0
    lons = lons - 360.0 * np.round((middle - lon) / 360.0)  # centre the ring on its point
    ring = [[round(float(x), 4), round(float(y), 4)] for x, y in zip(lons, lats, strict=True)]
    if around_pole:  # close the ring along the pole it encloses, covering the polar cap
        pole = 90.0 if lat > 0 else -90.0
        end = round(float(lons[0] + (lons[-1] - lons[0] + step)), 4)
        ring += [[end, pole], [ring[0][0], pole]]
    ring.append(list(ring[0]))
    return ring


def nearest(
    lon: float,
    lat: float,
    places: Iterable[tuple[str, float, float]],
    within_km: float | None = None,
) -> list[tuple[str, float]]:
    """Return (name, km) of places sorted by distance, optionally only those within_km."""
    found = [(name, distance_km(lon, lat, plon, plat)) for name, plon, plat in places]
    if within_km is not None:
        found = [(name, km) for name, km in found if km <= within_km]
    return sorted(found, key=lambda pair: pair[1])
