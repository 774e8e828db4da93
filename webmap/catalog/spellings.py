"""Which names of names.json a report mentions, and all their spellings, folded for search."""

from __future__ import annotations

import re
from collections.abc import Sequence

from webmap.catalog.filters import fold
from webmap.record.names import Name


class Spellings:
    """Finds the places and systems a report's English text names, and gives every spelling.

    A name counts when one of its spellings stands as a whole word (or words) in the report's
    folded English title, summary, place or systems: "Krichev" names Krychaw, so the report is
    also found by Кричев, Крычаў, Krzyczew and Kryčevas.
    """

    def __init__(self, names: Sequence[Name] = ()):
        self.folded: list[tuple[str, ...]] = []
        owner: dict[str, int] = {}
        for i, name in enumerate(names):
            spellings = tuple(dict.fromkeys(fold(s) for s in (name.en, *name.spellings)))
            self.folded.append(spellings)
            for spelling in spellings:
                owner.setdefault(spelling, i)
        self.owner = owner
        alternatives = sorted(owner, key=lambda s: (-len(s), s))
        self.pattern = (
            re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, alternatives)) + r")(?!\w)")
            if alternatives
            else None
        )

    def __bool__(self) -> bool:
        return self.pattern is not None

    def mentioned(self, english: str) -> list[int]:
        """Return the positions (in names.json) of the names the folded English text mentions."""
        if self.pattern is None:
            return []
        return sorted({self.owner[m.group()] for m in self.pattern.finditer(english)})

    def of(self, english: str) -> list[str]:
        """Return the folded spellings of every name the folded English text mentions."""
        return [s for i in self.mentioned(english) for s in self.folded[i]]
