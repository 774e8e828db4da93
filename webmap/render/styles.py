"""How each kind, status, bloc and affiliation looks and reads: one table for map, legend and JS."""

from __future__ import annotations

from typing import Any

from webmap.record.reports import STANCE_HEADINGS
from webmap.render.palette import BLOC_FILLS, RIVER, SEA

KIND_STYLES: dict[str, dict[str, str]] = {
    "deployment_announcement": {
        "label": "Deployment announced",
        "symbol": "△",
        "colour": "#c2410c",
    },
    "deployment": {"label": "Deployment", "symbol": "▲", "colour": "#b91c1c"},
    "strike": {"label": "Strike", "symbol": "✸", "colour": "#111827"},
    "exercise": {"label": "Military exercise", "symbol": "◎", "colour": "#6d28d9"},
    "agreement": {"label": "Agreement or treaty", "symbol": "■", "colour": "#0f766e"},
    "accession": {"label": "Joining an alliance", "symbol": "✚", "colour": "#1d4ed8"},
    "statement": {"label": "Statement", "symbol": "◆", "colour": "#4b5563"},
    "incident": {"label": "Incident", "symbol": "!", "colour": "#be185d"},
    "fortification": {"label": "Border fortification", "symbol": "▰", "colour": "#92400e"},
}
STATUS_STYLES: dict[str, dict[str, str]] = {
    "announced": {
        "label": "Announced",
        "description": "said to be planned; not yet seen happening",
    },
    "reported": {
        "label": "Reported",
        "description": "reported by media or officials, not confirmed",
    },
    "confirmed": {"label": "Confirmed", "description": "confirmed by the parties or independently"},
    "disputed": {"label": "Disputed", "description": "sources disagree about what happened"},
    "denied": {"label": "Denied", "description": "a party named in the claim denies it"},
}
BLOC_STYLES: dict[str, dict[str, str]] = {
    "nato": {"label": "NATO member", "fill": BLOC_FILLS["nato"]},
    "union-state": {
        "label": "Russia–Belarus Union State (also CSTO)",
        "fill": BLOC_FILLS["union-state"],
    },
    "csto": {"label": "CSTO member", "fill": BLOC_FILLS["csto"]},
    "csto-frozen": {
        "label": "CSTO member, participation frozen",
        "fill": BLOC_FILLS["csto-frozen"],
    },
    "none": {"label": "In none of these alliances", "fill": BLOC_FILLS["none"]},
}
AFFILIATION_LABELS: dict[str, str] = {
    "independent": "Independent media",
    "public_broadcaster": "Public broadcaster",
    "state_media": "State media",
    "government": "Government",
    "think_tank": "Think tank",
    "wire": "News agency",
    "unknown": "Affiliation unknown",
}
# How a source stands to the claim, in the order popups and pages list them (one table).
STANCE_LABELS: dict[str, str] = STANCE_HEADINGS
AREA_STYLES: dict[str, dict[str, str]] = {
    "occupied": {"label": "Ukraine, occupied by Russia (Crimea, Sevastopol, since 2014)"},
    "partly": {"label": "Ukraine, parts occupied by Russia (Donetsk, Luhansk, from 2014)"},
    "claimed": {"label": "Ukraine, claimed by Russia in 2022, partly occupied"},
}


# How close a reader may zoom to a report, by how precisely its place is known: a report about
# a whole country is never shown at street level.
PRECISION_MAX_ZOOM: dict[str, int] = {"site": 11, "city": 9, "region": 7, "country": 5}


def client_styles() -> dict[str, Any]:
    """Return the style tables in the shape our map script reads."""
    return {
        "kinds": KIND_STYLES,
        "statuses": STATUS_STYLES,
        "blocs": BLOC_STYLES,
        "affiliations": AFFILIATION_LABELS,
        "stances": STANCE_LABELS,
        "precisionMaxZoom": PRECISION_MAX_ZOOM,
        "sea": SEA,
        "river": RIVER,
    }


def stylesheet() -> str:
    """Return the palette as CSS classes, so pages need no inline style attributes."""
    rules = [f":root {{ --sea: {SEA}; --river: {RIVER}; }}"]
    rules += [f".bloc-{key} {{ background: {b['fill']}; }}" for key, b in BLOC_STYLES.items()]
    rules += [f".kind-{key} {{ --kind-colour: {k['colour']}; }}" for key, k in KIND_STYLES.items()]
    return "\n".join(rules) + "\n"
