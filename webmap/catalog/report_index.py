"""Every report as columns: vectorised queries, and each Feature serialised once.

The index keeps no Report objects: a report page builds its Report from the stored Feature when
asked, so memory grows with the size of the data, not with Python objects per field.
"""

from __future__ import annotations

import json
import threading
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from webmap.catalog.derived import feature_with_derived, search_text
from webmap.catalog.filters import Criteria
from webmap.catalog.spellings import Spellings
from webmap.record.model import Report, report_from_feature
from webmap.record.vocabulary import KIND_TERMS, KINDS, STATUSES, labels

# How /reports can sort: each key is turned into an integer rank once, when the index is built.
SORT_COLUMNS = ("date", "title", "kind", "status", "claimed_by", "place", "sources")
SEARCH_SAMPLE = 400  # reports a search looks at to tell rare words from common ones
CACHED_MASKS = 64  # common search words remembered as masks (one byte per report each)


def pack_strings(values: Sequence[str]) -> tuple[bytes, np.ndarray]:
    """Return the strings as one UTF-8 blob and the offsets between them."""
    encoded = [v.encode() for v in values]
    offsets = np.zeros(len(encoded) + 1, dtype=np.int64)
    np.cumsum([len(e) for e in encoded], out=offsets[1:])
    return b"".join(encoded), offsets


def unpack_strings(blob: bytes, offsets: np.ndarray) -> list[str]:
    """Return the strings that pack_strings packed."""
    view = memoryview(blob)
    bounds = offsets.tolist()
    return [str(view[a:b], "utf-8") for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _rank(values: Sequence[Any]) -> np.ndarray:
    """Return each value's dense rank (equal values share a rank)."""
    if not len(values):
        return np.zeros(0, dtype=np.int32)
    return np.unique(np.asarray(values), return_inverse=True)[1].astype(np.int32)


class _Row(NamedTuple):
    """What the index keeps of one report."""

    id: str
    start: str
    end: str
    kind: str
    status: str
    lon: float
    lat: float
    actors: tuple[str, ...]
    affiliations: tuple[str, ...]
    text: str
    feature: bytes
    title: str
    claimed_by: str
    place: str
    sources: int
    ranged: bool


class IndexBuilder:
    """Collects reports one at a time (a sink for load_reports) and builds the index."""

    def __init__(self, spellings: Spellings | None = None) -> None:
        self.rows: list[_Row] = []
        self.spellings = spellings  # the names.json spellings a search also finds

    def append(self, report: Report) -> None:
        """Keep what the index needs from one report, and let the Report object go."""
        text = search_text(report, self.spellings)
        start, end = report.span
        served = feature_with_derived(report)
        feature = json.dumps(served, ensure_ascii=False, separators=(",", ":"))
        self.rows.append(
            _Row(
                id=report.id,
                start=start,
                end=end,
                kind=report.kind,
                status=report.status,
                lon=report.lon,
                lat=report.lat,
                actors=report.actors,
                affiliations=tuple(sorted({s.affiliation for s in report.sources})),
                text=text,
                feature=feature.encode(),
                title=report.title.casefold(),
                claimed_by=report.claimed_by.casefold(),
                place=report.place.casefold(),
                sources=len(report.sources),
                ranged=report.range_km is not None,
            )
        )

    def build(self) -> ReportIndex:
        """Return the index of every report appended, in id order."""
        self.rows.sort(key=lambda row: row.id)
        rows, self.rows = self.rows, []
        col = _Row(*(zip(*rows, strict=True) if rows else [()] * len(_Row._fields)))
        features = col.feature
        blob, offsets = b",".join(features), np.zeros(len(features) + 1, dtype=np.int64)
        np.cumsum([len(f) + 1 for f in features], out=offsets[1:])
        kind_code = {code: i for i, code in enumerate(KINDS)}
        status_code = {code: i for i, code in enumerate(STATUSES)}
        kind_label = labels(KIND_TERMS)
        columns = {
            "start": np.array(col.start, dtype="datetime64[D]"),
            "end": np.array(col.end, dtype="datetime64[D]"),
            "kind": np.array([kind_code[k] for k in col.kind], dtype=np.int8),
            "status": np.array([status_code[s] for s in col.status], dtype=np.int8),
            "lon": np.array(col.lon, dtype=float),
            "lat": np.array(col.lat, dtype=float),
            "sources": np.array(col.sources, dtype=np.int32),
            "ranged": np.array(col.ranged, dtype=bool),
            "rank_title": _rank(col.title),
            "rank_claimed_by": _rank(col.claimed_by),
            "rank_place": _rank(col.place),
            "rank_kind": _rank([kind_label[k] for k in col.kind]),
        }
        return ReportIndex(
            ids=list(col.id),
            columns=columns,
            actors=_postings(col.actors),
            affiliations=_postings(col.affiliations),
            text=list(col.text),
            features=blob,
            offsets=offsets,
        )


def _postings(values: Sequence[Iterable[str]]) -> dict[str, np.ndarray]:
    """Return, per value, the positions of the reports that carry it (each report once)."""
    postings: dict[str, list[int]] = {}
    for i, items in enumerate(values):
        for item in dict.fromkeys(items):
            postings.setdefault(item, []).append(i)
    return {k: np.array(v, dtype=np.int64) for k, v in postings.items()}


class ReportIndex:
    """Columns of every report, so a query is a few array operations instead of a Python loop."""

    def __init__(
        self,
        ids: list[str],
        columns: dict[str, np.ndarray],
        actors: dict[str, np.ndarray],
        affiliations: dict[str, np.ndarray],
        text: list[str],
        features: bytes | np.ndarray,
        offsets: np.ndarray,
    ):
        self.ids = np.array(ids, dtype=str) if ids else np.zeros(0, dtype="U1")
        self.columns = columns
        self.start, self.end = columns["start"], columns["end"]
        self.lon, self.lat = columns["lon"], columns["lat"]
        self.actors = actors
        self.affiliations = affiliations
        self.text = text  # each report's searchable text, folded (filters.fold)
        # The same text in one string, each ended by NUL (which checked text never holds),
        # and where each starts: one scan looks for a rare word in all of them.
        self._blob = "".join(t + "\0" for t in text)
        self._starts = [0]
        for t in text:
            self._starts.append(self._starts[-1] + len(t) + 1)
        self._masks: OrderedDict[str, np.ndarray] = OrderedDict()  # word -> reports holding it
        self._masks_lock = threading.Lock()
        self.features = features  # every Feature, comma-separated: a whole collection's body
        self.offsets = offsets  # Feature i is features[offsets[i] : offsets[i + 1] - 1]

    @classmethod
    def of(cls, reports: Iterable[Report], spellings: Spellings | None = None) -> ReportIndex:
        """Return the index of the reports (whose search also finds spellings' names)."""
        builder = IndexBuilder(spellings)
        for report in reports:
            builder.append(report)
        return builder.build()

    def __len__(self) -> int:
        return len(self.ids)

    def position(self, report_id: str) -> int | None:
        """Return where the report with this id is, or None."""
        i = int(np.searchsorted(self.ids, report_id))
        return i if i < len(self.ids) and self.ids[i] == report_id else None

    def feature_bytes(self, i: int) -> bytes:
        """Return report i as GeoJSON Feature bytes."""
        return bytes(memoryview(self.features)[self.offsets[i] : self.offsets[i + 1] - 1])

    def report(self, i: int) -> Report:
        """Return report i as a Report, built from its stored Feature."""
        return report_from_feature(json.loads(self.feature_bytes(i)))

    def _any_of(self, postings: dict[str, np.ndarray], wanted: Sequence[str]) -> np.ndarray:
        """Return a mask of the reports that carry any wanted value."""
        mask = np.zeros(len(self), dtype=bool)
        for value in wanted:
            if value in postings:
                mask[postings[value]] = True
        return mask

    def _in(self, column: str, order: Sequence[str], wanted: Sequence[str]) -> np.ndarray:
        """Return a mask of the reports whose coded column holds any wanted value."""
        codes = [order.index(v) for v in wanted if v in order]
        return np.isin(self.columns[column], codes)

    def query(self, c: Criteria) -> np.ndarray:
        """Return the positions of the reports that meet the criteria, in id order."""
        mask = np.ones(len(self), dtype=bool)
        if c.date_from:
            mask &= self.end >= np.datetime64(c.date_from)
        if c.date_to:
            mask &= self.start <= np.datetime64(c.date_to)
        if c.kind:
            mask &= self._in("kind", KINDS, c.kind)
        if c.status:
            mask &= self._in("status", STATUSES, c.status)
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
            return self._search(np.flatnonzero(mask), c.q.split())
        return np.flatnonzero(mask)

    def _holders(self, word: str) -> list[int]:
        """Return the reports whose text holds word: one scan of the text, report by report."""
        blob, starts, found = self._blob, self._starts, []
        at = blob.find(word)
        while at != -1:
            i = bisect_right(starts, at) - 1
            found.append(i)
            at = blob.find(word, starts[i + 1])
        return found

    def _search(self, candidates: np.ndarray, words: list[str]) -> np.ndarray:
        """Return the candidates whose folded text holds every word.

        The rarest word (judged on a sample of the reports) goes first: one scan of the text
        (all of it is one string) leaves few reports for the other words. A common word is
        kept as a mask (a few dozen, most recently used), so it costs a scan only once.
        """
        count = len(self)
        text = self.text
        sample = text[:: max(1, count // SEARCH_SAMPLE)]
        share = {w: sum(w in t for t in sample) / max(len(sample), 1) for w in words}
        positions = candidates
        for word in sorted(words, key=share.__getitem__):  # the rarest first
            if not len(positions):
                break
            if share[word] > 0.25 and len(positions) > count // 4:  # common: a mask
                positions = positions[self._word_mask(word)[positions]]
            elif len(positions) == count:  # rare, and the first word: one scan
                positions = np.array(self._holders(word), dtype=np.int64)
            else:
                kept = [i for i in positions.tolist() if word in text[i]]
                positions = np.array(kept, dtype=np.int64)
        return positions

    def _word_mask(self, word: str) -> np.ndarray:
        """Return which reports' text holds word (one pass, then from the cache)."""
        with self._masks_lock:
            mask = self._masks.get(word)
            if mask is not None:
                self._masks.move_to_end(word)
                return mask
        mask = np.array([word in t for t in self.text], dtype=bool)
        with self._masks_lock:
            self._masks[word] = mask
            while len(self._masks) > CACHED_MASKS:
                self._masks.popitem(last=False)
        return mask

    def sorted_positions(self, positions: np.ndarray, by: str, descending: bool) -> np.ndarray:
        """Return positions ordered by a SORT_COLUMNS key, ties broken by id."""
        key = {
            "date": self.start,
            "status": self.columns["status"],
            "sources": self.columns["sources"],
        }.get(by)
        if key is None:
            key = self.columns[f"rank_{by}"]
        order = positions[np.lexsort((positions, key[positions]))]
        return order[::-1] if descending else order

    def feature_chunks(self, positions: np.ndarray) -> Iterator[bytes | memoryview]:
        """Yield the reports at positions as the pieces of a GeoJSON FeatureCollection."""
        yield b'{"type":"FeatureCollection","features":['
        if len(positions) == len(self):  # every report: the stored body as it is
            yield memoryview(self.features)
        else:
            view, offsets = memoryview(self.features), self.offsets.tolist()
            for n, i in enumerate(positions.tolist()):
                yield view[offsets[i] - (n > 0) : offsets[i + 1] - 1]
        yield b"]}"

    def newest_day(self) -> str:
        """Return the last day any report covers ('' with no reports)."""
        return str(self.end.max()) if len(self) else ""


class ReportList(Sequence):
    """The reports of an index as a read-only list, each built when it is read."""

    def __init__(self, index: ReportIndex):
        self.index = index

    def __len__(self) -> int:
        return len(self.index)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self.index.report(j) for j in range(len(self))[i]]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.index.report(i)


class ReportsById(Mapping):
    """The reports of an index by id, each built when it is looked up."""

    def __init__(self, index: ReportIndex):
        self.index = index

    def __len__(self) -> int:
        return len(self.index)

    def __iter__(self) -> Iterator[str]:
        return iter(self.index.ids.tolist())

    def __getitem__(self, report_id: str) -> Report:
        i = self.index.position(report_id) if isinstance(report_id, str) else None
        if i is None:
            raise KeyError(report_id)
        return self.index.report(i)
