"""The data a running app serves: reports, geodata and the built map, loaded together."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from webmap.atlas import LAYER_FILES, Atlas, AtlasError, load_atlas
from webmap.mapview import MapParts, build_map
from webmap.ranges import ring_features
from webmap.report_index import ReportIndex
from webmap.reports import REPORTS_FILE, Problem, Report, ReportError, load_reports
from webmap.stories import STORIES_DIR, Story, load_stories


@dataclass
class DataStore:
    """Everything loaded from one data directory; `error` says why loading failed, if it did."""

    data_dir: Path
    reports: list[Report] = field(default_factory=list)
    by_id: dict[str, Report] = field(default_factory=dict)
    atlas: Atlas | None = None
    index: ReportIndex | None = None
    map_parts: MapParts | None = None
    layer_json: dict[str, bytes] = field(default_factory=dict)
    stories: list[Story] = field(default_factory=list)
    story_problems: list[Problem] = field(default_factory=list)
    version: str = ""
    error: str = ""


def data_version(data_dir: Path) -> str:
    """Return a short fingerprint of the data files, so a reader can tell which data is live."""
    digest = hashlib.sha256()
    names = [REPORTS_FILE, "alliances.json", *LAYER_FILES.values()]
    names += [f"{STORIES_DIR}/{p.name}" for p in (data_dir / STORIES_DIR).glob("*.json")]
    for name in sorted(names):
        path = data_dir / name
        if path.exists():
            digest.update(name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def load_store(data_dir: Path, tiles: str = "none", static_prefix: str = "/static/") -> DataStore:
    """Load reports and geodata from data_dir and build the map; record the error if any."""
    store = DataStore(data_dir=Path(data_dir))
    try:
        store.reports = load_reports(store.data_dir / REPORTS_FILE)
        store.atlas = load_atlas(store.data_dir)
    except (ReportError, AtlasError) as exc:
        store.error = str(exc)
        return store
    store.by_id = {r.id: r for r in store.reports}
    store.index = ReportIndex(store.reports)
    store.stories, store.story_problems = load_stories(store.data_dir, set(store.by_id))
    store.map_parts = build_map(store.atlas, tiles=tiles, static_prefix=static_prefix)
    store.layer_json = {
        name: json.dumps(store.atlas.layer_geojson(name), separators=(",", ":")).encode()
        for name in LAYER_FILES
    }
    store.layer_json["ranges"] = json.dumps(ring_features(store.reports)).encode()
    store.version = data_version(store.data_dir)
    return store
