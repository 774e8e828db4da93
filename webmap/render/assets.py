"""Point folium's and branca's asset URLs at the vendored copies, so no CDN is ever used."""

from __future__ import annotations

from branca.element import Element

# folium's asset name -> path under static/vendor/, or None when our map does not need it.
VENDORED: dict[str, str | None] = {
    "leaflet": "leaflet/leaflet.js",
    "leaflet_css": "leaflet/leaflet.css",
    # Only folium's own optional widgets use these; the map is drawn without them.
    "jquery": None,
    "bootstrap": None,
    "bootstrap_css": None,
    "glyphicons_css": None,
    "awesome_markers": None,
    "awesome_markers_font_css": None,
    "awesome_markers_css": None,
    "awesome_rotate_css": None,
}


class UnvendoredAssetError(RuntimeError):
    """Raised when folium wants a file from a CDN that we have not vendored."""


def _rewrite(assets: list[tuple[str, str]], prefix: str, owner: str) -> list[tuple[str, str]]:
    """Return assets with vendored local URLs, dropping the ones the map does not need."""
    rewritten = []
    for name, url in assets:
        if name not in VENDORED:
            raise UnvendoredAssetError(
                f"{owner} loads {name!r} from {url}; vendor it in webmap/static/vendor/ "
                "and list it in webmap.render.assets.VENDORED"
            )
        local = VENDORED[name]
        if local is not None:
            rewritten.append((name, prefix + local))
    return rewritten


def use_vendored_assets(root: Element, prefix: str) -> None:
    """Rewrite default_js/default_css of every element under root to files below prefix."""
    stack = [root]
    while stack:
        element = stack.pop()
        owner = type(element).__name__
        for attr in ("default_js", "default_css"):
            if hasattr(element, attr):
                setattr(element, attr, _rewrite(getattr(element, attr), prefix, owner))
        stack.extend(element._children.values())
