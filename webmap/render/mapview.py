"""Build the folium map (basemap, occupied areas, cities, layer control) from the atlas."""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import folium
import xyzservices
from branca.element import Element, MacroElement
from folium.utilities import JsCode
from jinja2 import Template

from webmap.catalog.derived import fold_table
from webmap.geo.atlas import Atlas
from webmap.record.dates import written_date
from webmap.record.languages import N_
from webmap.render.assets import use_vendored_assets
from webmap.render.bundle import bundle, take_head_scripts, take_head_stylesheets
from webmap.render.palette import LAND_OUTLINE
from webmap.render.styles import client_styles

CENTRE = (54.0, 27.0)  # [lat, lon]: Belarus, between Moscow and Berlin
ZOOM_START = 5
MIN_ZOOM, MAX_ZOOM = 3, 12
CLOSEUP_ZOOM = 6
ATTRIBUTION = N_(
    "Borders as internationally recognised: Natural Earth · Cities: GeoNames (CC BY 4.0)"
)
# What an area of Ukraine was, from each date on; the browser picks the phase of the day shown.
AREA_PHASE_TEXT = {
    "partly": N_("Ukraine; parts occupied by Russia since %(date)s"),
    "occupied": N_("Ukraine, occupied by Russia since %(date)s"),
    "claimed": N_("Ukraine; Russia claimed to annex it on %(date)s (parts are occupied)"),
}


class TileProviderError(ValueError):
    """Raised when WEBMAP_TILES names a tile provider that xyzservices does not know."""


@dataclass(frozen=True)
class MapParts:
    """The rendered pieces of the folium page: head tags, body HTML and the map's script."""

    header: str
    html: str
    script: str
    country_style: dict[str, Any]
    stylesheets: tuple[str, ...] = ()  # folium's, as names under static/ (the page links them)
    image_origins: tuple[str, ...] = ()  # where map tiles come from, for the page's CSP


class _Handoff(MacroElement):
    """Expose folium's map, layer control and country layer to our own static JavaScript."""

    _template = Template(
        """{% macro script(this, kwargs) %}
window.webmapFolium = {
  map: {{ this.map.get_name() }},
  control: {{ this.control.get_name() }},
  countries: {{ this.countries.get_name() }},
  later: [{% for layer in this.later %}{{ layer.get_name() }}{{ "," if not loop.last }}{% endfor %}]
};
{% endmacro %}"""
    )

    def __init__(
        self,
        map_: folium.Map,
        control: folium.LayerControl,
        countries: folium.GeoJson,
        later: list[folium.Layer],
    ):
        super().__init__()
        self.map, self.control, self.countries, self.later = map_, control, countries, later


def tile_layer(name: str) -> folium.TileLayer | None:
    """Return the tile layer for a WEBMAP_TILES value, or None for 'none' (vector basemap only)."""
    if not name or name.lower() == "none":
        return None
    try:
        provider = xyzservices.providers.query_name(name)
    except ValueError:
        raise TileProviderError(
            f"WEBMAP_TILES={name!r} is not a tile provider we know; use 'none' (no tiles, "
            "works offline) or a name such as 'OpenStreetMap.Mapnik'"
        ) from None
    return folium.TileLayer(
        tiles=provider.build_url(),
        attr=provider.html_attribution,
        name=f"Online map tiles ({provider.name})",
        max_zoom=provider.get("max_zoom", 18),
        overlay=False,
    )


def text_tooltip(fields: list[str], **options: Any) -> JsCode:
    """Return an onEachFeature function that shows properties as plain text (never as HTML).

    The text is built when the tooltip opens, so properties changed later (a country's bloc on
    another date) show up.
    """
    return JsCode(
        f"""function (feature, layer) {{
  layer.bindTooltip(function () {{
    const box = document.createElement("div");
    for (const key of {json.dumps(fields)}) {{
      const line = document.createElement("div");
      const value = layer.feature.properties[key];
      line.textContent = value === undefined || value === null ? "" : String(value);
      box.appendChild(line);
    }}
    return box;
  }}, {json.dumps({"className": "map-tooltip", **options})});
}}"""
    )


def area_phases(
    props: dict[str, Any], gettext: Callable[[str], str] = str, lang: str = "en"
) -> list[dict[str, str]]:
    """Return an occupied or claimed area's phases in date order: {from, state, label}."""
    phases = []
    partly = props.get("partly_occupied_since")
    if partly and props["status"] == "claimed":
        phases.append({"from": partly, "state": "partly"})
    phases.append({"from": props["since"], "state": props["status"]})
    for phase in phases:
        words = gettext(AREA_PHASE_TEXT[phase["state"]])
        phase["label"] = words % {"date": written_date(phase["from"], lang)}
    return sorted(phases, key=lambda phase: phase["from"])


def _occupied_layers(
    atlas: Atlas, gettext: Callable[[str], str] = str, lang: str = "en"
) -> folium.FeatureGroup:
    """Return the occupied and claimed areas of Ukraine, hatched by our script for the day shown."""
    # Added to the map by our script once the markers are drawn (show=False keeps it off until
    # then), so the first thing a reader sees is the reports.
    group = folium.FeatureGroup(name=gettext("Occupied or claimed areas of Ukraine"), show=False)
    data = atlas.layer_geojson("occupied")
    for feature in data["features"]:
        props = feature["properties"]
        props["phases"] = area_phases(props, gettext, lang)
        props["name"] = (props.pop("names", None) or {}).get(lang) or props["name"]
        feature["properties"]["label"] = feature["properties"]["phases"][-1]["label"]
    folium.GeoJson(
        data,
        name="areas",
        control=False,
        className="area",
        style_function=lambda _f: {"color": "#6b0f1a", "weight": 1, "fillOpacity": 1},
        on_each_feature=text_tooltip(["name", "label"], sticky=True),
    ).add_to(group)
    return group


def build_map(
    atlas: Atlas,
    tiles: str = "none",
    static_prefix: str = "/static/",
    gettext: Callable[[str], str] = str,
    lang: str = "en",
) -> MapParts:
    """Build the folium map and return its rendered head tags, body HTML and script.

    gettext and lang: the language of the layer names and the occupied areas' words.
    """
    fmap = folium.Map(
        location=CENTRE,
        zoom_start=ZOOM_START,
        tiles=None,
        control_scale=True,
        minZoom=MIN_ZOOM,
        maxZoom=MAX_ZOOM,
        zoomSnap=0.5,
    )
    tile = tile_layer(tiles)
    if tile is not None:
        tile.add_to(fmap)
    # The outlines are not in the page: our script loads them (cached, in parallel with the
    # reports) and colours each country by its alliance on the date shown.
    countries = folium.GeoJson(
        {"type": "FeatureCollection", "features": []},
        name=gettext("Countries by alliance"),
        on_each_feature=text_tooltip(["name", "bloc_label"], sticky=True),
        attribution=gettext(ATTRIBUTION),
    )
    countries.add_to(fmap)
    occupied = _occupied_layers(atlas, gettext, lang).add_to(fmap)
    control = folium.LayerControl(collapsed=True, position="topright")
    control.add_to(fmap)
    _Handoff(fmap, control, countries, [occupied]).add_to(fmap)
    root = fmap.get_root()
    use_vendored_assets(root, static_prefix + "vendor/")
    fix_ids(root)
    root.render()
    # folium's viewport tag forbids zooming the page (maximum-scale=1); ours in base.html allows it.
    header = re.sub(r"<meta\s+name=\"viewport\"[^>]*>", "", root.header.render())
    # No inline scripts, so the page's CSP can forbid them: folium's run first in /map.js.
    inline = re.compile(r"<script>(.*?)</script>", re.DOTALL)
    head_code = "\n".join(code.strip() for code in inline.findall(header))
    header = inline.sub("", header)
    # No inline styles either (style-src 'self'): folium's <style> blocks only size the map and
    # the page, which webmap.css does (.map-area .folium-map, .map-page).
    header = re.sub(r"<style>.*?</style>", "", header, flags=re.DOTALL)
    # Leaflet itself goes into /map.js too: the page has one script.
    header, head_files = take_head_scripts(header, static_prefix)
    header, stylesheets = take_head_stylesheets(header, static_prefix)
    country_style = {
        "color": LAND_OUTLINE,
        "weight": 0.8,
        "fillOpacity": 1.0 if tile is None else 0.45,
    }
    return MapParts(
        header=header,
        html=root.html.render(),
        script=bundle(head_files, head_code + "\n" + root.script.render()),
        country_style=country_style,
        stylesheets=stylesheets,
        image_origins=tile_origins(tile),
    )


def fix_ids(root: Element) -> None:
    """Name every element by its place in the tree instead of folium's random id.

    Every worker, and every reload of the same data, then renders the same page and script:
    a page from one worker always matches /map.js from another.
    """
    count = 0

    def walk(element: Element) -> None:
        nonlocal count
        element._id = f"w{count}"
        count += 1
        children = list(element._children.values())
        for child in children:
            walk(child)
        element._children = OrderedDict((child.get_name(), child) for child in children)

    walk(root)


def tile_origins(tile: folium.TileLayer | None) -> tuple[str, ...]:
    """Return the origins a tile layer loads images from ('{s}' subdomains as a wildcard)."""
    if tile is None:
        return ()
    parts = urlsplit(tile.tiles)
    host = re.sub(r"^\{s\}\.", "*.", parts.netloc)
    return (f"{parts.scheme}://{host}",)


def map_config(urls: dict[str, Any], gettext: Callable[[str], str] = str) -> dict[str, Any]:
    """Return the settings our map script reads: where the data is and how to draw it.

    Reports carry their derived fields and countries their bloc changes; the fold table lets
    the script fold a reader's search as the server does. The labels are in gettext's language
    (the page's), so the browser gets them ready to show.
    """
    styles = client_styles(gettext)
    return {**urls, "closeupZoom": CLOSEUP_ZOOM, **styles, "fold": fold_table()}
