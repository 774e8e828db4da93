"""One reports view, many formats: a query is parsed once and run once on the index.

The list (/reports), the API (/api/reports), the downloads (/export/reports.<fmt>) and
`webmap export --where` all answer from the same ReportResult, so they can never disagree.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from webmap.catalog.derived import with_search_text
from webmap.catalog.facets import Counts, faceted_query
from webmap.catalog.filters import Criteria, FilterError, parse_criteria
from webmap.catalog.localized import bytes_in_language
from webmap.catalog.report_index import ReportIndex
from webmap.catalog.slim import slim_chunks, slim_feature
from webmap.catalog.spellings import Spellings
from webmap.catalog.terms import with_terms
from webmap.record.exports import FORMATS, export_bytes
from webmap.record.geojson_io import dumps_feature_collection
from webmap.record.glossary import Glossary
from webmap.record.history import cached_revisions, parse_as_of, reports_as_of
from webmap.record.languages import N_
from webmap.record.model import Report
from webmap.record.names import read_names

# The query parameters that choose reports (what a download link carries over).
FILTER_PARAMS = ("from", "to", "kind", "status", "actor", "affiliation", "q", "bbox", "as_of")
AS_OF_INDEXES = 4  # past days kept as indexes (each as large as the record of that day)


@dataclass(frozen=True)
class ReportQuery:
    """Which reports a reader asked for: criteria, and the day of the record (empty: today)."""

    criteria: Criteria = field(default_factory=Criteria)
    as_of: str = ""

    @property
    def filtered(self) -> bool:
        """Tell whether this query may leave reports out or show an older record."""
        return self.criteria != Criteria() or bool(self.as_of)


def parse_query(args: Mapping[str, Sequence[str]]) -> ReportQuery:
    """Build a ReportQuery from query parameters; raise FilterError naming a bad one."""
    criteria = parse_criteria(args)
    raw = (args.get("as_of") or [""])[-1].strip()
    if not raw:
        return ReportQuery(criteria)
    try:
        return ReportQuery(criteria, parse_as_of(raw))
    except ValueError as exc:
        shown = repr(raw[:40])
        words = N_("%(value)s is not a day written YYYY-MM-DD")
        raise FilterError(str(exc), words, value=shown) from None


def filter_args(args: Mapping[str, Sequence[str]]) -> dict[str, list[str]]:
    """Return the parameters among args that choose reports, without empty values."""
    kept = {name: [v for v in args.get(name, ()) if v.strip()] for name in FILTER_PARAMS}
    return {name: values for name, values in kept.items() if values}


@dataclass(frozen=True)
class ReportResult:
    """The reports a query found: positions in an index (today's, or the as_of day's)."""

    index: ReportIndex
    positions: np.ndarray
    query: ReportQuery
    facets: Counts | None = None

    def __len__(self) -> int:
        return len(self.positions)

    @property
    def ids(self) -> list[str]:
        """Return the ids found, in id order."""
        return self.index.ids[self.positions].tolist()

    def reports(self) -> list[Report]:
        """Return the reports found as Report objects (for the formats that need them)."""
        return [self.index.report(i) for i in self.positions.tolist()]

    def feature_bytes(self) -> list[bytes]:
        """Return each report found as its stored GeoJSON Feature bytes."""
        return [self.index.feature_bytes(i) for i in self.positions.tolist()]


def run_query(
    index: ReportIndex,
    revisions: Path,
    query: ReportQuery,
    facets: bool = False,
    store: Any = None,
) -> ReportResult:
    """Run a query on the live index, or on the index of the record as of its day.

    With store (a database's StoreView), the live record's filters, bbox and search run in
    SQL and the record of a day is chosen in SQL; that day's filters run on its index.
    """
    find = None
    if query.as_of:
        past = store.index_as_of(query.as_of) if store is not None else None
        index = past if past is not None else index_as_of(revisions, query.as_of)
    elif store is not None:
        live = index
        find = lambda criteria: store.positions(live, criteria)  # noqa: E731
    if facets:
        positions, counts = faceted_query(index, query.criteria, find)
        return ReportResult(index, positions, query, counts)
    positions = find(query.criteria) if find else index.query(query.criteria)
    return ReportResult(index, positions, query)


def index_as_of(revisions: Path, day: str) -> ReportIndex:
    """Return the index of the record as it stood at the end of day (built once per log)."""
    try:
        stat = Path(revisions).stat()
    except FileNotFoundError:
        return ReportIndex.of([])
    return _index_as_of(str(revisions), stat.st_mtime_ns, stat.st_size, day)


@lru_cache(maxsize=AS_OF_INDEXES)
def _index_as_of(path: str, mtime_ns: int, size: int, day: str) -> ReportIndex:
    """Return the index of the record as of day, from the log as it was at mtime_ns and size."""
    spellings = Spellings(read_names(Path(path).parent))  # the names file beside the log
    return ReportIndex.of(reports_as_of(cached_revisions(Path(path)), day), spellings)


def collection_chunks(
    result: ReportResult,
    slim: bool = False,
    lang: str = "",
    searchable: bool = False,
    glossary: Glossary | None = None,
) -> Iterator[bytes | memoryview]:
    """Yield the result as the pieces of a FeatureCollection, with its facets if it has them.

    The stored Feature bytes go out as they are. The record as of a day keeps one Feature per
    line (as it always has); the map's light view cuts each report's sources and writes its
    dates in lang. With lang, each report's texts are in that language where it has them. With
    searchable (the static site, which has no server to ask), each carries the server's search
    text, and with a glossary the first uses of its terms (derived.terms), as a popup does.
    """
    if searchable and not (slim or result.query.as_of):
        terms = glossary or Glossary()
        texts = [result.index.text[i] for i in result.positions.tolist()]
        body = b",".join(
            with_terms(with_search_text(bytes_in_language(b, lang) if lang else b, text), terms)
            for b, text in zip(result.feature_bytes(), texts, strict=True)
        )
        chunks: Iterator = iter([b'{"type":"FeatureCollection","features":[', body, b"]}"])
    elif result.query.as_of:
        body = b",\n".join(bytes_in_language(b, lang) for b in result.feature_bytes())
        chunks = iter([b'{"type":"FeatureCollection","features":[\n', body, b"\n]}\n"])
    elif slim:
        chunks = iter(slim_chunks([slim_feature(b, lang) for b in result.feature_bytes()]))
    elif lang:
        body = b",".join(bytes_in_language(b, lang) for b in result.feature_bytes())
        chunks = iter([b'{"type":"FeatureCollection","features":[', body, b"]}"])
    else:
        chunks = result.index.feature_chunks(result.positions)
    if result.facets is None:
        yield from chunks
        return
    last = b""
    for chunk in chunks:
        if last:
            yield last
        last = chunk
    tail = bytes(last)
    end = tail.rindex(b"}")
    facets = json.dumps(result.facets, ensure_ascii=False, separators=(",", ":")).encode()
    yield tail[:end] + b',"facets":' + facets + tail[end:]


def export_file(result: ReportResult, fmt: str) -> bytes:
    """Return the result as a file in one of FORMATS (GeoJSON from the stored bytes)."""
    if fmt not in FORMATS:
        raise ValueError(f"formats: {', '.join(FORMATS)}")
    if fmt == "geojson":  # the layout of the data file: no Report objects needed
        features = [json.loads(b) for b in result.feature_bytes()]
        for feature in features:  # what the server derives for the browser is not data
            feature["properties"].pop("derived", None)
        return dumps_feature_collection(features).encode()
    return export_bytes(result.reports(), fmt)


def download_name(query: ReportQuery, fmt: str) -> str:
    """Return a download's file name; it says whether the reports were filtered, and the day."""
    name = "webmap-reports"
    if query.as_of:
        name += f"-as-of-{query.as_of}"
    if query.criteria != Criteria():
        name += "-filtered"
    return f"{name}.{fmt}"
