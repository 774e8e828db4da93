"""One vocabulary table: every code a report may hold, with its label, colour, symbol and order.

Validation, the JSON Schema, the index's codes, the templates and the browser's settings are all
derived from these tables; a code added here is known everywhere, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from webmap.record.languages import N_
from webmap.render.palette import BLOC_FILLS, KIND_COLOURS


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary and how a reader sees it; order is its place in the table.

    Labels and descriptions are English, marked for the catalogues (N_): they are translated
    where they are shown (templates, and the map's settings built per request).
    """

    code: str
    label: str
    order: int
    colour: str = ""
    symbol: str = ""
    description: str = ""


def _table(*rows: dict[str, str], colours: dict[str, str] | None = None) -> tuple[Term, ...]:
    """Return the rows as Terms numbered in the order given, coloured from the palette."""
    colours = colours or {}
    return tuple(
        Term(order=i, colour=colours.get(row["code"], ""), **row) for i, row in enumerate(rows)
    )


KIND_TERMS = _table(
    {"code": "deployment_announcement", "label": N_("Deployment announced"), "symbol": "△"},
    {"code": "deployment", "label": N_("Deployment"), "symbol": "▲"},
    {"code": "strike", "label": N_("Strike"), "symbol": "✸"},
    {"code": "exercise", "label": N_("Military exercise"), "symbol": "◎"},
    {"code": "agreement", "label": N_("Agreement or treaty"), "symbol": "■"},
    {"code": "accession", "label": N_("Joining an alliance"), "symbol": "✚"},
    {"code": "statement", "label": N_("Statement"), "symbol": "◆"},
    {"code": "incident", "label": N_("Incident"), "symbol": "!"},
    {"code": "fortification", "label": N_("Border fortification"), "symbol": "▰"},
    colours=KIND_COLOURS,
)
STATUS_TERMS = _table(
    {
        "code": "announced",
        "label": N_("Announced"),
        "description": N_("said to be planned; not yet seen happening"),
    },
    {
        "code": "reported",
        "label": N_("Reported"),
        "description": N_("reported by media or officials, not confirmed"),
    },
    {
        "code": "confirmed",
        "label": N_("Confirmed"),
        "description": N_("confirmed by the parties or independently"),
    },
    {
        "code": "disputed",
        "label": N_("Disputed"),
        "description": N_("sources disagree about what happened"),
    },
    {
        "code": "denied",
        "label": N_("Denied"),
        "description": N_("a party named in the claim denies it"),
    },
)
AFFILIATION_TERMS = _table(
    {"code": "independent", "label": N_("Independent media")},
    {"code": "public_broadcaster", "label": N_("Public broadcaster")},
    {"code": "state_media", "label": N_("State media")},
    {"code": "government", "label": N_("Government")},
    {"code": "think_tank", "label": N_("Think tank")},
    {"code": "wire", "label": N_("News agency")},
    {"code": "unknown", "label": N_("Affiliation unknown")},
)
# What a source does with the claim, in the order a report page lists them; the label is the
# heading of its group.
STANCE_TERMS = _table(
    {"code": "claim", "label": N_("The claim")},
    {"code": "relays", "label": N_("Reported by")},
    {"code": "confirms", "label": N_("Confirmed by")},
    {"code": "disputes", "label": N_("Disputed by")},
    {"code": "denies", "label": N_("Denied by")},
    {"code": "context", "label": N_("Background")},
)
PRECISION_TERMS = _table(
    {"code": "site", "label": N_("A site")},
    {"code": "city", "label": N_("A city")},
    {"code": "region", "label": N_("A region")},
    {"code": "country", "label": N_("A country")},
)
ALLIANCE_TERMS = _table(
    {"code": "NATO", "label": N_("NATO")},
    {"code": "CSTO", "label": N_("CSTO")},
    {"code": "UNION-STATE", "label": N_("Russia–Belarus Union State")},
)
# How a country is coloured by its alliances on a day (the first that applies: see atlas.py).
BLOC_TERMS = _table(
    {"code": "nato", "label": N_("NATO member")},
    {"code": "union-state", "label": N_("Russia–Belarus Union State (also CSTO)")},
    {"code": "csto", "label": N_("CSTO member")},
    {"code": "csto-frozen", "label": N_("CSTO member, participation frozen")},
    {"code": "none", "label": N_("In none of these alliances")},
    colours=BLOC_FILLS,
)


def codes(terms: tuple[Term, ...]) -> tuple[str, ...]:
    """Return the codes of a vocabulary in its order."""
    return tuple(t.code for t in terms)


def labels(terms: tuple[Term, ...]) -> dict[str, str]:
    """Return code -> label of a vocabulary, in its order."""
    return {t.code: t.label for t in terms}


KINDS = codes(KIND_TERMS)
STATUSES = codes(STATUS_TERMS)
AFFILIATIONS = codes(AFFILIATION_TERMS)
STANCES = codes(STANCE_TERMS)
PRECISIONS = codes(PRECISION_TERMS)
ALLIANCE_CODES = codes(ALLIANCE_TERMS)
BLOCS = codes(BLOC_TERMS)
STANCE_HEADINGS = labels(STANCE_TERMS)
# Affiliations whose sources speak for a party to the claim: a report resting only on them says so.
PARTISAN_AFFILIATIONS = frozenset({"state_media", "government"})
VOCABULARIES: dict[str, tuple[Term, ...]] = {
    "kind": KIND_TERMS,
    "status": STATUS_TERMS,
    "affiliation": AFFILIATION_TERMS,
    "stance": STANCE_TERMS,
    "precision": PRECISION_TERMS,
    "alliance": ALLIANCE_TERMS,
    "bloc": BLOC_TERMS,
}
