"""Names of seas, cities and Ukraine's occupied areas in every language of the map.

Cities: CLDR's exemplar city names (the time-zone cities, from the PyPI package babel), matched
to our cities by the zone's English name and country; for the cities CLDR has no zone for, the
standard exonyms below (our own table). Seas and the occupied areas: our own translations, the
standard names of each language's atlases. A name a language has no entry for falls back to
the English one where it is shown.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from webmap.record.languages import LANGUAGES

# en: (uk, ru, be, pl, lt, lv, et)
_OTHERS = ("uk", "ru", "be", "pl", "lt", "lv", "et")
SEA_NAMES: dict[str, tuple[str, ...]] = {
    "Arctic Ocean": (
        "Північний Льодовитий океан",
        "Северный Ледовитый океан",
        "Паўночны Ледавіты акіян",
        "Ocean Arktyczny",
        "Arkties vandenynas",
        "Ziemeļu Ledus okeāns",
        "Põhja-Jäämeri",
    ),
    "Atlantic Ocean": (
        "Атлантичний океан",
        "Атлантический океан",
        "Атлантычны акіян",
        "Ocean Atlantycki",
        "Atlanto vandenynas",
        "Atlantijas okeāns",
        "Atlandi ookean",
    ),
    "Indian Ocean": (
        "Індійський океан",
        "Индийский океан",
        "Індыйскі акіян",
        "Ocean Indyjski",
        "Indijos vandenynas",
        "Indijas okeāns",
        "India ookean",
    ),
    "Pacific Ocean": (
        "Тихий океан",
        "Тихий океан",
        "Ціхі акіян",
        "Ocean Spokojny",
        "Ramusis vandenynas",
        "Klusais okeāns",
        "Vaikne ookean",
    ),
    "Baltic Sea": (
        "Балтійське море",
        "Балтийское море",
        "Балтыйскае мора",
        "Morze Bałtyckie",
        "Baltijos jūra",
        "Baltijas jūra",
        "Läänemeri",
    ),
    "Barents Sea": (
        "Баренцове море",
        "Баренцево море",
        "Баранцава мора",
        "Morze Barentsa",
        "Barenco jūra",
        "Barenca jūra",
        "Barentsi meri",
    ),
    "Bering Sea": (
        "Берингове море",
        "Берингово море",
        "Берынгава мора",
        "Morze Beringa",
        "Beringo jūra",
        "Beringa jūra",
        "Beringi meri",
    ),
    "Black Sea": (
        "Чорне море",
        "Чёрное море",
        "Чорнае мора",
        "Morze Czarne",
        "Juodoji jūra",
        "Melnā jūra",
        "Must meri",
    ),
    "Caspian Sea": (
        "Каспійське море",
        "Каспийское море",
        "Каспійскае мора",
        "Morze Kaspijskie",
        "Kaspijos jūra",
        "Kaspijas jūra",
        "Kaspia meri",
    ),
    "East Siberian Sea": (
        "Східносибірське море",
        "Восточно-Сибирское море",
        "Усходне-Сібірскае мора",
        "Morze Wschodniosyberyjskie",
        "Rytų Sibiro jūra",
        "Austrumsibīrijas jūra",
        "Ida-Siberi meri",
    ),
    "Kara Sea": (
        "Карське море",
        "Карское море",
        "Карскае мора",
        "Morze Karskie",
        "Karos jūra",
        "Karas jūra",
        "Kara meri",
    ),
    "Laptev Sea": (
        "Море Лаптєвих",
        "Море Лаптевых",
        "Мора Лапцевых",
        "Morze Łaptiewów",
        "Laptevų jūra",
        "Laptevu jūra",
        "Laptevite meri",
    ),
    "Mediterranean Sea": (
        "Середземне море",
        "Средиземное море",
        "Міжземнае мора",
        "Morze Śródziemne",
        "Viduržemio jūra",
        "Vidusjūra",
        "Vahemeri",
    ),
    "North Sea": (
        "Північне море",
        "Северное море",
        "Паўночнае мора",
        "Morze Północne",
        "Šiaurės jūra",
        "Ziemeļjūra",
        "Põhjameri",
    ),
    "Norwegian Sea": (
        "Норвезьке море",
        "Норвежское море",
        "Нарвежскае мора",
        "Morze Norweskie",
        "Norvegijos jūra",
        "Norvēģu jūra",
        "Norra meri",
    ),
    "Sea of Japan": (
        "Японське море",
        "Японское море",
        "Японскае мора",
        "Morze Japońskie",
        "Japonijos jūra",
        "Japānas jūra",
        "Jaapani meri",
    ),
    "Sea of Okhotsk": (
        "Охотське море",
        "Охотское море",
        "Ахоцкае мора",
        "Morze Ochockie",
        "Ochotsko jūra",
        "Ohotskas jūra",
        "Ohhoota meri",
    ),
    "Adriatic Sea": (
        "Адріатичне море",
        "Адриатическое море",
        "Адрыятычнае мора",
        "Morze Adriatyckie",
        "Adrijos jūra",
        "Adrijas jūra",
        "Aadria meri",
    ),
    "Aegean Sea": (
        "Егейське море",
        "Эгейское море",
        "Эгейскае мора",
        "Morze Egejskie",
        "Egėjo jūra",
        "Egejas jūra",
        "Egeuse meri",
    ),
    "Bay of Biscay": (
        "Біскайська затока",
        "Бискайский залив",
        "Біскайскі заліў",
        "Zatoka Biskajska",
        "Biskajos įlanka",
        "Biskajas līcis",
        "Biskaia laht",
    ),
    "Chukchi Sea": (
        "Чукотське море",
        "Чукотское море",
        "Чукоцкае мора",
        "Morze Czukockie",
        "Čiukčių jūra",
        "Čukču jūra",
        "Tšuktši meri",
    ),
    "Gulf of Bothnia": (
        "Ботнічна затока",
        "Ботнический залив",
        "Батнічны заліў",
        "Zatoka Botnicka",
        "Botnijos įlanka",
        "Botnijas līcis",
        "Botnia laht",
    ),
    "Ionian Sea": (
        "Іонічне море",
        "Ионическое море",
        "Іанічнае мора",
        "Morze Jońskie",
        "Jonijos jūra",
        "Jonijas jūra",
        "Joonia meri",
    ),
    "Irish Sea": (
        "Ірландське море",
        "Ирландское море",
        "Ірландскае мора",
        "Morze Irlandzkie",
        "Airijos jūra",
        "Īrijas jūra",
        "Iiri meri",
    ),
    "Sea of Azov": (
        "Азовське море",
        "Азовское море",
        "Азоўскае мора",
        "Morze Azowskie",
        "Azovo jūra",
        "Azovas jūra",
        "Aasovi meri",
    ),
    "Tyrrhenian Sea": (
        "Тірренське море",
        "Тирренское море",
        "Тырэнскае мора",
        "Morze Tyrreńskie",
        "Tirėnų jūra",
        "Tirēnu jūra",
        "Türreeni meri",
    ),
    "White Sea": (
        "Біле море",
        "Белое море",
        "Белае мора",
        "Morze Białe",
        "Baltoji jūra",
        "Baltā jūra",
        "Valge meri",
    ),
    "Gulf of Finland": (
        "Фінська затока",
        "Финский залив",
        "Фінскі заліў",
        "Zatoka Fińska",
        "Suomijos įlanka",
        "Somu līcis",
        "Soome laht",
    ),
    "Gulf of Riga": (
        "Ризька затока",
        "Рижский залив",
        "Рыжскі заліў",
        "Zatoka Ryska",
        "Rygos įlanka",
        "Rīgas līcis",
        "Liivi laht",
    ),
}

# Cities CLDR names no time zone after: standard exonyms (our table), by English name.
CITY_NAMES: dict[str, tuple[str, ...]] = {
    "Brest": ("Брест", "Брест", "Брэст", "Brześć", "Brestas", "Bresta", "Brest"),
    "Gdańsk": ("Гданськ", "Гданьск", "Гданьск", "Gdańsk", "Gdanskas", "Gdaņska", "Gdańsk"),
    "Murmansk": (
        "Мурманськ",
        "Мурманск",
        "Мурманск",
        "Murmańsk",
        "Murmanskas",
        "Murmanska",
        "Murmansk",
    ),
    "Saint Petersburg": (
        "Санкт-Петербург",
        "Санкт-Петербург",
        "Санкт-Пецярбург",
        "Petersburg",
        "Sankt Peterburgas",
        "Sanktpēterburga",
        "Peterburi",
    ),
    "Dnipro": ("Дніпро", "Днепр", "Дняпро", "Dniepr", "Dnipras", "Dņipro", "Dnipro"),
    "Kharkiv": ("Харків", "Харьков", "Харкаў", "Charków", "Charkivas", "Harkiva", "Harkiv"),
    "Lviv": ("Львів", "Львов", "Львоў", "Lwów", "Lvivas", "Ļviva", "Lviv"),
    "Odesa": ("Одеса", "Одесса", "Адэса", "Odessa", "Odesa", "Odesa", "Odessa"),
    "Sevastopol": (
        "Севастополь",
        "Севастополь",
        "Севастопаль",
        "Sewastopol",
        "Sevastopolis",
        "Sevastopole",
        "Sevastoopol",
    ),
    "Astana": ("Астана", "Астана", "Астана", "Astana", "Astana", "Astana", "Astana"),
    "Ankara": ("Анкара", "Анкара", "Анкара", "Ankara", "Ankara", "Ankara", "Ankara"),
    "Bern": ("Берн", "Берн", "Берн", "Berno", "Bernas", "Berne", "Bern"),
    "Washington": (
        "Вашингтон",
        "Вашингтон",
        "Вашынгтон",
        "Waszyngton",
        "Vašingtonas",
        "Vašingtona",
        "Washington",
    ),
    "Ottawa": ("Оттава", "Оттава", "Атава", "Ottawa", "Otava", "Otava", "Ottawa"),
    "Beijing": ("Пекін", "Пекин", "Пекін", "Pekin", "Pekinas", "Pekina", "Peking"),
    "Delhi": ("Делі", "Дели", "Дэлі", "Delhi", "Delis", "Deli", "Delhi"),
}

# Ukraine's occupied and claimed areas (occupied.geojson), by ISO 3166-2 code.
AREA_NAMES: dict[str, tuple[str, ...]] = {
    "UA-09": (
        "Луганська область",
        "Луганская область",
        "Луганская вобласць",
        "obwód ługański",
        "Luhansko sritis",
        "Luhanskas apgabals",
        "Luhanski oblast",
    ),
    "UA-14": (
        "Донецька область",
        "Донецкая область",
        "Данецкая вобласць",
        "obwód doniecki",
        "Donecko sritis",
        "Doneckas apgabals",
        "Donetski oblast",
    ),
    "UA-23": (
        "Запорізька область",
        "Запорожская область",
        "Запарожская вобласць",
        "obwód zaporoski",
        "Zaporižios sritis",
        "Zaporižjas apgabals",
        "Zaporižžja oblast",
    ),
    "UA-65": (
        "Херсонська область",
        "Херсонская область",
        "Херсонская вобласць",
        "obwód chersoński",
        "Chersono sritis",
        "Hersonas apgabals",
        "Hersoni oblast",
    ),
    "UA-43": ("Крим", "Крым", "Крым", "Krym", "Krymas", "Krima", "Krimm"),
    "UA-40": (
        "Севастополь",
        "Севастополь",
        "Севастопаль",
        "Sewastopol",
        "Sevastopolis",
        "Sevastopole",
        "Sevastoopol",
    ),
}


def _named(english: str, others: tuple[str, ...]) -> dict[str, str]:
    """Return {lang: name} for the English name and the others in _OTHERS' order."""
    return {"en": english, **dict(zip(_OTHERS, others, strict=True))}


def sea_names(english: str) -> dict[str, str]:
    """Return a sea's names in every language (English only if it is not in the table)."""
    return _named(english, SEA_NAMES[english]) if english in SEA_NAMES else {"en": english}


def cldr_city_names(english: str, iso2: str | None) -> dict[str, str]:
    """Return a city's names from CLDR's time-zone cities, or {} when CLDR has no zone for it."""
    from babel import Locale
    from babel.core import get_global

    territories = get_global("zone_territories")
    zone = next(
        (
            z
            for z, territory in territories.items()
            if z.rsplit("/", 1)[-1].replace("_", " ") == english and territory == iso2
        ),
        None,
    )
    if zone is None:
        return {}
    names = {"en": english}
    for lang in _OTHERS:
        # A locale that has no entry writes the city as the zone's own (root) name.
        names[lang] = Locale.parse(lang).time_zones.get(zone, {}).get("city") or english
    return names


def city_names(english: str, iso2: str | None) -> dict[str, str]:
    """Return a city's names in every language: our table, else CLDR's, else English only."""
    if english in CITY_NAMES:
        return _named(english, CITY_NAMES[english])
    return cldr_city_names(english, iso2) or {"en": english}


def area_names(iso_3166_2: str, english: str) -> dict[str, str]:
    """Return an occupied area's names in every language."""
    found = AREA_NAMES.get(iso_3166_2)
    return _named(english, found) if found else {"en": english}


def add_names(data_dir: Path) -> None:
    """Add `names` ({lang: name}) to the seas of labels.geojson, to cities.geojson and to
    occupied.geojson in data_dir (what `webmap build-geodata` writes, done in place)."""
    from webmap.geo.countries import iso2_of
    from webmap.record.geojson_io import write_feature_collection

    def rewrite(name: str, name_of) -> None:
        path = data_dir / name
        data: dict[str, Any] = json.loads(path.read_text("utf-8"))
        for feature in data["features"]:
            props = feature["properties"]
            names = name_of(props)
            if names is not None:
                props["names"] = {lang: names[lang] for lang in LANGUAGES if lang in names}
        write_feature_collection(path, data["features"], indent=None)

    rewrite("labels.geojson", lambda p: sea_names(p["name"]) if p["kind"] == "sea" else None)
    rewrite("cities.geojson", lambda p: city_names(p["name"], iso2_of(p["country"])))
    rewrite("occupied.geojson", lambda p: area_names(p["iso_3166_2"], p["name"]))
