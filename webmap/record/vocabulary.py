"""One vocabulary table: every code a report may hold, with its label, colour, symbol and order.

Validation, the JSON Schema, the index's codes, the templates and the browser's settings are all
derived from these tables; a code added here is known everywhere, and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

from webmap.render.palette import BLOC_FILLS, KIND_COLOURS


@dataclass(frozen=True)
class Term:
    """One code of a vocabulary and how a reader sees it; order is its place in the table."""

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
    {"code": "deployment_announcement", "label": "Deployment announced", "symbol": "△"},
    {"code": "deployment", "label": "Deployment", "symbol": "▲"},
    {"code": "strike", "label": "Strike", "symbol": "✸"},
    {"code": "exercise", "label": "Military exercise", "symbol": "◎"},
    {"code": "agreement", "label": "Agreement or treaty", "symbol": "■"},
    {"code": "accession", "label": "Joining an alliance", "symbol": "✚"},
    {"code": "statement", "label": "Statement", "symbol": "◆"},
    {"code": "incident", "label": "Incident", "symbol": "!"},
    {"code": "fortification", "label": "Border fortification", "symbol": "▰"},
    colours=KIND_COLOURS,
)
STATUS_TERMS = _table(
    {
        "code": "announced",
        "label": "Announced",
        "description": "said to be planned; not yet seen happening",
    },
    {
        "code": "reported",
        "label": "Reported",
        "description": "reported by media or officials, not confirmed",
    },
    {
        "code": "confirmed",
        "label": "Confirmed",
        "description": "confirmed by the parties or independently",
    },
    {
        "code": "disputed",
        "label": "Disputed",
        "description": "sources disagree about what happened",
    },
    {"code": "denied", "label": "Denied", "description": "a party named in the claim denies it"},
)
AFFILIATION_TERMS = _table(
    {"code": "independent", "label": "Independent media"},
    {"code": "public_broadcaster", "label": "Public broadcaster"},
    {"code": "state_media", "label": "State media"},
    {"code": "government", "label": "Government"},
    {"code": "think_tank", "label": "Think tank"},
    {"code": "wire", "label": "News agency"},
    {"code": "unknown", "label": "Affiliation unknown"},
)
# What a source does with the claim, in the order a report page lists them; the label is the
# heading of its group.
STANCE_TERMS = _table(
    {"code": "claim", "label": "The claim"},
    {"code": "relays", "label": "Reported by"},
    {"code": "confirms", "label": "Confirmed by"},
    {"code": "disputes", "label": "Disputed by"},
    {"code": "denies", "label": "Denied by"},
    {"code": "context", "label": "Background"},
)
PRECISION_TERMS = _table(
    {"code": "site", "label": "A site"},
    {"code": "city", "label": "A city"},
    {"code": "region", "label": "A region"},
    {"code": "country", "label": "A country"},
)
ALLIANCE_TERMS = _table(
    {"code": "NATO", "label": "NATO"},
    {"code": "CSTO", "label": "CSTO"},
    {"code": "UNION-STATE", "label": "Russia–Belarus Union State"},
)
# How a country is coloured by its alliances on a day (the first that applies: see atlas.py).
BLOC_TERMS = _table(
    {"code": "nato", "label": "NATO member"},
    {"code": "union-state", "label": "Russia–Belarus Union State (also CSTO)"},
    {"code": "csto", "label": "CSTO member"},
    {"code": "csto-frozen", "label": "CSTO member, participation frozen"},
    {"code": "none", "label": "In none of these alliances"},
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
