"""Sources as a reader sees them: grouped by what they say, with a way to archived copies."""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import quote

from webmap.record.model import Source
from webmap.record.vocabulary import STANCE_HEADINGS

UNSORTED_HEADING = "Sources"  # sources whose stance is not recorded yet
WAYBACK_LOOKUP = "https://web.archive.org/web/*/"


def group_by_stance(sources: Iterable[Source]) -> list[tuple[str, list[Source]]]:
    """Return (heading, sources) in stance order; sources without a stance come last."""
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(source.stance if source.stance in STANCE_HEADINGS else "", []).append(
            source
        )
    order = [*STANCE_HEADINGS, ""]
    return [
        (STANCE_HEADINGS.get(stance, UNSORTED_HEADING), groups[stance])
        for stance in order
        if stance in groups
    ]


def is_link(url: str) -> bool:
    """Tell whether url may become a link: http(s) only."""
    return url.strip().lower().startswith(("http://", "https://"))


def archive_lookup_url(url: str) -> str:
    """Return the Wayback Machine's list of copies of url, or '' if url is not http(s)."""
    if not is_link(url):
        return ""
    return WAYBACK_LOOKUP + quote(url.strip(), safe=":/")
