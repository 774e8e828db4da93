"""What the browser gets from a catalogue (map script, layer bytes, rings), rendered once per
data version, URL style and language, and kept for pages rendered just before a reload.

The map script (layer names, the occupied areas' words) and the range rings' labels are in the
page's language; the other layers' bytes are the same in every language and shared."""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass

from webmap.catalog.catalog import Catalog
from webmap.geo.atlas import LAYER_FILES
from webmap.geo.ranges import ring_features
from webmap.record.languages import DEFAULT_LANGUAGE, LANGUAGES, translator
from webmap.render.mapview import MapParts, build_map

# Renderings kept: the live data's (served and static-site URLs) and the previous, per language.
KEEP = 4 * len(LANGUAGES)


@dataclass(frozen=True)
class Renderings:
    """The rendered pieces of one catalogue: the folium map, its script's digest, the layers."""

    map_parts: MapParts
    map_digest: str  # of the map's script, which is served under it
    layer_json: dict[str, bytes]


def render(
    catalog: Catalog,
    tiles: str = "none",
    static_prefix: str = "/static/",
    lang: str = DEFAULT_LANGUAGE,
    shared_layers: dict[str, bytes] | None = None,
) -> Renderings:
    """Render a loaded catalogue's map and layers (static_prefix: where static files live).

    shared_layers: another language's layers of the same data, reused (all but the rings).
    """
    assert catalog.atlas is not None, "only a catalogue that loaded can be rendered"
    gettext = translator(lang).gettext
    parts = build_map(catalog.atlas, tiles, static_prefix, gettext, lang)
    layers = (
        dict(shared_layers)
        if shared_layers
        else {
            name: json.dumps(catalog.atlas.layer_geojson(name), separators=(",", ":")).encode()
            for name in LAYER_FILES
        }
    )
    index = catalog.index
    ranged = [index.report(i) for i in index.columns["ranged"].nonzero()[0]]
    rings = ring_features(ranged, gettext, lang)
    layers["ranges"] = json.dumps(rings, ensure_ascii=False).encode()
    digest = hashlib.sha256(parts.script.encode()).hexdigest()[:16]
    return Renderings(map_parts=parts, map_digest=digest, layer_json=layers)


class RenderingCache:
    """Renderings by (data version, tiles, static prefix, language), the most recent few kept."""

    def __init__(self, keep: int = KEEP):
        self.keep = keep
        self.kept: OrderedDict[tuple[str, str, str, str], Renderings] = OrderedDict()
        self.lock = threading.Lock()

    def get(
        self, catalog: Catalog, tiles: str, static_prefix: str, lang: str = DEFAULT_LANGUAGE
    ) -> Renderings:
        """Return the catalogue's renderings, rendering them the first time they are asked for."""
        lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
        key = (catalog.version, tiles, static_prefix, lang)
        with self.lock:  # one rendering at a time: a second request waits, then reuses it
            found = self.kept.get(key)
            if found is None:
                shared = next(
                    (r.layer_json for k, r in self.kept.items() if k[:3] == key[:3]), None
                )
                found = render(catalog, tiles, static_prefix, lang, shared)
                self.kept[key] = found
                while len(self.kept) > self.keep:
                    self.kept.popitem(last=False)
            self.kept.move_to_end(key)
            return found

    def script(self, digest: str) -> str | None:
        """Return a kept map script by its digest (None when no kept rendering has it)."""
        with self.lock:
            return next(
                (r.map_parts.script for r in self.kept.values() if r.map_digest == digest), None
            )
