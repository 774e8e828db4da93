"""The map page's one script: Leaflet, the folium map, marker clustering and our code, in order.

One file instead of eight: on a busy two-core machine each script costs a request and a turn of
the parser, and the markers appear sooner when all the code arrives and runs at once. Every
part keeps its licence banner; the separate files stay in static/ for reading and debugging.
The lesson tools (ON_DEMAND_SCRIPTS) stay out of it: the page loads them when first wanted.
"""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

STATIC = Path(__file__).parents[1] / "static"
# After folium's map script, in the order they depend on each other.
APP_SCRIPTS = (
    "js/webmap-i18n.js",
    "vendor/leaflet.markercluster/leaflet.markercluster.js",
    "js/webmap-core.js",
    "js/webmap-glossary.js",
    "js/webmap-map.js",
    "js/webmap-layout.js",
    "js/webmap-labels.js",
    "js/webmap-tools.js",
    "js/webmap-stories.js",
    "js/webmap.js",
    "js/webmap-projector.js",
    "js/webmap-on-demand.js",
    "js/webmap-compare-control.js",
    "js/webmap-print.js",
)
# The lesson tools, loaded when first wanted (webmap-on-demand.js): a name -> its files, in order.
ON_DEMAND_SCRIPTS = {
    "compare": ("js/webmap-compare.js",),
    "story": ("js/webmap-story-link.js", "js/webmap-story-maker.js"),
    "quiz": ("js/webmap-quiz.js",),
    "worksheet": ("js/webmap-worksheet.js",),
}
_SCRIPT_TAG = re.compile(r"<script\s+src=\"([^\"]+)\"\s*>\s*</script>\s*")
_STYLESHEET_TAG = re.compile(r"<link\s+rel=\"stylesheet\"\s+href=\"([^\"]+)\"\s*/?>\s*")


def static_file(url: str, static_prefix: str) -> Path:
    """Return the file behind a static URL (one that starts with static_prefix)."""
    if not url.startswith(static_prefix):
        raise ValueError(f"{url} is not one of our static files")
    path = (STATIC / url[len(static_prefix) :]).resolve()
    if STATIC.resolve() not in path.parents:
        raise ValueError(f"{url} is outside the static folder")
    return path


def take_head_scripts(header: str, static_prefix: str) -> tuple[str, list[Path]]:
    """Remove the script tags from folium's head; return the head and the files they loaded."""
    files = [static_file(url, static_prefix) for url in _SCRIPT_TAG.findall(header)]
    return _SCRIPT_TAG.sub("", header), files


def take_head_stylesheets(header: str, static_prefix: str) -> tuple[str, tuple[str, ...]]:
    """Remove the stylesheet links from folium's head; return the head and their static names.

    The page links them itself (map.html, through site_url), so the static site can name them
    by their content like every other file.
    """
    urls = _STYLESHEET_TAG.findall(header)
    static = STATIC.resolve()
    names = tuple(static_file(url, static_prefix).relative_to(static).as_posix() for url in urls)
    return _STYLESHEET_TAG.sub("", header), names


def _part(path: Path) -> str:
    """Return one file of the bundle, named, and ended so the next file starts cleanly."""
    name = path.relative_to(STATIC.resolve()) if path.is_relative_to(STATIC.resolve()) else path
    return f"/* ---- {name} ---- */\n{path.read_text('utf-8')}\n;\n"


def bundle(head_files: list[Path], map_script: str) -> str:
    """Return the page's script: folium's head files, its map script, then APP_SCRIPTS."""
    parts = [_part(path) for path in head_files]
    parts.append(f"/* ---- the folium map ---- */\n{map_script}\n;\n")
    parts += [_part((STATIC / name).resolve()) for name in APP_SCRIPTS]
    return "".join(parts)


@cache
def on_demand_files() -> dict[str, tuple[tuple[str, str], ...]]:
    """Return each lesson tool's files under static/ with a digest of each (for its address)."""
    return {
        name: tuple(
            (file, hashlib.sha256((STATIC / file).read_bytes()).hexdigest()[:12]) for file in files
        )
        for name, files in ON_DEMAND_SCRIPTS.items()
    }
