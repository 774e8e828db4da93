"""The static site's manifest.json and _headers: what it holds, and how long a host may cache it."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime

MANIFEST = "manifest.json"
HEADERS_FILE = "_headers"  # read by Netlify and Cloudflare Pages; deploy/ has nginx's and S3's
FOREVER = "public, max-age=31536000, immutable"  # a file named by its content never changes
EVERY_TIME = "no-cache"  # pages, the manifest and the downloads: asked again (ETag) each time


def build_date() -> str:
    """Return when the site is built (SOURCE_DATE_EPOCH, if set, for reproducible builds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.replace(microsecond=0).isoformat().replace("+00:00", "Z")


def manifest_bytes(
    files: dict[str, tuple[int, str]], assets: dict[str, str], version: str
) -> bytes:
    """Return manifest.json: every file (its size, SHA-256), each asset's hashed name, the data.

    files: path -> (size, SHA-256); assets: logical path -> hashed path.
    """
    manifest = {
        "generator": "webmap build-site",
        "data_version": version,
        "built": build_date(),
        "assets": dict(sorted(assets.items())),
        "files": {
            path: {"size": size, "sha256": digest} for path, (size, digest) in sorted(files.items())
        },
    }
    return (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def covering_patterns(chosen: set[str], files: set[str]) -> list[str]:
    """Return URL patterns that match the chosen files and no other of files.

    A folder all of whose files are chosen is one `/folder/*`; elsewhere each chosen file is
    named, so no pattern overlaps another rule (hosts add up the headers of every match).
    """
    patterns: list[str] = []

    def walk(folder: str) -> None:
        inside = {f for f in files if f.startswith(folder)}
        if folder and inside <= chosen:
            patterns.append(f"/{folder}*")
            return
        here = sorted(f for f in inside if "/" not in f[len(folder) :])
        patterns.extend(f"/{f}" for f in here if f in chosen)
        for sub in sorted({f[len(folder) :].split("/")[0] for f in inside - set(here)}):
            walk(f"{folder}{sub}/")

    walk("")
    return patterns


def headers_file(hashed: set[str], files: set[str]) -> str:
    """Return the _headers file: hashed files cached for a year, pages and the rest no-cache."""
    lines = [
        "# Written by `webmap build-site`: cache lifetimes for Netlify and Cloudflare Pages.",
        "# Named by their content, so never changed: cached for a year.",
    ]
    for pattern in covering_patterns(hashed, files):
        lines += [pattern, f"  Cache-Control: {FOREVER}"]
    lines.append("# Pages, the manifest and the downloads: asked again every time.")
    folders = sorted({f.rpartition("/")[0] for f in files if f.endswith("index.html")})
    for pattern in ["/*.html", *(f"/{folder}/" if folder else "/" for folder in folders)]:
        lines += [pattern, f"  Cache-Control: {EVERY_TIME}"]
    lines += [f"/{MANIFEST}", f"  Cache-Control: {EVERY_TIME}"]
    if any(f.startswith("export/") for f in files):
        lines += ["/export/*", f"  Cache-Control: {EVERY_TIME}"]
    return "\n".join(lines) + "\n"
