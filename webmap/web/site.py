"""Write the whole app as a static site that works from file:// and from any static host."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from flask import Flask

from webmap.record.exports import export_bytes
from webmap.record.languages import DEFAULT_LANGUAGE, LANGUAGES, N_
from webmap.web.data import SITE_MODE
from webmap.web.errors import current_catalog, current_renderings
from webmap.web.links import STATIC_DATA

STATIC_DIR = Path(__file__).parents[1] / "static"
MARKER = ".webmap-site"  # in every site build_site writes: it may replace that folder


SITE_ENVIRON = {SITE_MODE: True}  # what makes a request render a page of the static site


def _pages(app: Flask, lang: str = "") -> list[tuple[str, str]]:
    """Return (URL path, output file) for every page of the site (in lang's folder)."""
    query = f"?lang={lang}" if lang else ""
    with app.app_context(), app.test_request_context(f"/{query}", environ_overrides=SITE_ENVIRON):
        store = current_catalog()
        script = f"map.{current_renderings().map_digest}.js"
        pages = [("/", "index.html"), ("/reports", "reports.html"), (f"/{script}", script)]
        pages.append(("/worksheet", "worksheet.html"))
        pages.append(("/palette.css", "palette.css"))
        pages.append(("/glossary", "glossary.html"))
        pages += [(f"/reports/{r.id}", f"reports/{r.id}.html") for r in store.reports]
        pages += [(f"/stories/{s.id}", f"stories/{s.id}.html") for s in store.stories]
    return pages


def _data_script(key: str, payload: bytes, shared: bool = False) -> bytes:
    """Wrap JSON in a script that files it under key in window.webmapData.

    A shared file (a layer) is also filed under the name a language folder's page gives it
    (../data/...), so every folder's map finds it.
    """
    alias = b""
    if shared:
        alias = b"window.webmapData[" + json.dumps("../" + key).encode() + b"] = "
    return (
        b"window.webmapData = window.webmapData || {};\n"
        + alias
        + b"window.webmapData["
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
            # A fresh app context per page: Flask-Babel keeps the locale on it, and a request
            # inside a running context would reuse the first page's language.
            with app.app_context():
                response = client.get(url, environ_overrides=SITE_ENVIRON)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return response.data

        return render

    for url, out in _pages(app):
        yield out, page(url)
    with app.test_request_context(environ_overrides=SITE_ENVIRON):
        layers = set(current_renderings().layer_json)
    for (endpoint, name), out in STATIC_DATA.items():
        if endpoint == "api.layer" and name not in layers:
            continue  # a layer this data folder does not have
        url = "/api/reports" if endpoint == "api.reports" else f"/api/layers/{name}"
        shared = endpoint == "api.layer"
        yield out, lambda url=url, out=out, shared=shared: _data_script(out, page(url)(), shared)
    # Every other language in a folder of its own, laid out as the root: its pages, and the
    # reports with their texts in that language; static files, layers and downloads are shared.
    for lang in LANGUAGES:
        if lang == DEFAULT_LANGUAGE:
            continue
        for url, out in _pages(app, lang):
            yield f"{lang}/{out}", page(f"{url}?lang={lang}")
        data = STATIC_DATA[("api.reports", "")]
        yield (
            f"{lang}/{data}",
            lambda lang=lang, data=data: _data_script(data, page(f"/api/reports?lang={lang}")()),
        )
    with app.app_context():
        reports = current_catalog().reports
    for fmt in ("geojson", "csv", "kml"):
        yield f"export/reports.{fmt}", lambda fmt=fmt: export_bytes(reports, fmt)


class SiteError(Exception):
    """Raised when the site cannot be written where it was asked for."""


def build_site(app: Flask, outdir: Path, progress: Callable[[Iterable], Iterable] = iter) -> int:
    """Write the static site into outdir; return how many files were written.

    The site is written into a new folder beside outdir and moved into place only once it is
    complete, so a full disk or an error leaves no partial site. An existing outdir is
    replaced only if it is empty or a site this function wrote.
    """
    outdir = Path(outdir).absolute()
    _check_target(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}.building-"))
    try:
        os.chmod(building, 0o777 & ~_umask())  # mkdtemp makes it private; a site is shared
        files = list(site_files(app))
        for relative, make in progress(files):
            target = building / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(make())
        shutil.copytree(STATIC_DIR, building / "static", dirs_exist_ok=True)
        (building / MARKER).write_text("Written by `webmap build-site`.\n", "utf-8")
        _move_into_place(building, outdir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return len(files)


def _umask() -> int:
    """Return the process's umask."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _check_target(outdir: Path) -> None:
    """Refuse an outdir that is a file, or a folder of other things that would be lost."""
    if outdir.exists() and not outdir.is_dir():
        raise SiteError(N_("%(outdir)s is a file, not a folder", outdir=str(outdir)))
    if outdir.is_dir() and any(outdir.iterdir()) and not (outdir / MARKER).exists():
        raise SiteError(
            N_(
                "%(outdir)s is not empty and was not written by `webmap build-site`; "
                "choose a new or empty folder",
                outdir=str(outdir),
            )
        )


def _move_into_place(building: Path, outdir: Path) -> None:
    """Replace outdir (if any) with the finished site."""
    if not outdir.exists():
        building.rename(outdir)
        return
    old = outdir.with_name(f".{outdir.name}.old-{secrets.token_hex(4)}")
    outdir.rename(old)
    try:
        building.rename(outdir)
    except BaseException:
        old.rename(outdir)
        raise
    shutil.rmtree(old, ignore_errors=True)
