"""How each kind, status, bloc and affiliation looks and reads on the map, in legends and in JS."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from webmap.record.languages import N_
from webmap.record.vocabulary import (
    AFFILIATION_TERMS,
    BLOC_TERMS,
    KIND_TERMS,
    STANCE_TERMS,
    STATUS_TERMS,
    labels,
)
from webmap.render.palette import RIVER, SEA

# Views of the vocabulary table (webmap/record/vocabulary.py) in the shapes the templates and
# the map script read: code -> {label, ...}, in the table's order.
KIND_STYLES: dict[str, dict[str, str]] = {
    t.code: {"label": t.label, "symbol": t.symbol, "colour": t.colour} for t in KIND_TERMS
}
STATUS_STYLES: dict[str, dict[str, str]] = {
    t.code: {"label": t.label, "description": t.description} for t in STATUS_TERMS
}
BLOC_STYLES: dict[str, dict[str, str]] = {
    t.code: {"label": t.label, "fill": t.colour} for t in BLOC_TERMS
}
AFFILIATION_LABELS: dict[str, str] = labels(AFFILIATION_TERMS)
# How a source stands to the claim, in the order popups and pages list them.
STANCE_LABELS: dict[str, str] = labels(STANCE_TERMS)
AREA_STYLES: dict[str, dict[str, str]] = {
    "occupied": {"label": N_("Ukraine, occupied by Russia (Crimea, Sevastopol, since 2014)")},
    "partly": {"label": N_("Ukraine, parts occupied by Russia (Donetsk, Luhansk, from 2014)")},
    "claimed": {"label": N_("Ukraine, claimed by Russia in 2022, partly occupied")},
}


# How close a reader may zoom to a report, by how precisely its place is known: a report about
# a whole country is never shown at street level.
PRECISION_MAX_ZOOM: dict[str, int] = {"site": 11, "city": 9, "region": 7, "country": 5}


def _keep(text: str) -> str:
    """Return a message as it is (English)."""
    return text


def _translated(table: dict[str, dict[str, str]], gettext: Callable[[str], str]) -> dict:
    """Return a style table with its labels and descriptions in gettext's language."""
    words = ("label", "description")
    return {
        code: {k: gettext(v) if k in words and v else v for k, v in row.items()}
        for code, row in table.items()
    }


def styles_in(gettext: Callable[[str], str] = _keep) -> dict[str, Any]:
    """Return the vocabulary tables for the templates, labels in gettext's language."""
    return {
        "kinds": _translated(KIND_STYLES, gettext),
        "statuses": _translated(STATUS_STYLES, gettext),
        "blocs": _translated(BLOC_STYLES, gettext),
        "areas": _translated(AREA_STYLES, gettext),
        "affiliations": {k: gettext(v) for k, v in AFFILIATION_LABELS.items()},
        "stances": {k: gettext(v) for k, v in STANCE_LABELS.items()},
    }


def client_styles(gettext: Callable[[str], str] = _keep) -> dict[str, Any]:
    """Return the style tables in the shape our map script reads, labels in gettext's language."""
    tables = styles_in(gettext)
    return {
        "kinds": tables["kinds"],
        "statuses": tables["statuses"],
        "blocs": tables["blocs"],
        "affiliations": tables["affiliations"],
        "stances": tables["stances"],
        # the page's JSON sorts object keys: the order the popups group sources in is a list
        "stanceOrder": list(STANCE_LABELS),
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
