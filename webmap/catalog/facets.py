"""Facet counts: how many reports carry each value of a list filter, on the index's columns.

The count next to a choice says how many reports there would be with that choice alone ticked
in its filter and every other filter as it is: a filter's own choices do not narrow its counts
(values OR within a filter), the other filters do. The map's script counts the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np

from webmap.catalog.filters import LIST_FILTERS, Criteria
from webmap.catalog.report_index import ReportIndex
from webmap.record.vocabulary import AFFILIATIONS, KINDS, STATUSES

Counts = dict[str, dict[str, int]]  # filter -> value -> reports


def _mask(size: int, positions: np.ndarray) -> np.ndarray:
    """Return a mask with the positions set."""
    mask = np.zeros(size, dtype=bool)
    mask[positions] = True
    return mask


def faceted_query(
    index: ReportIndex,
    criteria: Criteria,
    query: Callable[[Criteria], np.ndarray] | None = None,
) -> tuple[np.ndarray, Counts]:
    """Return the positions that meet the criteria and the facet counts, from one pass.

    query finds the positions that meet criteria (default: the index's own; a database's SQL).
    """
    size = len(index)
    query = query or index.query
    unlisted = replace(criteria, **{name: () for name in LIST_FILTERS})
    rest = _mask(size, query(unlisted))  # dates, place, search: the costly part, once
    chosen = {
        name: _mask(size, query(Criteria(**{name: values})))
        for name in LIST_FILTERS
        if (values := getattr(criteria, name))
    }
    counts: Counts = {}
    for name in LIST_FILTERS:
        keep = rest.copy()
        for other, mask in chosen.items():
            if other != name:
                keep &= mask
        counts[name] = _value_counts(index, name, keep)
    found = rest
    for mask in chosen.values():
        found &= mask
    return np.flatnonzero(found), counts


def _value_counts(index: ReportIndex, name: str, keep: np.ndarray) -> dict[str, int]:
    """Return how many kept reports carry each value of one list filter (every value, even 0)."""
    if name in ("kind", "status"):
        order = KINDS if name == "kind" else STATUSES  # the index's codes
        tally = np.bincount(index.columns[name][keep], minlength=len(order)).tolist()
        return dict(zip(order, tally[: len(order)], strict=True))
    if name == "actor":
        postings = index.actors
        values = sorted(postings)
    else:
        postings = index.affiliations
        values = [*AFFILIATIONS, *sorted(set(postings) - set(AFFILIATIONS))]
    return {v: int(np.count_nonzero(keep[postings[v]])) if v in postings else 0 for v in values}
