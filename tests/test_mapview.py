import hashlib
import json
import re
from pathlib import Path

import pytest

from webmap.geo.atlas import load_atlas
from webmap.render.assets import UnvendoredAssetError, use_vendored_assets
from webmap.render.bundle import APP_SCRIPTS, ON_DEMAND_SCRIPTS, STATIC
from webmap.render.mapview import TileProviderError, build_map, tile_layer

ATLAS = load_atlas(Path(__file__).parent / "data")


def remote_refs(html: str) -> list[str]:
    """Return src/href values that point off the host."""
    refs = re.findall(r"""(?:src|href)\s*=\s*["']([^"']+)""", html)
    return [r for r in refs if re.match(r"^(https?:)?//", r)]


def test_map_uses_only_vendored_assets():
    parts = build_map(ATLAS)
    assert remote_refs(parts.header + parts.html) == []
    assert "<script" not in parts.header, "Leaflet comes inside /map.js, not from the head"
    leaflet = (STATIC / "vendor" / "leaflet" / "leaflet.js").read_text("utf-8")
    assert parts.script.index(leaflet) < parts.script.index("window.webmapFolium")
    assert "cdn" not in (parts.header + parts.html).lower()


def test_the_page_script_holds_every_part_in_dependency_order():
    script = build_map(ATLAS).script
    order = ["vendor/leaflet/leaflet.js", "the folium map", *APP_SCRIPTS]
    found = [script.index(f"/* ---- {name} ---- */") for name in order]
    assert found == sorted(found)
    for name in APP_SCRIPTS:  # each file whole, licence banner included
        assert (STATIC / name).read_text("utf-8") in script


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
    ours = script[script.index("/* ---- the folium map ---- */") :]
    ours = ours.replace((STATIC / APP_SCRIPTS[0]).read_text("utf-8"), "")  # the vendored plugin
    assert "textContent" in ours
    assert not re.search(r"\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write", ours)


def test_an_unvendored_folium_asset_is_refused():
    class Widget:
        default_js = [("some_plugin", "https://cdn.example/plugin.js")]
        _children: dict = {}

    with pytest.raises(UnvendoredAssetError, match="some_plugin"):
        use_vendored_assets(Widget(), "/static/vendor/")


def test_the_lesson_tools_are_not_in_the_first_script_but_the_page_can_load_them(client):
    """The first view carries no lesson tool; its config names each tool's script by content."""
    script = build_map(ATLAS).script
    for files in ON_DEMAND_SCRIPTS.values():
        for name in files:
            assert f"/* ---- {name} ---- */" not in script
            assert (STATIC / name).read_text("utf-8") not in script
    page = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'id="webmap-config">(.*?)</script>', page, re.S).group(1))
    assert set(config["onDemand"]) == set(ON_DEMAND_SCRIPTS)
    for name, urls in config["onDemand"].items():
        assert len(urls) == len(ON_DEMAND_SCRIPTS[name])
        for url, file in zip(urls, ON_DEMAND_SCRIPTS[name], strict=True):
            answer = client.get(url)
            assert answer.status_code == 200
            assert answer.get_data() == (STATIC / file).read_bytes()
            digest = hashlib.sha256(answer.get_data()).hexdigest()[:12]
            assert url.endswith(f"?v={digest}")  # a changed file gets a new address
