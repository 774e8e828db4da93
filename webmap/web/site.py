"""Write the whole app as a static site that works from file:// and from any static host."""

from __future__ import annotations

import hashlib
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
from webmap.web.links import NAMED_LAYERS, SITE_ASSETS, STATIC_DATA
from webmap.web.site_assets import SiteAssets
from webmap.web.site_manifest import HEADERS_FILE, MANIFEST, headers_file, manifest_bytes

STATIC_DIR = Path(__file__).parents[1] / "static"
MARKER = ".webmap-site"  # in every site build_site writes: it may replace that folder


SITE_ENVIRON = {SITE_MODE: True}  # what makes a request render a page of the static site


def _pages(app: Flask, lang: str = "") -> list[tuple[str, str]]:
    """Return (URL path, output file) for every page of the site (in lang's folder)."""
    query = f"?lang={lang}" if lang else ""
    with app.app_context(), app.test_request_context(f"/{query}", environ_overrides=SITE_ENVIRON):
        store = current_catalog()
        pages = [("/", "index.html"), ("/reports", "reports.html")]
        pages.append(("/worksheet", "worksheet.html"))
        pages.append(("/glossary", "glossary.html"))
        pages += [(f"/reports/{r.id}", f"reports/{r.id}.html") for r in store.reports]
        pages += [(f"/stories/{s.id}", f"stories/{s.id}.html") for s in store.stories]
    return pages


def _generated_assets(app: Flask, lang: str = "") -> list[tuple[str, str]]:
    """Return (URL path, logical file) for what the pages of lang's folder load that we render."""
    query = f"?lang={lang}" if lang else ""
    with app.app_context(), app.test_request_context(f"/{query}", environ_overrides=SITE_ENVIRON):
        digest = current_renderings().map_digest
    # The map's script is named by its digest, which is the hash of its content.
    return [(f"/map.{digest}.js", "map.js"), ("/palette.css", "palette.css")]


def _data_script(payload: bytes) -> bytes:
    """Wrap JSON in a script that files it in window.webmapData under the URL it was loaded by.

    The file does not name itself, so its name can be the hash of its bytes; the map loads it
    by the URL its config gives (webmap-map.js, loadJson), from any language's folder.
    """
    return (
        b"(window.webmapData = window.webmapData || {})"
        b'[document.currentScript.getAttribute("src")] = ' + payload + b";\n"
    )


def site_files(
    app: Flask, assets: SiteAssets | None = None
) -> Iterable[tuple[str, Callable[[], bytes], bool]]:
    """Yield (path, function making its bytes, hashed?) for every generated file, in order.

    A hashed file is filed in assets under its logical path before the pages that link it are
    rendered (they come later), so each page links it by its hashed name.
    """
    assets = SiteAssets() if assets is None else assets
    environ = {**SITE_ENVIRON, SITE_ASSETS: assets}
    client = app.test_client()

    def page(url: str) -> Callable[[], bytes]:
        def render() -> bytes:
            # A fresh app context per page: Flask-Babel keeps the locale on it, and a request
            # inside a running context would reuse the first page's language.
            with app.app_context():
                response = client.get(url, environ_overrides=environ)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")
            return response.data

        return render

    languages = [""] + [lang for lang in LANGUAGES if lang != DEFAULT_LANGUAGE]
    # First what the pages load: layers (shared), and each language's map script, palette
    # and reports; then the pages.
    with app.test_request_context(environ_overrides=SITE_ENVIRON):
        layers = set(current_renderings().layer_json)
    for (endpoint, name), out in STATIC_DATA.items():
        if endpoint == "api.layer" and name in layers and name not in NAMED_LAYERS:
            yield out, lambda name=name: _data_script(page(f"/api/layers/{name}")()), True
    for lang in languages:
        folder, query = (f"{lang}/", f"?lang={lang}") if lang else ("", "")
        for name in NAMED_LAYERS:  # the names in this language
            if name in layers:
                out = folder + STATIC_DATA[("api.layer", name)]
                url = f"/api/layers/{name}{query}"
                yield out, lambda url=url: _data_script(page(url)()), True
        for url, out in _generated_assets(app, lang):
            yield folder + out, page(url + query), True
        data = STATIC_DATA[("api.reports", "")]
        yield folder + data, lambda q=query: _data_script(page(f"/api/reports{q}")()), True
    # Every other language in a folder of its own, laid out as the root: its pages, and the
    # reports with their texts in that language; static files, layers and downloads are shared.
    for lang in languages:
        folder, query = (f"{lang}/", f"?lang={lang}") if lang else ("", "")
        for url, out in _pages(app, lang):
            yield folder + out, page(url + query), False
    with app.app_context():
        reports = current_catalog().reports
    for fmt in ("geojson", "csv", "kml"):  # a teacher links these by name: kept as they are
        yield f"export/reports.{fmt}", lambda fmt=fmt: export_bytes(reports, fmt), False


class SiteError(Exception):
    """Raised when the site cannot be written where it was asked for."""


def build_site(app: Flask, outdir: Path, progress: Callable[[Iterable], Iterable] = iter) -> int:
    """Write the static site into outdir; return how many pages and data files it generated.

    Every file a page loads is named by its content (site_assets.py), and the site's root gets
    manifest.json (every file, its size and SHA-256) and _headers (cache lifetimes for hosts
    that read it). The site is written into a new folder beside outdir and moved into place
    only once it is complete, so a full disk or an error leaves no partial site. An existing
    outdir is replaced only if it is empty or a site this function wrote.
    """
    outdir = Path(outdir).absolute()
    _check_target(outdir)
    outdir.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=outdir.parent, prefix=f".{outdir.name}.building-"))
    try:
        os.chmod(building, 0o777 & ~_umask())  # mkdtemp makes it private; a site is shared
        assets = SiteAssets()
        written: dict[str, tuple[int, str]] = {}  # path -> size, SHA-256

        def write(relative: str, data: bytes) -> None:
            target = building / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
            written[relative] = (len(data), hashlib.sha256(data).hexdigest())

        for relative, data in assets.add_folder(STATIC_DIR, "static").items():
            write(relative, data)
        generated = list(site_files(app, assets))
        for relative, make, hashed in progress(generated):
            data = make()
            write(assets.add(relative, data) if hashed else relative, data)
        write(MARKER, b"Written by `webmap build-site`.\n")
        write(HEADERS_FILE, headers_file(set(assets.names.values()), set(written)).encode())
        with app.app_context():
            version = current_catalog().version
        write(MANIFEST, manifest_bytes(written, assets.names, version))
        _move_into_place(building, outdir)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    return len(generated)


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
