import re
from pathlib import Path

import pytest

from webmap.assets import UnvendoredAssetError, use_vendored_assets
from webmap.atlas import load_atlas
from webmap.mapview import TileProviderError, build_map, tile_layer

ATLAS = load_atlas(Path(__file__).parent / "data")


def remote_refs(html: str) -> list[str]:
    """Return src/href values that point off the host."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    return [r for r in refs if re.match(r"^(https?:)?//", r)]


def test_map_uses_only_vendored_assets():
    parts = build_map(ATLAS)
    assert remote_refs(parts.header + parts.html) == []
    assert "/static/vendor/leaflet/leaflet.js" in parts.header
    assert "cdn" not in (parts.header + parts.script).lower()


def test_map_hands_its_objects_to_our_script():
    script = build_map(ATLAS).script
    assert "window.webmapFolium" in script
    assert re.search(r"control: layer_control_\w+", script)


def test_no_tiles_by_default_and_a_named_provider_adds_its_attribution():
    assert "tile_layer" not in build_map(ATLAS).script
    script = build_map(ATLAS, tiles="OpenStreetMap.Mapnik").script
    assert "tile.openstreetmap.org" in script
    assert "OpenStreetMap" in script and "contributors" in script


def test_unknown_tile_provider_is_explained():
    with pytest.raises(TileProviderError, match="WEBMAP_TILES='Nope.Tiles'"):
        tile_layer("Nope.Tiles")


def test_tooltips_are_text_not_html():
    script = build_map(ATLAS).script
    assert "textContent" in script
    assert "innerHTML" not in script


def test_an_unvendored_folium_asset_is_refused():
    class Widget:
        default_js = [("some_plugin", "https://cdn.example/plugin.js")]
        _children: dict = {}

    with pytest.raises(UnvendoredAssetError, match="some_plugin"):
        use_vendored_assets(Widget(), "/static/vendor/")
