"""Geodata layers: boundaries, occupied areas, cities, labels, water, and alliances over time."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd

from webmap.record.languages import N_
from webmap.render.styles import BLOC_STYLES

LAYER_FILES = {
    "countries": "countries-overview.geojson",
    "countries-closeup": "countries-closeup.geojson",
    "occupied": "occupied.geojson",
    "cities": "cities.geojson",
    "labels": "labels.geojson",
    "rivers": "rivers.geojson",
    "lakes": "lakes.geojson",
}
# The property that identifies a feature of each layer (GeoJSON Feature id).
LAYER_KEYS = {"countries": "iso3", "countries-closeup": "iso3", "occupied": "iso_3166_2"}
ALLIANCES_FILE = "alliances.json"
# The bloc a country's fill shows, in order of precedence.
BLOCS = ("union-state", "nato", "csto", "csto-frozen", "none")


class AtlasError(ValueError):
    """Raised when a geodata file is missing or malformed; the message names the file."""


@dataclass(frozen=True)
class Membership:
    """One country's membership of one alliance, with the dates that bound it."""

    alliance: str
    country: str
    joined: str
    left: str = ""
    suspended: str = ""
    note: str = ""

    def state_on(self, day: str) -> str:
        """Return 'member', 'suspended' or '' for an ISO day."""
        if day < self.joined or (self.left and day >= self.left):
            return ""
        return "suspended" if self.suspended and day >= self.suspended else "member"


@dataclass(frozen=True)
class Atlas:
    """Every geodata layer, loaded once (EPSG:4326), plus alliance memberships."""

    layers: dict[str, gpd.GeoDataFrame]
    memberships: tuple[Membership, ...]
    alliances: dict[str, Any]

    def bloc_of(self, iso3: str, day: str) -> str:
        """Return which bloc a country belongs to on an ISO day (see BLOCS)."""
        # A row that is not active on day (e.g. an earlier membership) never erases an active one.
        states = {
            m.alliance: state
            for m in self.memberships
            if m.country == iso3 and (state := m.state_on(day))
        }
        if states.get("UNION-STATE") == "member":
            return "union-state"
        if states.get("NATO") == "member":
            return "nato"
        if states.get("CSTO") == "member":
            return "csto"
        if states.get("CSTO") == "suspended":
            return "csto-frozen"
        return "none"

    def bloc_changes(self, iso3: str) -> list[list[str]]:
        """Return [day, bloc] from each day a country's bloc changes, oldest first.

        The first entry's day is 0000-01-01; a country is in the bloc of the last entry whose
        day is on or before a given day, so the browser compares days instead of redoing the
        rule of bloc_of.
        """
        days = {"0000-01-01"}
        for m in self.memberships:
            if m.country == iso3:
                days |= {d for d in (m.joined, m.left, m.suspended) if d}
        changes: list[list[str]] = []
        for day in sorted(days):
            bloc = self.bloc_of(iso3, day)
            if not changes or changes[-1][1] != bloc:
                changes.append([day, bloc])
        return changes

    def alliances_of(self, iso3: str, day: str) -> list[str]:
        """Return the alliances a country is an active member of on an ISO day."""
        return sorted(
            m.alliance
            for m in self.memberships
            if m.country == iso3 and m.state_on(day) == "member"
        )

    def layer_geojson(self, name: str, day: str | None = None) -> dict[str, Any]:
        """Return a layer as a GeoJSON dict; country layers carry each country's bloc on day."""
        frame = self.layers[name]
        data = json.loads(frame.to_json(drop_id=True))
        key = LAYER_KEYS.get(name)
        for feature in data["features"] if key else ():
            feature["id"] = feature["properties"][key]
        if name.startswith("countries"):
            day = day or date.today().isoformat()
            for feature in data["features"]:
                props = feature["properties"]
                props["bloc"] = self.bloc_of(props["iso3"], day)
                props["bloc_label"] = BLOC_STYLES[props["bloc"]]["label"]
                props["alliances"] = self.alliances_of(props["iso3"], day)
                props["bloc_changes"] = self.bloc_changes(props["iso3"])
        return data


def _read_layer(path: Path) -> gpd.GeoDataFrame:
    """Read one GeoJSON layer in EPSG:4326, naming the file on failure."""
    if not path.exists():
        raise AtlasError(
            N_("%(path)s: file is missing (run `webmap build-geodata` to make it)", path=str(path))
        )
    try:
        frame = gpd.read_file(path, datetime_as_string=True)
    except Exception as exc:  # pyogrio raises several types; the message is what matters
        message = N_(
            "%(path)s: cannot be read as GeoJSON (%(reason)s)", path=str(path), reason=str(exc)
        )
        raise AtlasError(message) from exc
    return frame.to_crs(4326) if frame.crs else frame.set_crs(4326)


def load_memberships(path: Path) -> tuple[tuple[Membership, ...], dict[str, Any]]:
    """Read alliances.json into Membership rows and the alliances' descriptions."""
    try:
        data = json.loads(path.read_text("utf-8"))
        rows = tuple(
            Membership(
                alliance=alliance["code"],
                country=member["country"],
                joined=member["joined"],
                left=member.get("left") or "",
                suspended=member.get("suspended") or "",
                note=member.get("note") or "",
            )
            for alliance in data["alliances"]
            for member in alliance["members"]
        )
    except FileNotFoundError:
        raise AtlasError(N_("%(path)s: file is missing", path=str(path))) from None
    except (ValueError, KeyError, TypeError) as exc:
        message = N_(
            "%(path)s: not a valid alliances file (%(reason)s)", path=str(path), reason=repr(exc)
        )
        raise AtlasError(message) from exc
    return rows, {a["code"]: a for a in data["alliances"]}


def load_atlas(data_dir: Path) -> Atlas:
    """Load every geodata layer and the alliances from a data directory."""
    layers = {name: _read_layer(data_dir / file) for name, file in LAYER_FILES.items()}
    memberships, alliances = load_memberships(data_dir / ALLIANCES_FILE)
    return Atlas(layers=layers, memberships=memberships, alliances=alliances)
