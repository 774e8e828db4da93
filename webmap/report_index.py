"""Vectorised filtering over many reports: numpy columns, and each Feature serialised once."""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import pandas as pd

from webmap.filters import Criteria, searchable_text
from webmap.reports import Report


class ReportIndex:
    """Columns of every report, so a query is a few array operations instead of a Python loop."""

    def __init__(self, reports: Sequence[Report]):
        self.reports = list(reports)
        spans = [r.span for r in self.reports]
        self.start = np.array([s[0] for s in spans], dtype="datetime64[D]")
        self.end = np.array([s[1] for s in spans], dtype="datetime64[D]")
        self.kind = pd.Categorical([r.kind for r in self.reports])
        self.status = pd.Categorical([r.status for r in self.reports])
        self.lon = np.array([r.lon for r in self.reports], dtype=float)
        self.lat = np.array([r.lat for r in self.reports], dtype=float)
        self.actors = self._postings([r.actors for r in self.reports])
        self.affiliations = self._postings(
            [{s.affiliation for s in r.sources} for r in self.reports]
        )
        self.text = pd.Series([searchable_text(r) for r in self.reports], dtype="string")
        self.features = [
            json.dumps(r.to_feature(), ensure_ascii=False, separators=(",", ":")).encode()
            for r in self.reports
        ]

    def _postings(self, values: list) -> dict[str, np.ndarray]:
        """Return, per value, the indices of the reports that carry it."""
        postings: dict[str, list[int]] = {}
        for i, items in enumerate(values):
            for item in items:
                postings.setdefault(item, []).append(i)
        return {k: np.array(v, dtype=np.int64) for k, v in postings.items()}

    def _any_of(self, postings: dict[str, np.ndarray], wanted: Sequence[str]) -> np.ndarray:
        """Return a mask of the reports that carry any wanted value."""
        mask = np.zeros(len(self.reports), dtype=bool)
        for value in wanted:
            if value in postings:
                mask[postings[value]] = True
        return mask

    def query(self, c: Criteria) -> np.ndarray:
        """Return the indices of the reports that meet the criteria, in report order."""
        mask = np.ones(len(self.reports), dtype=bool)
        if c.date_from:
            mask &= self.end >= np.datetime64(c.date_from)
        if c.date_to:
            mask &= self.start <= np.datetime64(c.date_to)
        if c.kind:
            mask &= np.asarray(self.kind.isin(c.kind))
        if c.status:
            mask &= np.asarray(self.status.isin(c.status))
        if c.actor:
            mask &= self._any_of(self.actors, c.actor)
        if c.affiliation:
            mask &= self._any_of(self.affiliations, c.affiliation)
        if c.bbox:
            west, south, east, north = c.bbox
            in_lon = (
                (self.lon >= west) & (self.lon <= east)
                if west <= east
                else (self.lon >= west) | (self.lon <= east)
            )
            mask &= in_lon & (self.lat >= south) & (self.lat <= north)
        if c.q:
            candidates = np.flatnonzero(mask)
            text = self.text.iloc[candidates]
            for word in c.q.split():
                text = text[text.str.contains(word, regex=False)]
            return np.asarray(text.index, dtype=np.int64)
        return np.flatnonzero(mask)

    def feature_collection(self, indices: np.ndarray) -> bytes:
        """Return the reports at indices as GeoJSON FeatureCollection bytes."""
        body = b",".join(self.features[i] for i in indices)
        return b'{"type":"FeatureCollection","features":[' + body + b"]}"
