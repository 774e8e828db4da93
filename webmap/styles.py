"""How each kind, status, bloc and affiliation looks and reads: one table for map, legend and JS."""

from __future__ import annotations

from typing import Any

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
    "nato": {"label": "NATO member", "fill": "#9ec5e8"},
    "union-state": {"label": "Russia–Belarus Union State (also CSTO)", "fill": "#e8a09a"},
    "csto": {"label": "CSTO member", "fill": "#f2cfa2"},
    "csto-frozen": {"label": "CSTO member, participation frozen", "fill": "#f6e6cf"},
    "none": {"label": "In none of these alliances", "fill": "#e6e4dc"},
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
AREA_STYLES: dict[str, dict[str, str]] = {
    "occupied": {"label": "Occupied by Russia (Crimea and Sevastopol, since 2014)"},
    "claimed": {"label": "Claimed by Russia in 2022 (Donetsk, Luhansk, Zaporizhzhia, Kherson)"},
}


def client_styles() -> dict[str, Any]:
    """Return the style tables in the shape our map script reads."""
    return {
        "kinds": KIND_STYLES,
        "statuses": STATUS_STYLES,
        "blocs": BLOC_STYLES,
        "affiliations": AFFILIATION_LABELS,
    }
