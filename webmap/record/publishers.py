"""Publishers as data: one row per web domain, from which a source's affiliation comes."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from webmap.record.languages import N_, Message
from webmap.record.model import Problem
from webmap.record.vocabulary import AFFILIATIONS

PUBLISHERS_FILE = "publishers.json"
KINDS = ("publisher", "aggregator")  # an aggregator or mirror copies others' pages
ROW_FIELDS = ("domain", "name", "affiliation", "country", "owner", "why")
# Agencies whose copy other sites reprint; "Host (Reuters)" names one in brackets.
WIRE_NAMES = (
    "Reuters",
    "AP",
    "Associated Press",
    "AFP",
    "dpa",
    "UPI",
    "PAP",
    "BNS",
    "Agerpres",
    "Tanjug",
    "LaPresse",
    "Interfax",
    "TASS",
    "RIA",
    "Xinhua",
    "ANSA",
    "Ukrinform",
)
_WIRE_IN_BRACKETS = re.compile(
    r"\(([^()]*\b(?:" + "|".join(re.escape(w) for w in WIRE_NAMES) + r")\b[^()]*)\)"
)


@dataclass(frozen=True)
class Publisher:
    """Who runs a web domain, and what kind of publisher that makes them."""

    domain: str
    name: str
    affiliation: str
    country: str = ""
    owner: str = ""
    why: str = ""
    kind: str = "publisher"


def domain_of(url: str) -> str:
    """Return the host of url in lower case, without a leading www. or a port."""
    try:
        host = urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""
    return host.lower().removeprefix("www.")


class PublisherTable:
    """The publishers by domain; a subdomain falls back to its parent domain's row."""

    def __init__(self, rows: list[Publisher]):
        self.rows = {row.domain: row for row in rows}

    def __len__(self) -> int:
        return len(self.rows)

    def lookup(self, url: str) -> Publisher | None:
        """Return the row for url's domain (or the nearest parent domain), or None."""
        host = domain_of(url)
        while host:
            if host in self.rows:
                return self.rows[host]
            host = host.partition(".")[2] if host.count(".") > 1 else ""
        return None


def _row_problems(row: Any, number: int, path: str, seen: set[str]) -> list[Problem]:
    """Return what is wrong with one row of the table."""
    where = f"publishers[{number}]"
    if not isinstance(row, dict):
        return [Problem(path, "-", where, N_("is not an object"))]
    problems = []
    for name in ROW_FIELDS + ("kind",):
        value = row.get(name, "")
        if not isinstance(value, str):
            message = N_("%(value)s is not text", value=repr(value))
            problems.append(Problem(path, "-", f"{where}.{name}", message))
    if problems:
        return problems
    domain = row.get("domain", "")
    if not domain or domain != domain.lower() or "/" in domain or domain.startswith("www."):
        problems.append(
            Problem(
                path,
                "-",
                f"{where}.domain",
                N_("%(value)s is not a bare lowercase domain", value=repr(domain)),
            )
        )
    elif domain in seen:
        message = N_("%(value)s has two rows", value=repr(domain))
        problems.append(Problem(path, "-", f"{where}.domain", message))
    seen.add(domain)
    if not row.get("name", "").strip():
        problems.append(Problem(path, "-", f"{where}.name", N_("is empty")))
    if row.get("affiliation") not in AFFILIATIONS:
        message = N_(
            "%(value)s is not one of: %(allowed)s",
            value=repr(row.get("affiliation")),
            allowed=", ".join(AFFILIATIONS),
        )
        problems.append(Problem(path, "-", f"{where}.affiliation", message))
    if row.get("kind", "publisher") not in KINDS:
        message = N_(
            "%(value)s is not one of: %(allowed)s",
            value=repr(row.get("kind")),
            allowed=", ".join(KINDS),
        )
        problems.append(Problem(path, "-", f"{where}.kind", message))
    return problems


def read_publishers(path: Path) -> tuple[PublisherTable | None, list[Problem]]:
    """Read a publishers file; return the table (None if absent or broken) and its problems."""
    if not path.exists():
        return None, []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        message = N_("cannot be read as JSON (%(reason)s)", reason=str(exc))
        return None, [Problem(str(path), "-", "file", message)]
    rows = data.get("publishers") if isinstance(data, dict) else None
    if not isinstance(rows, list):
        return None, [Problem(str(path), "-", "publishers", N_("is not a list of rows"))]
    seen: set[str] = set()
    problems = [p for i, row in enumerate(rows, 1) for p in _row_problems(row, i, str(path), seen)]
    if problems:
        return None, problems
    table = PublisherTable([Publisher(**{k: v for k, v in row.items()}) for row in rows])
    return table, []


def load_publishers(data_dir: Path) -> PublisherTable | None:
    """Return the data folder's publisher table, or None when it has none or it is broken."""
    return read_publishers(Path(data_dir) / PUBLISHERS_FILE)[0]


def named_wire(publisher: str) -> str:
    """Return the wire a publisher's name cites in brackets ("Host (Reuters)"), or ''."""
    match = _WIRE_IN_BRACKETS.search(publisher or "")
    return match.group(1).strip() if match else ""


def source_publisher_problems(
    rid: str, index: int, source: dict[str, Any], table: PublisherTable, path: str
) -> list[Problem]:
    """Return one source's disagreements with the table (errors) and the warnings about it."""
    name = f"sources[{index}]"
    url = source.get("url") if isinstance(source.get("url"), str) else ""
    row = table.lookup(url)
    problems = []
    if row is None:
        message = N_(
            "%(value)s is not in %(file)s; add a row for its publisher",
            value=repr(domain_of(url) or url),
            file=PUBLISHERS_FILE,
        )
        problems.append(Problem(path, rid, f"{name}.url", message, "warning"))
    else:
        affiliation = source.get("affiliation") or row.affiliation  # absent: the table's
        if affiliation != row.affiliation:
            message = N_(
                "%(value)s disagrees with %(name)s (%(domain)s) in %(file)s, which is %(theirs)s",
                value=repr(affiliation),
                name=row.name,
                domain=row.domain,
                file=PUBLISHERS_FILE,
                theirs=repr(row.affiliation),
            )
            problems.append(Problem(path, rid, f"{name}.affiliation", message))
        if row.kind == "aggregator":
            why = row.why or N_("an aggregator")
            message = N_(
                "%(domain)s copies other publishers' pages (%(why)s); cite the original if you can",
                domain=row.domain,
                why=why if row.why else Message(why, {}),
            )
            problems.append(Problem(path, rid, f"{name}.url", message, "warning"))
    wire = named_wire(str(source.get("publisher") or ""))
    if wire:
        message = N_("is a reprint of %(wire)s; cite the agency's own page if you can", wire=wire)
        problems.append(Problem(path, rid, f"{name}.publisher", message, "warning"))
    return problems


def publisher_key(source: dict[str, Any], table: PublisherTable | None) -> str:
    """Return who published a source: the table's name for its domain, else its own name."""
    url = source.get("url") if isinstance(source.get("url"), str) else ""
    row = table.lookup(url) if table is not None else None
    return row.name if row else str(source.get("publisher", "")).strip()
