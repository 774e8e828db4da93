"""A cache of the checked report index on disk, so a restart does not re-read every report.

The cache is named by a digest of the reports file and of the code that builds the index, so
any change to either makes a new one. It holds only numbers and text (no pickles), and a cache
that cannot be read or written is ignored: the reports file is always the source of truth.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from webmap import filters, report_index, reports
from webmap.report_index import ReportIndex, pack_strings, unpack_strings
from webmap.reports import Report

log = logging.getLogger(__name__)
FORMAT = b"webmap-index-1"


def default_cache_dir() -> Path:
    """Return where caches go: $WEBMAP_CACHE_DIR, else the user's cache folder."""
    explicit = os.environ.get("WEBMAP_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "webmap"


def file_digest(path: Path) -> str:
    """Return the SHA-256 of a file ('' if it does not exist)."""
    if not path.exists():
        return ""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def cache_key(reports_digest: str) -> str:
    """Return the cache's name for a reports file digest and this version of the code."""
    digest = hashlib.sha256(FORMAT + reports_digest.encode())
    for module in (reports, filters, report_index):
        digest.update(Path(module.__file__).read_bytes())
    return digest.hexdigest()[:32]


def _postings_arrays(name: str, postings: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Flatten a postings dict into arrays that np.savez can store."""
    keys = sorted(postings)
    blob, offsets = pack_strings(keys)
    lengths = [len(postings[k]) for k in keys]
    bounds = np.zeros(len(keys) + 1, dtype=np.int64)
    np.cumsum(lengths, out=bounds[1:])
    flat = np.concatenate([postings[k] for k in keys]) if keys else np.zeros(0, np.int64)
    return {
        f"{name}_keys": np.frombuffer(blob, dtype=np.uint8),
        f"{name}_key_offsets": offsets,
        f"{name}_bounds": bounds,
        f"{name}_flat": flat,
    }


def _postings_from(name: str, arrays) -> dict[str, np.ndarray]:
    """Rebuild a postings dict from the arrays _postings_arrays made."""
    keys = unpack_strings(arrays[f"{name}_keys"].tobytes(), arrays[f"{name}_key_offsets"])
    bounds, flat = arrays[f"{name}_bounds"].tolist(), arrays[f"{name}_flat"]
    return {k: flat[bounds[i] : bounds[i + 1]] for i, k in enumerate(keys)}


def save(index: ReportIndex, path: Path) -> None:
    """Write the index to path atomically (a temporary file, then a rename)."""
    ids_blob, ids_offsets = pack_strings(index.ids.tolist())
    text_blob, text_offsets = pack_strings(index.text)
    arrays = {
        **{f"col_{k}": v for k, v in index.columns.items()},
        "ids": np.frombuffer(ids_blob, dtype=np.uint8),
        "ids_offsets": ids_offsets,
        "text": np.frombuffer(text_blob, dtype=np.uint8),
        "text_offsets": text_offsets,
        "features": np.frombuffer(index.features, dtype=np.uint8),
        "offsets": index.offsets,
        **_postings_arrays("actors", index.actors),
        **_postings_arrays("affiliations", index.affiliations),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            np.savez(out, **arrays)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> ReportIndex:
    """Read an index that save wrote."""
    with path.open("rb") as file, np.load(file, allow_pickle=False) as arrays:
        columns = {
            name[len("col_") :]: arrays[name] for name in arrays.files if name.startswith("col_")
        }
        return ReportIndex(
            ids=unpack_strings(arrays["ids"].tobytes(), arrays["ids_offsets"]),
            columns=columns,
            actors=_postings_from("actors", arrays),
            affiliations=_postings_from("affiliations", arrays),
            text=unpack_strings(arrays["text"].tobytes(), arrays["text_offsets"]),
            features=arrays["features"],  # used as a buffer: no copy
            offsets=arrays["offsets"],
        )


def cached_index(reports_digest: str, build, cache_dir: Path | None) -> ReportIndex:
    """Return the index from the cache when it holds this data, else build it and cache it."""
    if cache_dir is None:
        return build()
    path = cache_dir / f"reports-{cache_key(reports_digest)}.npz"
    if path.exists():
        try:
            index = load(path)
            path.touch()  # recently used: kept when older caches are pruned
            return index
        except Exception as exc:  # any damage at all: the reports file decides
            log.warning("Ignoring an unreadable index cache %s: %s", path, exc)
    index = build()
    try:
        save(index, path)
        _prune(cache_dir, keep=path)
    except OSError as exc:
        log.warning("Could not write the index cache %s: %s", path, exc)
    return index


def _prune(cache_dir: Path, keep: Path, most: int = 8) -> None:
    """Delete all but the most recently used caches, so old data does not pile up."""
    caches = sorted(cache_dir.glob("reports-*.npz"), key=lambda p: p.stat().st_mtime)
    for old in caches[:-most]:
        if old != keep:
            old.unlink(missing_ok=True)


def warm(reports_path: Path, reports: Iterable[Report], cache_dir: Path | None) -> None:
    """Cache the index of reports just written to reports_path, so the map starts quickly."""
    cached_index(file_digest(reports_path), lambda: ReportIndex.of(reports), cache_dir)
