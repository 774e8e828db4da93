"""The data a running app serves: reports, geodata and the built map, loaded together."""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

from webmap.catalog.datafiles import file_problem
from webmap.catalog.index_cache import cached_index, file_digest
from webmap.catalog.report_index import IndexBuilder, ReportIndex, ReportList, ReportsById
from webmap.geo.atlas import LAYER_FILES, Atlas, AtlasError, load_atlas
from webmap.geo.ranges import ring_features
from webmap.record.model import Problem, ReportError
from webmap.record.reports_file import REPORTS_FILE, read_reports_into
from webmap.record.stories import STORIES_DIR, Story, load_stories
from webmap.render.mapview import MapParts, build_map

log = logging.getLogger(__name__)
# What /healthz and the 503 page say, whatever the details (those go to the log).
REASONS = {
    "data": "the data files have problems",
    "read": "a data file could not be read",
    "other": "the data could not be loaded",
    "slow": "loading the data took too long",
}


@dataclass
class DataStore:
    """Everything loaded from one data directory; `error` says why loading failed, if it did."""

    data_dir: Path
    atlas: Atlas | None = None
    index: ReportIndex = field(default_factory=lambda: IndexBuilder().build())
    map_parts: MapParts | None = None
    layer_json: dict[str, bytes] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)
    story_problems: list[Problem] = field(default_factory=list)
    version: str = ""
    map_digest: str = ""  # of the map's script, which is served under it
    # The previous data's script by its digest, for pages rendered just before a reload.
    older_scripts: dict[str, str] = field(default_factory=dict)
    error: str = ""  # every detail, for the log only
    reason: str = ""  # a few generic words, for /healthz and the 503 page

    @property
    def reports(self) -> ReportList:
        """Every report in id order, each built when it is read."""
        return ReportList(self.index)

    @property
    def by_id(self) -> ReportsById:
        """Every report by id, each built when it is looked up."""
        return ReportsById(self.index)


def data_files(data_dir: Path) -> list[str]:
    """Return the names (relative to data_dir) of every file the map is built from, sorted."""
    names = [REPORTS_FILE, "alliances.json", "publishers.json", *LAYER_FILES.values()]
    names += [f"{STORIES_DIR}/{p.name}" for p in (data_dir / STORIES_DIR).glob("*.json")]
    return sorted(names)


def data_version(data_dir: Path, reports_digest: str | None = None) -> str:
    """Return a short fingerprint of the data files, so a reader can tell which data is live."""
    digest = hashlib.sha256()
    for name in data_files(data_dir):
        path = data_dir / name
        if name == REPORTS_FILE and reports_digest is not None:
            digest.update(name.encode() + b"\0" + reports_digest.encode())
        elif path.exists():
            digest.update(name.encode() + b"\0" + file_digest(path).encode())
    return digest.hexdigest()[:12]


def read_index(path: Path) -> ReportIndex:
    """Read and check a reports file into an index; raise ReportError on errors."""
    builder = IndexBuilder()
    read_reports_into(path, builder)
    return builder.build()


def check_file_kinds(data_dir: Path) -> None:
    """Raise ReportError if a data file is a FIFO, a device, or a link out of data_dir."""
    problems = [
        Problem(str(data_dir / name), "-", "file", why)
        for name in data_files(data_dir)
        if (why := file_problem(data_dir / name, data_dir))
    ]
    if problems:
        raise ReportError(problems)


def load_store(
    data_dir: Path,
    tiles: str = "none",
    static_prefix: str = "/static/",
    cache_dir: Path | None = None,
) -> DataStore:
    """Load reports and geodata from data_dir and build the map; record the error if any.

    Never raises: any failure at all is recorded in `error` (the details, for the log) and
    `reason` (a few generic words, for strangers). With cache_dir, the checked reports are
    cached there, so the next start is quick.
    """
    store = DataStore(data_dir=Path(data_dir))
    try:
        _load_into(store, tiles, static_prefix, cache_dir)
    except (ReportError, AtlasError) as exc:
        store.error, store.reason = str(exc), REASONS["data"]
    except OSError as exc:
        log.exception("A data file could not be read")
        store.error, store.reason = f"{type(exc).__name__}: {exc}", REASONS["read"]
    except Exception as exc:  # anything at all: the server stays up and says so
        log.exception("Loading the map data failed")
        store.error, store.reason = f"{type(exc).__name__}: {exc}", REASONS["other"]
    return store


def _load_into(store: DataStore, tiles: str, static_prefix: str, cache_dir: Path | None) -> None:
    """Fill store from its data directory; raise on any failure."""
    check_file_kinds(store.data_dir)
    reports_path = store.data_dir / REPORTS_FILE
    digest = file_digest(reports_path)
    store.index = cached_index(digest, lambda: read_index(reports_path), cache_dir)
    store.atlas = load_atlas(store.data_dir)
    store.stories, store.story_problems = load_stories(
        store.data_dir, set(store.index.ids.tolist())
    )
    store.map_parts = build_map(store.atlas, tiles=tiles, static_prefix=static_prefix)
    store.map_digest = hashlib.sha256(store.map_parts.script.encode()).hexdigest()[:16]
    store.layer_json = {
        name: json.dumps(store.atlas.layer_geojson(name), separators=(",", ":")).encode()
        for name in LAYER_FILES
    }
    ranged = [store.index.report(i) for i in store.index.columns["ranged"].nonzero()[0]]
    store.layer_json["ranges"] = json.dumps(ring_features(ranged)).encode()
    store.version = data_version(store.data_dir, digest)
