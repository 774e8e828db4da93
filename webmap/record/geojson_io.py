"""Read and write GeoJSON FeatureCollections safely (atomic replace, stable layout)."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def dumps_feature_collection(features: list[dict[str, Any]], indent: int | None = 2) -> str:
    """Serialise features as a FeatureCollection; compact files keep one feature per line."""
    if indent is not None:
        body = {"type": "FeatureCollection", "features": features}
        return json.dumps(body, indent=indent, ensure_ascii=False) + "\n"
    lines = [json.dumps(f, ensure_ascii=False, separators=(",", ":")) for f in features]
    return '{"type":"FeatureCollection","features":[\n' + ",\n".join(lines) + "\n]}\n"


def atomic_write_text(path: Path, text: str) -> None:
    """Write text as UTF-8 to path atomically."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write to path via a temporary file and a rename, so readers never see half a file."""
    path = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_feature_collection(
    path: Path, features: list[dict[str, Any]], indent: int | None = 2
) -> None:
    """Atomically write features to path as a GeoJSON FeatureCollection."""
    atomic_write_text(path, dumps_feature_collection(features, indent))
