"""The glossary: words a pupil meets in the reports, each explained in our words, with a source.

`geodata/glossary.json` holds `{"terms": [...]}`; each term has an `id` (its anchor), the
`term`, a `definition`, the `spellings` that find it in a report's English text, its `sources`
and `translations` by language (`{term, definition, spellings, by}`). A word of a spelling
ending in `*` is found with any ending (Орешник* finds Орешника, бойов* груп* finds бойову
групу), for the languages that inflect.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webmap.record.languages import DEFAULT_LANGUAGE
from webmap.record.model import TRANSLATORS, Problem, ReportError, brief
from webmap.record.reports_file import read_json
from webmap.record.validation import ID_PATTERN, TRANSLATION_LANGUAGES, unsafe_character

GLOSSARY_FILE = "glossary.json"
STEM_MARK = "*"
MAX_DEFINITION = 600  # one or two plain sentences
TERM_FIELDS = ("id", "term", "definition", "spellings", "sources", "translations")
SOURCE_FIELDS = ("url", "publisher", "title")
TRANSLATION_FIELDS = ("term", "definition", "spellings", "by")


@dataclass(frozen=True)
class GlossarySource:
    """A page a definition rests on: its address, publisher and title as the page shows it."""

    url: str
    publisher: str
    title: str = ""


@dataclass(frozen=True)
class TermText:
    """A term, its definition and its spellings in one language, and who translated them."""

    lang: str
    term: str
    definition: str
    spellings: tuple[str, ...]
    by: str = ""  # "machine" or "editor" for a translation, "" for the English original


@dataclass(frozen=True)
class Term:
    """One entry of the glossary."""

    id: str
    english: TermText
    sources: tuple[GlossarySource, ...]
    translations: tuple[TermText, ...] = ()

    def in_language(self, lang: str) -> TermText:
        """Return the term's text in lang, or the English one if it has no such translation."""
        return next((t for t in self.translations if t.lang == lang), self.english)


@dataclass(frozen=True)
class Glossary:
    """Every term, in the file's order."""

    terms: tuple[Term, ...] = ()

    def __len__(self) -> int:
        return len(self.terms)


def _text_problem(value: Any, limit: int = MAX_DEFINITION) -> str:
    """Say what is wrong with a text field, or ''."""
    if not isinstance(value, str) or not value.strip():
        return "is empty"
    if unsafe_character(value) is not None:
        return f"holds a character no text may hold (U+{unsafe_character(value):04X})"
    if len(value) > limit:
        return f"is longer than {limit} characters"
    return ""


def _spelling_problems(value: Any, name: str, err) -> None:
    """Check a list of spellings: texts, a `*` only at the end of a word, after a letter."""
    if value is None:
        return
    if not isinstance(value, list):
        err(name, "is not a list of spellings")
        return
    for i, spelling in enumerate(value, start=1):
        why = _text_problem(spelling, 100)
        if not why and any(
            STEM_MARK in word[:-1] or word == STEM_MARK for word in spelling.split()
        ):
            why = f"a word may end in one {STEM_MARK} (any ending), with {STEM_MARK} nowhere else"
        if why:
            err(f"{name}[{i}]", why)


def _source_problems(sources: Any, err) -> None:
    """Check a term's sources: at least one, each with an http(s) URL and a publisher."""
    if not isinstance(sources, list) or not sources:
        err("sources", "a term needs at least one source, a page its definition rests on")
        return
    for i, source in enumerate(sources, start=1):
        name = f"sources[{i}]"
        if not isinstance(source, dict):
            err(name, "is not an object with url, publisher and title")
            continue
        for key in sorted(set(source) - set(SOURCE_FIELDS), key=str):
            err(f"{name}.{brief(key)}", "is not a field of a source; use url, publisher, title")
        url = source.get("url")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            err(f"{name}.url", f"{brief(url)} does not start with http:// or https://")
        elif any(c.isspace() for c in url) or unsafe_character(url) is not None:
            err(f"{name}.url", "holds a space or a control character")
        if why := _text_problem(source.get("publisher"), 200):
            err(f"{name}.publisher", why)
        title = source.get("title")
        if title not in (None, "") and (why := _text_problem(title, 300)):
            err(f"{name}.title", why)


def _translation_problems(translations: Any, err) -> None:
    """Check a term's translations: languages of the map, each whole, `by` given."""
    if translations is None:
        return
    if not isinstance(translations, dict):
        err("translations", "is not an object of translations by language")
        return
    for lang, t in translations.items():
        name = f"translations.{lang}"
        if lang not in TRANSLATION_LANGUAGES:
            err(name, f"{brief(lang)} is not one of: {', '.join(TRANSLATION_LANGUAGES)}")
            continue
        if not isinstance(t, dict):
            err(name, f"is not an object with {', '.join(TRANSLATION_FIELDS)}")
            continue
        for key in sorted(set(t) - set(TRANSLATION_FIELDS), key=str):
            err(f"{name}.{brief(key)}", "is not a field of a translation")
        for key in ("term", "definition"):
            if why := _text_problem(t.get(key), 100 if key == "term" else MAX_DEFINITION):
                err(f"{name}.{key}", why)
        _spelling_problems(t.get("spellings"), f"{name}.spellings", err)
        if t.get("by") not in TRANSLATORS:
            err(f"{name}.by", f"{brief(t.get('by'))} is not one of: {', '.join(TRANSLATORS)}")


def _term_problems(entry: Any, index: int, path: str, seen: set[str]) -> list[Problem]:
    """Return the problems of one term of the file."""
    if not isinstance(entry, dict):
        return [Problem(path, f"terms[{index}]", "term", "is not a JSON object")]
    tid = entry.get("id")
    shown = tid if isinstance(tid, str) and tid else f"terms[{index}]"
    problems: list[Problem] = []

    def err(field: str, message: str) -> None:
        problems.append(Problem(path, shown, field, message))

    if not isinstance(tid, str) or not ID_PATTERN.fullmatch(tid):
        err("id", "must be lowercase letters, digits and hyphens (it is the term's anchor)")
    elif tid in seen:
        err("id", "is used by another term")
    else:
        seen.add(tid)
    for key in sorted(set(entry) - set(TERM_FIELDS), key=str):
        err(brief(key), f"is not a field of a term; use {', '.join(TERM_FIELDS)}")
    if why := _text_problem(entry.get("term"), 100):
        err("term", why)
    if why := _text_problem(entry.get("definition")):
        err("definition", why)
    _spelling_problems(entry.get("spellings"), "spellings", err)
    _source_problems(entry.get("sources"), err)
    _translation_problems(entry.get("translations"), err)
    return problems


def check_glossary(data: Any, path: str) -> list[Problem]:
    """Return every problem of a glossary file's content, one per term and field."""
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list):
        return [Problem(path, "-", "terms", 'the file is not an object {"terms": [...]}')]
    seen: set[str] = set()
    problems = []
    for index, entry in enumerate(data["terms"], start=1):
        problems += _term_problems(entry, index, path, seen)
    return problems


def _spellings(value: Any) -> tuple[str, ...]:
    """Return checked spellings, trimmed."""
    return tuple(s.strip() for s in value or ())


def _term(entry: dict[str, Any]) -> Term:
    """Build a checked term."""
    english = TermText(
        DEFAULT_LANGUAGE,
        entry["term"].strip(),
        entry["definition"].strip(),
        _spellings(entry.get("spellings")),
    )
    given = entry.get("translations") or {}
    translations = tuple(
        TermText(
            lang,
            given[lang]["term"].strip(),
            given[lang]["definition"].strip(),
            _spellings(given[lang].get("spellings")),
            given[lang]["by"],
        )
        for lang in TRANSLATION_LANGUAGES
        if lang in given
    )
    sources = tuple(
        GlossarySource(s["url"], s["publisher"].strip(), (s.get("title") or "").strip())
        for s in entry["sources"]
    )
    return Term(entry["id"], english, sources, translations)


def glossary_from(data: Any, path: str) -> tuple[Glossary, list[Problem]]:
    """Return the glossary of a file's content and its problems (empty if it has any)."""
    problems = check_glossary(data, path)
    if problems:
        return Glossary(), problems
    return Glossary(tuple(_term(entry) for entry in data["terms"])), []


def load_glossary(data_dir: Path) -> tuple[Glossary, list[Problem]]:
    """Load data_dir/glossary.json; a folder without one has an empty glossary."""
    path = Path(data_dir) / GLOSSARY_FILE
    if not path.exists():
        return Glossary(), []
    try:
        data = read_json(path)
    except ReportError as exc:
        return Glossary(), exc.problems
    return glossary_from(data, str(path))
