"""A cache of the checked report index on disk, so a restart does not re-read every report.

The cache is named by a digest of the reports file and of the code that builds the index, so
any change to either makes a new one. It holds only numbers and text (no pickles) behind a
checksum of its content keyed with a secret of the cache folder (mode 0600), so a damaged or
planted cache is not served; one that cannot be read, or does not match, is rebuilt: the
reports file is always the source of truth.
"""

from __future__ import annotations

import hashlib
import hmac
import io
import logging
import os
import secrets
import tempfile
import time
from collections.abc import Iterable
from pathlib import Path

import numpy as np

from webmap.catalog import derived, filters, report_index, spellings
from webmap.catalog.datafiles import open_regular, read_regular
from webmap.catalog.report_index import ReportIndex, pack_strings, unpack_strings
from webmap.record import model, validation, vocabulary
from webmap.record.model import Report
from webmap.record.names import NAMES_FILE, read_names

log = logging.getLogger(__name__)
STALE_TEMP_SECONDS = 600  # a temporary cache file this old was left by a killed process
FORMAT = b"webmap-index-2"
EXPECTED_COLUMNS = (
    "start",
    "end",
    "kind",
    "status",
    "lon",
    "lat",
    "sources",
    "ranged",
    "rank_title",
    "rank_claimed_by",
    "rank_place",
    "rank_kind",
)


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
    with os.fdopen(open_regular(path), "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def cache_key(reports_digest: str) -> str:
    """Return the cache's name for a reports file digest and this version of the code."""
    digest = hashlib.sha256(FORMAT + reports_digest.encode())
    for module in (model, validation, vocabulary, derived, filters, report_index, spellings):
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


def _key(cache_dir: Path) -> bytes:
    """Return this cache folder's secret key (made on first use, readable by its owner only)."""
    path = cache_dir / "key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = read_regular(path)
    else:
        key = secrets.token_bytes(32)
        with os.fdopen(fd, "wb") as out:
            out.write(key)
    if len(key) != 32:
        raise ValueError("the cache key is damaged")
    return key


def _checksum(key: bytes, payload: bytes) -> bytes:
    """Return the keyed checksum that a cache file carries of its own content."""
    return hmac.new(key, FORMAT + b"\0" + payload, hashlib.sha256).hexdigest().encode()


def save(index: ReportIndex, path: Path) -> None:
    """Write the index to path atomically, with a keyed checksum of its content in front."""
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
    buffer = io.BytesIO()
    np.savez(buffer, **arrays)
    payload = buffer.getvalue()
    header = FORMAT + b" " + _checksum(_key(path.parent), payload) + b"\n"
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(header + payload)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> ReportIndex:
    """Read an index that save wrote; raise ValueError if its checksum or shape is wrong."""
    data = read_regular(path)
    header, _, payload = data.partition(b"\n")
    expected = FORMAT + b" " + _checksum(_key(path.parent), payload)
    if not hmac.compare_digest(header, expected):
        raise ValueError("its checksum does not match its content")
    with np.load(io.BytesIO(payload), allow_pickle=False) as arrays:
        columns = {
            name[len("col_") :]: arrays[name] for name in arrays.files if name.startswith("col_")
        }
        index = ReportIndex(
            ids=unpack_strings(arrays["ids"].tobytes(), arrays["ids_offsets"]),
            columns=columns,
            actors=_postings_from("actors", arrays),
            affiliations=_postings_from("affiliations", arrays),
            text=unpack_strings(arrays["text"].tobytes(), arrays["text_offsets"]),
            features=arrays["features"].tobytes(),
            offsets=arrays["offsets"],
        )
    _check_shape(index)
    return index


def _check_shape(index: ReportIndex) -> None:
    """Raise ValueError unless every column has one row per report and the offsets add up."""
    count, offsets = len(index.ids), index.offsets
    if len(offsets) != count + 1 or len(index.text) != count:
        raise ValueError("its columns do not have one row per report")
    if any(len(column) != count for column in index.columns.values()):
        raise ValueError("its columns do not have one row per report")
    if count and (np.any(np.diff(offsets) < 1) or offsets[0] != 0):
        raise ValueError("its offsets are not in order")
    if count and offsets[-1] != len(index.features) + 1:
        raise ValueError("its offsets do not match its features")
    if set(index.columns) != set(EXPECTED_COLUMNS):
        raise ValueError("it does not have the expected columns")


def cached_index(reports_digest: str, build, cache_dir: Path | None) -> ReportIndex:
    """Return the index from the cache when it holds this data, else build it and cache it.

    A cache whose checksum or shape does not match is ignored and written again.
    """
    if cache_dir is None:
        return build()
    path = cache_dir / f"reports-{cache_key(reports_digest)}.npz"
    if path.exists():
        try:
            index = load(path)
            path.touch()  # recently used: kept when older caches are pruned
            return index
        except Exception as exc:  # any damage at all: the reports file decides
            log.warning("Ignoring a damaged index cache %s (%s); rebuilding it", path, exc)
    index = build()
    try:
        save(index, path)
        _prune(cache_dir, keep=path)
    except (OSError, ValueError) as exc:
        log.warning("Could not write the index cache %s: %s", path, exc)
    return index


def _prune(cache_dir: Path, keep: Path, most: int = 8) -> None:
    """Delete all but the most recently used caches, and temporary files of killed writes."""
    caches = sorted(cache_dir.glob("reports-*.npz"), key=lambda p: p.stat().st_mtime)
    for old in caches[:-most]:
        if old != keep:
            old.unlink(missing_ok=True)
    for tmp in cache_dir.glob(".reports-*.npz.*"):
        if time.time() - tmp.stat().st_mtime > STALE_TEMP_SECONDS:  # not one being written
            tmp.unlink(missing_ok=True)


def index_digest(data_dir: Path, reports_digest: str) -> str:
    """Return what the index of a data folder is built from: its reports and its names file."""
    return f"{reports_digest}:{file_digest(Path(data_dir) / NAMES_FILE)}"


def warm(reports_path: Path, reports: Iterable[Report], cache_dir: Path | None) -> None:
    """Cache the index of reports just written to reports_path, so the map starts quickly."""
    data_dir = reports_path.parent
    digest = index_digest(data_dir, file_digest(reports_path))
    names = spellings.Spellings(read_names(data_dir))
    cached_index(digest, lambda: ReportIndex.of(reports, names), cache_dir)
