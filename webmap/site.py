"""Write the whole app as a static site that works from file:// and from any static host."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Flask

from webmap.exports import export_bytes
from webmap.links import STATIC_DATA
from webmap.web import current_store

STATIC_DIR = Path(__file__).parent / "static"


def _pages(app: Flask) -> list[tuple[str, str]]:
    """Return (URL path, output file) for every page of the site."""
    with app.app_context():
        store = current_store()
        script = f"map.{store.map_digest}.js"
        pages = [("/", "index.html"), ("/reports", "reports.html"), (f"/{script}", script)]
        pages += [(f"/reports/{r.id}", f"reports/{r.id}.html") for r in store.reports]
        pages += [(f"/stories/{s.id}", f"stories/{s.id}.html") for s in store.stories]
    return pages


def _data_script(key: str, payload: bytes) -> bytes:
    """Wrap JSON in a script that files it under key in window.webmapData."""
    return (
        b"window.webmapData = window.webmapData || {};\nwindow.webmapData["
        + json.dumps(key).encode()
        + b"] = "
        + payload
        + b";\n"
    )


def site_files(app: Flask) -> Iterable[tuple[str, Callable[[], bytes]]]:
    """Yield (relative path, function making its bytes) for every generated file."""
    client = app.test_client()

    def page(url: str) -> Callable[[], bytes]:
        def render() -> bytes:
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return response.data

        return render

    for url, out in _pages(app):
        yield out, page(url)
    for (endpoint, name), out in STATIC_DATA.items():
        url = "/api/reports" if endpoint == "api.reports" else f"/api/layers/{name}"
        yield out, lambda url=url, out=out: _data_script(out, page(url)())
    with app.app_context():
        reports = current_store().reports
    for fmt in ("geojson", "csv", "kml"):
        yield f"export/reports.{fmt}", lambda fmt=fmt: export_bytes(reports, fmt)


def build_site(app: Flask, outdir: Path, progress: Callable[[Iterable], Iterable] = iter) -> int:
    """Write the static site into outdir; return how many files were written."""
    outdir.mkdir(parents=True, exist_ok=True)
    files = list(site_files(app))
    for relative, make in progress(files):
        target = outdir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(make())
    shutil.copytree(STATIC_DIR, outdir / "static", dirs_exist_ok=True)
    return len(files)
