"""Range rings for reports whose sources state a range, and the capitals within reach."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import geopandas as gpd
from babel.numbers import format_decimal

from webmap.geo.geodesy import GEOD, nearest, range_ring
from webmap.record.languages import babel_locale
from webmap.record.model import Report

LABEL_AZIMUTH = 200.0  # place the ring's label south-south-west of its centre


def ring_label(
    report: Report, gettext: Callable[[str], str] | None = None, lang: str = "en"
) -> str:
    """Return the text shown on a report's ring: the range and who reported it.

    gettext translates the words (English without it); the number is written lang's way.
    """
    publishers = ", ".join(dict.fromkeys(s.publisher for s in report.sources))
    words = (gettext or _keep)("Reported range %(km)s km (sources: %(publishers)s)")
    return words % {"km": km_text(report.range_km, lang), "publishers": publishers}


def _keep(text: str) -> str:
    """Return a message as it is (English)."""
    return text


def km_text(km: float, lang: str = "en") -> str:
    """Write a whole number of km the language's way (1,234 in English, 1 234 in Polish)."""
    return format_decimal(round(km), "#,##0", locale=babel_locale(lang))


def ring_features(
    reports: list[Report], gettext: Callable[[str], str] | None = None, lang: str = "en"
) -> dict[str, Any]:
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
                    "label": ring_label(r, gettext, lang),
                    "label_at": [round(label_lon, 4), round(label_lat, 4)],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def capitals(cities: gpd.GeoDataFrame, lang: str = "en") -> list[tuple[str, float, float]]:
    """Return (name, lon, lat) of the capitals in the cities layer, named in lang if known."""
    rows = cities[cities["capital"]]
    names = rows["names"] if "names" in rows else [None] * len(rows)
    return [
        (city_name(n, more, lang), g.x, g.y)
        for n, more, g in zip(rows["name"], names, rows.geometry, strict=True)
    ]


def city_name(name: str, names: Any, lang: str) -> str:
    """Return a city's name in lang from its names (a dict, or JSON text), else its own name."""
    if isinstance(names, str):
        import json

        names = json.loads(names)
    return (names or {}).get(lang) or name if isinstance(names, dict) else name


def capitals_in_range(
    report: Report, cities: gpd.GeoDataFrame, lang: str = "en"
) -> list[tuple[str, float]]:
    """Return the capitals within the report's range, nearest first, with distances in km."""
    if not report.range_km:
        return []
    return nearest(report.lon, report.lat, capitals(cities, lang), within_km=report.range_km)
