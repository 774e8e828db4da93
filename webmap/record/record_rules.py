"""Rules across a report's sources: every source says what it says, and the status follows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from webmap.record.languages import N_, Message
from webmap.record.model import Problem, report_label
from webmap.record.publishers import PublisherTable, publisher_key, source_publisher_problems
from webmap.record.vocabulary import STANCES

# status -> (stances of which at least one source must have one, what to tell the editor)
STATUS_NEEDS = {
    "disputed": (("disputes", "denies"), N_("a source whose stance is disputes or denies")),
    "denied": (("denies",), N_("a source whose stance is denies")),
    "confirmed": (("confirms",), N_("a source whose stance is confirms (independent evidence)")),
}
MIN_CONFIRMING_PUBLISHERS = 2
# States whose own media and offices speak for their side: cited as the claimant's voice
# (claim), or relaying, disputing or denying others, never as independent confirmation.
CLAIMANT_STATES = {"RUS": "Russian", "BLR": "Belarusian"}
STATE_AFFILIATIONS = {"state_media", "government"}


def _sources(props: dict[str, Any]) -> list[dict[str, Any]]:
    """Return a report's sources that are objects."""
    sources = props.get("sources")
    return [s for s in sources if isinstance(s, dict)] if isinstance(sources, list) else []


def stance_problems(props: dict[str, Any], path: str) -> list[Problem]:
    """Return the errors of one report: a stance and what it says for every source."""
    rid = report_label(str(props.get("id") or "?"))
    problems = []
    for i, source in enumerate(_sources(props), start=1):
        if not source.get("stance"):
            message = N_("is missing; write one of: %(allowed)s", allowed=", ".join(STANCES))
            problems.append(Problem(path, rid, f"sources[{i}].stance", message))
        says = source.get("says")
        if not isinstance(says, str) or not says.strip():
            message = N_("is empty; write one sentence, in our words, of what this source states")
            problems.append(Problem(path, rid, f"sources[{i}].says", message))
    return problems


def repeated_source_problems(props: dict[str, Any], path: str) -> list[Problem]:
    """Return the errors of a page cited twice in one report (it would count twice)."""
    rid = report_label(str(props.get("id") or "?"))
    first: dict[str, int] = {}
    problems = []
    for i, source in enumerate(_sources(props), start=1):
        url = source.get("url")
        if not isinstance(url, str):
            continue
        if url in first:
            message = f"is the same page as sources[{first[url]}]; cite a page once"
            problems.append(Problem(path, rid, f"sources[{i}].url", message))
        else:
            first[url] = i
    return problems


def claimant_state_problems(
    props: dict[str, Any], path: str, table: PublisherTable
) -> list[Problem]:
    """Return the errors of Russian or Belarusian state sources cited as confirmation."""
    rid = report_label(str(props.get("id") or "?"))
    problems = []
    for i, source in enumerate(_sources(props), start=1):
        url = source.get("url") if isinstance(source.get("url"), str) else ""
        row = table.lookup(url)
        if row is None or row.affiliation not in STATE_AFFILIATIONS:
            continue
        if row.country in CLAIMANT_STATES and source.get("stance") == "confirms":
            message = (
                f"{row.name} is {CLAIMANT_STATES[row.country]} state {row.affiliation}: "
                "it speaks for its side (claim, or relays, disputes, denies), never confirms"
            )
            problems.append(Problem(path, rid, f"sources[{i}].stance", message))
    return problems


def status_problems(
    props: dict[str, Any], path: str, table: PublisherTable | None = None
) -> list[Problem]:
    """Return the errors of a status its sources do not bear out."""
    status = props.get("status")
    if status not in STATUS_NEEDS:
        return []
    rid = report_label(str(props.get("id") or "?"))
    sources = _sources(props)
    stances, needed = STATUS_NEEDS[status]
    problems = []
    if not any(s.get("stance") in stances for s in sources):
        message = N_("%(status)s needs %(needed)s", status=repr(status), needed=Message(needed, {}))
        problems.append(Problem(path, rid, "status", message))
    publishers = {publisher_key(s, table) for s in sources}
    if status == "confirmed" and len(publishers) < MIN_CONFIRMING_PUBLISHERS:
        message = N_(
            "'confirmed' needs sources from at least %(least)s publishers; it has %(count)s",
            least=MIN_CONFIRMING_PUBLISHERS,
            count=len(publishers),
        )
        problems.append(Problem(path, rid, "status", message))
    return problems


def record_problems(
    features: Iterable[Any], path: str, table: PublisherTable | None
) -> list[Problem]:
    """Return the stance, status and publisher problems of valid report features."""
    problems: list[Problem] = []
    for feature in features:
        props = feature.get("properties") if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            continue
        problems += stance_problems(props, path)
        problems += repeated_source_problems(props, path)
        problems += status_problems(props, path, table)
        if table is not None:
            problems += claimant_state_problems(props, path, table)
            rid = report_label(str(props.get("id") or "?"))
            for i, source in enumerate(_sources(props), start=1):
                problems += source_publisher_problems(rid, i, source, table, path)
    return problems
