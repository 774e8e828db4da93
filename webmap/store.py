"""The data a running app serves: reports, geodata and the built map, loaded together."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from webmap.atlas import LAYER_FILES, Atlas, AtlasError, load_atlas
from webmap.mapview import MapParts, build_map
from webmap.reports import REPORTS_FILE, Report, ReportError, load_reports


@dataclass
class DataStore:
    """Everything loaded from one data directory; `error` says why loading failed, if it did."""

    data_dir: Path
    reports: list[Report] = field(default_factory=list)
    by_id: dict[str, Report] = field(default_factory=dict)
    atlas: Atlas | None = None
    map_parts: MapParts | None = None
    layer_json: dict[str, bytes] = field(default_factory=dict)
    version: str = ""
    error: str = ""


def data_version(data_dir: Path) -> str:
    """Return a short fingerprint of the data files, so a reader can tell which data is live."""
    digest = hashlib.sha256()
    for name in sorted([REPORTS_FILE, "alliances.json", *LAYER_FILES.values()]):
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
    store.map_parts = build_map(store.atlas, tiles=tiles, static_prefix=static_prefix)
    store.layer_json = {
        name: json.dumps(store.atlas.layer_geojson(name), separators=(",", ":")).encode()
        for name in LAYER_FILES
    }
    store.version = data_version(store.data_dir)
    return store
