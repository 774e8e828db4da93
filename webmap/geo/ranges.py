"""Range rings for reports whose sources state a range, and the capitals within reach."""

from __future__ import annotations

from typing import Any

import geopandas as gpd

from webmap.geo.geodesy import GEOD, nearest, range_ring
from webmap.record.model import Report

LABEL_AZIMUTH = 200.0  # place the ring's label south-south-west of its centre


def ring_label(report: Report) -> str:
    """Return the text shown on a report's ring: the range and who reported it."""
    publishers = ", ".join(dict.fromkeys(s.publisher for s in report.sources))
    return f"Reported range {report.range_km:,.0f} km (sources: {publishers})"


def ring_features(reports: list[Report]) -> dict[str, Any]:
    """Return a FeatureCollection with one ring Polygon per report that has a range."""
    features = []
    for r in reports:
        if not r.range_km:
            continue
        label_lon, label_lat, _ = GEOD.fwd(r.lon, r.lat, LABEL_AZIMUTH, r.range_km * 1000.0)
        features.append(
            {
                "type": "Feature",
                "id": r.id,
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [range_ring(r.lon, r.lat, r.range_km)],
                },
                "properties": {
                    "report_id": r.id,
                    "range_km": r.range_km,
                    "label": ring_label(r),
                    "label_at": [round(label_lon, 4), round(label_lat, 4)],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def capitals(cities: gpd.GeoDataFrame) -> list[tuple[str, float, float]]:
    """Return (name, lon, lat) of the capitals in the cities layer."""
    rows = cities[cities["capital"]]
    return [(n, g.x, g.y) for n, g in zip(rows["name"], rows.geometry, strict=True)]


def capitals_in_range(report: Report, cities: gpd.GeoDataFrame) -> list[tuple[str, float]]:
    """Return the capitals within the report's range, nearest first, with distances in km."""
    if not report.range_km:
        return []
    return nearest(report.lon, report.lat, capitals(cities), within_km=report.range_km)
