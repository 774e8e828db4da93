"""Names of the named rivers and lakes as map labels: one point per river or lake, written into
labels.geojson (kind "water") with `names` in the map's languages where a source gives them.

Natural Earth's physical layers carry name_* fields: its 1:110m rivers (NE 5.1.2, commit
ace5fed0 of nvkelso/natural-earth-vector, geojson/ne_110m_rivers_lake_centerlines.geojson) name
the Danube in Ukrainian, Russian and Polish; its 1:50m lakes (commit 84c03995,
geojson/ne_50m_lakes.geojson) name Ladoga and the Aral Sea in Russian and Polish (that version
has no name_uk). Only these were read; CLDR has no rivers or lakes. Every other name is ours
(OUR_NAMES: the usual exonym in each language, as for the seas).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import shape

from webmap.record.languages import LANGUAGES

# English name -> {lang: name}, as Natural Earth writes them (see the module's docstring).
NATURAL_EARTH_NAMES: dict[str, dict[str, str]] = {
    "Danube": {"uk": "Дунай", "ru": "Дунай", "pl": "Dunaj"},  # ne_110m rivers, Q1653
    "Lake Ladoga": {"ru": "Ладожское озеро", "pl": "Ładoga"},  # ne_50m lakes, Q15288
    "Aral Sea": {"ru": "Аральское море", "pl": "Jezioro Aralskie"},  # ne_50m lakes, Q35883
}
# The other names: the usual exonyms in each language, written by us as the seas' names are
# (geodata/README.md: "our own compilation", CC BY 4.0), so no river or lake falls back to English.
OUR_NAMES: dict[str, dict[str, str]] = {
    "Danube": {"be": "Дунай", "lt": "Dunojus", "lv": "Donava", "et": "Doonau"},
    "Daugava": {
        "uk": "Західна Двіна",
        "ru": "Западная Двина",
        "be": "Заходняя Дзвіна",
        "pl": "Dźwina",
        "lt": "Dauguva",
        "lv": "Daugava",
        "et": "Daugava",
    },
    "Dnieper": {
        "uk": "Дніпро",
        "ru": "Днепр",
        "be": "Дняпро",
        "pl": "Dniepr",
        "lt": "Dniepras",
        "lv": "Dņepra",
        "et": "Dnepr",
    },
    "Dniester": {
        "uk": "Дністер",
        "ru": "Днестр",
        "be": "Днестр",
        "pl": "Dniestr",
        "lt": "Dniestras",
        "lv": "Dņestra",
        "et": "Dnestr",
    },
    "Don": {
        "uk": "Дон",
        "ru": "Дон",
        "be": "Дон",
        "pl": "Don",
        "lt": "Donas",
        "lv": "Dona",
        "et": "Don",
    },
    "Elbe": {
        "uk": "Ельба",
        "ru": "Эльба",
        "be": "Эльба",
        "pl": "Łaba",
        "lt": "Elbė",
        "lv": "Elba",
        "et": "Elbe",
    },
    "Oder": {
        "uk": "Одра",
        "ru": "Одер",
        "be": "Одра",
        "pl": "Odra",
        "lt": "Odra",
        "lv": "Odra",
        "et": "Oder",
    },
    "Rhine": {
        "uk": "Рейн",
        "ru": "Рейн",
        "be": "Рэйн",
        "pl": "Ren",
        "lt": "Reinas",
        "lv": "Reina",
        "et": "Rein",
    },
    "Ural": {
        "uk": "Урал",
        "ru": "Урал",
        "be": "Урал",
        "pl": "Ural",
        "lt": "Uralas",
        "lv": "Urāla",
        "et": "Uural",
    },
    "Vistula": {
        "uk": "Вісла",
        "ru": "Висла",
        "be": "Вісла",
        "pl": "Wisła",
        "lt": "Vysla",
        "lv": "Visla",
        "et": "Visla",
    },
    "Volga": {
        "uk": "Волга",
        "ru": "Волга",
        "be": "Волга",
        "pl": "Wołga",
        "lt": "Volga",
        "lv": "Volga",
        "et": "Volga",
    },
    "Aral Sea": {
        "uk": "Аральське море",
        "be": "Аральскае мора",
        "lt": "Aralo jūra",
        "lv": "Arāla jūra",
        "et": "Araali meri",
    },
    "Issyk-Kul": {
        "uk": "Іссик-Куль",
        "ru": "Иссык-Куль",
        "be": "Іссык-Куль",
        "pl": "Issyk-kul",
        "lt": "Isyk Kulis",
        "lv": "Isikuls",
        "et": "Issõkkul",
    },
    "Lake Balaton": {
        "uk": "Балатон",
        "ru": "Балатон",
        "be": "Балатон",
        "pl": "Balaton",
        "lt": "Balatonas",
        "lv": "Balatons",
        "et": "Balaton",
    },
    "Lake Constance": {
        "uk": "Боденське озеро",
        "ru": "Боденское озеро",
        "be": "Бодэнскае возера",
        "pl": "Jezioro Bodeńskie",
        "lt": "Bodeno ežeras",
        "lv": "Bodenezers",
        "et": "Bodeni järv",
    },
    "Lake Geneva": {
        "uk": "Женевське озеро",
        "ru": "Женевское озеро",
        "be": "Жэнеўскае возера",
        "pl": "Jezioro Genewskie",
        "lt": "Ženevos ežeras",
        "lv": "Ženēvas ezers",
        "et": "Genfi järv",
    },
    "Lake Ilmen": {
        "uk": "Ільмень",
        "ru": "Ильмень",
        "be": "Ільмень",
        "pl": "Ilmen",
        "lt": "Ilmenis",
        "lv": "Ilmeņa ezers",
        "et": "Ilmeni järv",
    },
    "Lake Ladoga": {
        "uk": "Ладозьке озеро",
        "be": "Ладажскае возера",
        "lt": "Ladogos ežeras",
        "lv": "Ladogas ezers",
        "et": "Laadoga järv",
    },
    "Lake Onega": {
        "uk": "Онезьке озеро",
        "ru": "Онежское озеро",
        "be": "Анежскае возера",
        "pl": "Onega",
        "lt": "Onegos ežeras",
        "lv": "Oņegas ezers",
        "et": "Äänisjärv",
    },
    "Lake Peipus": {
        "uk": "Чудське озеро",
        "ru": "Чудское озеро",
        "be": "Чудскае возера",
        "pl": "Jezioro Pejpus",
        "lt": "Peipaus ežeras",
        "lv": "Peipusa ezers",
        "et": "Peipsi järv",
    },
    "Lake Sevan": {
        "uk": "Севан",
        "ru": "Севан",
        "be": "Севан",
        "pl": "Sewan",
        "lt": "Sevanas",
        "lv": "Sevana ezers",
        "et": "Sevani järv",
    },
    "Rybinsk Reservoir": {
        "uk": "Рибінське водосховище",
        "ru": "Рыбинское водохранилище",
        "be": "Рыбінскае вадасховішча",
        "pl": "Zbiornik Rybiński",
        "lt": "Rybinsko tvenkinys",
        "lv": "Ribinskas ūdenskrātuve",
        "et": "Rõbinski veehoidla",
    },
    "Vänern": {
        "uk": "Венерн",
        "ru": "Венерн",
        "be": "Венерн",
        "pl": "Wener",
        "lt": "Venernas",
        "lv": "Vēnerns",
        "et": "Vänern",
    },
    "Vättern": {
        "uk": "Веттерн",
        "ru": "Веттерн",
        "be": "Вэтэрн",
        "pl": "Wetter",
        "lt": "Veternas",
        "lv": "Vēterns",
        "et": "Vättern",
    },
}
RIVER_MIN_ZOOM = 5  # a river's name waits until its line is long on the screen
LAKE_MIN_ZOOM = 5


def water_names(english: str) -> dict[str, str]:
    """Return a river's or lake's names in every language: Natural Earth's, else ours, else
    English."""
    found = {**OUR_NAMES.get(english, {}), **NATURAL_EARTH_NAMES.get(english, {})}
    return {lang: found.get(lang, english) for lang in LANGUAGES}


def _label_point(geometries: list[Any], kind: str) -> shapely.Point:
    """Return where a river's or lake's name goes: mid-way along its longest line, or inside
    its largest polygon."""
    if kind == "river":
        parts = [part for g in geometries for part in getattr(g, "geoms", [g])]
        longest = max(parts, key=lambda line: line.length)
        return longest.interpolate(0.5, normalized=True)
    largest = max(geometries, key=lambda polygon: polygon.area)
    return largest.representative_point()


def water_labels(data_dir: Path) -> list[dict[str, Any]]:
    """Return a label Feature (kind "water") per named river and lake of data_dir."""
    labels = []
    for name, kind, zoom in (
        ("rivers.geojson", "river", RIVER_MIN_ZOOM),
        ("lakes.geojson", "lake", LAKE_MIN_ZOOM),
    ):
        by_name: dict[str, list[Any]] = {}
        for feature in json.loads((data_dir / name).read_text("utf-8"))["features"]:
            english = feature["properties"].get("name")
            if english:
                by_name.setdefault(english, []).append(shape(feature["geometry"]))
        for english, geometries in sorted(by_name.items()):
            point = _label_point(geometries, kind)
            labels.append(
                {
                    "type": "Feature",
                    "geometry": {
                        "type": "Point",
                        "coordinates": [round(point.x, 3), round(point.y, 3)],
                    },
                    "properties": {
                        "kind": "water",
                        "water": kind,
                        "name": english,
                        "names": water_names(english),
                        "iso3": None,
                        "rank": 3,
                        "area_km2": None,
                        "min_zoom": zoom,
                    },
                }
            )
    return labels


def add_water_labels(data_dir: Path) -> None:
    """Put the rivers' and lakes' labels into data_dir/labels.geojson (replacing older ones)."""
    from webmap.record.geojson_io import write_feature_collection

    path = data_dir / "labels.geojson"
    data = json.loads(path.read_text("utf-8"))
    kept = [f for f in data["features"] if f["properties"].get("kind") != "water"]
    write_feature_collection(path, kept + water_labels(data_dir), indent=None)
