"""Names of places and systems in the map's languages and the press's spellings, for search.

geodata/names.json lists, per place or system, its English name, its name in each language of
the map (`by_lang`) and every spelling seen (`names`: those plus transliterations such as
Krichev, Krzyczew, Kryčaŭ). A search for any of them finds the reports that mention the thing.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webmap.record.languages import LANGUAGES, N_
from webmap.record.model import Problem, ReportError, brief
from webmap.record.reports_file import read_json
from webmap.record.validation import LIST_SEPARATOR, not_one_of, unsafe_character

NAMES_FILE = "names.json"
NAME_KINDS = ("place", "system")
MAX_NAME = 100  # characters in one spelling


@dataclass(frozen=True)
class Name:
    """One place or system: its English name, its name per language, and every spelling."""

    en: str
    kind: str
    by_lang: tuple[tuple[str, str], ...]
    spellings: tuple[str, ...]


def _bad_name(value: Any) -> str:
    """Return why a spelling cannot be used, or ''."""
    if not isinstance(value, str) or not value.strip():
        return N_("%(value)s is not a name", value=brief(value))
    if len(value) > MAX_NAME:
        return N_("%(value)s is longer than %(most)s characters", value=brief(value), most=MAX_NAME)
    if unsafe_character(value) is not None or LIST_SEPARATOR in value:
        return N_(
            "%(value)s holds a control character or '%(sign)s'",
            value=brief(value),
            sign=LIST_SEPARATOR,
        )
    return ""


def check_names(data: Any, path: str) -> list[Problem]:
    """Return every problem of a names file's content."""
    if not isinstance(data, list):
        return [Problem(path, "-", "names", N_("is not a list of names"))]
    problems: list[Problem] = []
    seen: set[tuple[str, str]] = set()
    for i, entry in enumerate(data, start=1):
        where = f"names[{i}]"
        if not isinstance(entry, dict):
            problems.append(Problem(path, "-", where, N_("is not an object with en, kind, names")))
            continue
        label = str(entry.get("en") or where)

        def err(field: str, message: str, label: str = label) -> None:
            problems.append(Problem(path, label, field, message))

        if why := _bad_name(entry.get("en")):
            err("en", why)
        if entry.get("kind") not in NAME_KINDS:
            err("kind", not_one_of(entry.get("kind"), NAME_KINDS))
        key = (str(entry.get("kind")), str(entry.get("en")))
        if key in seen:
            err("en", N_("is listed twice"))
        seen.add(key)
        by_lang = entry.get("by_lang")
        if not isinstance(by_lang, dict) or set(by_lang) != set(LANGUAGES):
            err(
                "by_lang",
                N_("must give the name in each of: %(allowed)s", allowed=", ".join(LANGUAGES)),
            )
        else:
            for lang in LANGUAGES:
                if why := _bad_name(by_lang[lang]):
                    err(f"by_lang.{lang}", why)
        names = entry.get("names")
        if not isinstance(names, list) or not names:
            err("names", N_("must list the spellings of the name"))
            continue
        for j, name in enumerate(names, start=1):
            if why := _bad_name(name):
                err(f"names[{j}]", why)
        if isinstance(by_lang, dict) and (missing := set(map(str, by_lang.values())) - set(names)):
            err(
                "names",
                N_("lacks the names by language %(names)s", names=", ".join(sorted(missing))),
            )
    return problems


def read_names(data_dir: Path) -> list[Name]:
    """Return the names of data_dir/names.json ([] without one); raise ReportError if broken."""
    path = Path(data_dir) / NAMES_FILE
    if not path.exists():
        return []
    data = read_json(path)
    problems = check_names(data, str(path))
    if problems:
        raise ReportError(problems)
    return [
        Name(
            en=e["en"].strip(),
            kind=e["kind"],
            by_lang=tuple((lang, e["by_lang"][lang].strip()) for lang in LANGUAGES),
            spellings=tuple(dict.fromkeys(n.strip() for n in e["names"])),
        )
        for e in data
    ]


def names_problems(data_dir: Path) -> list[Problem]:
    """Return the problems of a data folder's names file (none without one)."""
    try:
        read_names(data_dir)
    except ReportError as exc:
        return exc.problems
    return []
