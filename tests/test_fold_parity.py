"""The map folds a search as the API does (filters.fold, search_words), checked under node."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from webmap.catalog.derived import fold_table
from webmap.catalog.filters import fold, search_words

CORE_JS = Path(__file__).parent.parent / "webmap" / "static" / "js" / "webmap-core.js"
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="needs node")

# Queries a reader may type, and what the API makes of them.
QUERIES = [
    "strasse",
    "Straße",
    "STRASSE",
    "ẞ",
    "ΣΊΣΥΦΟΣ",  # capital sigma at the end of a word: the API folds it to σ, not ς
    "σίσυφος",
    "İstanbul",  # Turkish dotted capital I
    "ıi",  # Turkish dotless i
    "ﬁnal ﬂight ﬀ",  # ligatures
    "Орешник ОРЕШНИК",
    "Лукашэнка Ў ў",
    "Ελλάδα ΕΛΛΆΔΑ",
    "e\u0301 \u00e9 E\u0301",  # a combining accent and its precomposed letter
    "２０２５ ＡＢＣ",  # full-width digits and letters
    "µ km ㎞ ℃",  # micro sign, compatibility units
    "ŉ ǰ ΐ",  # letters that fold to two or three
    "Ꭰꭰ",  # Cherokee: folds to the capital
    "  many   spaces\tand\ttabs\nlines  ",
    "\u3000ideographic\u3000space\u00a0nbsp",
    "zero\u200bwidth",  # not a space in Python: one word
    "byte\ufefforder",  # JavaScript's \\s has U+FEFF, Python's split does not
    "a\x1cb\x1fc",  # file separators: spaces to Python
    "bell\x07 del\x7f c1\x85",  # control characters read as spaces
    "non\ufffechar \U0001fffe",
    "🚀 emoji 𝐁𝐨𝐥𝐝",  # astral letters (mathematical bold folds to plain)
    "bel belarus belarus",  # repeats and words inside longer ones
    "",
    "   ",
    "<script>alert(1)</script>",
    "a" * 300,
    "Łódź ŁÓDŹ Kryčaŭ Krzyczew Oresznik Arešnik",  # diacritics folded: lodz, krycau
    "Оре\u0301шник Ёлка ЁЛКА",  # a stress mark, ё read as е
    "йЙ їЇ ўЎ и і у",  # letters of their own: not folded into и, і, у
    "Ελλάδα ά ΐ",  # Greek tonos folded
]


def run_core(expression: str, data) -> object:
    """Evaluate expression in node with webmap-core.js loaded and `data` bound."""
    script = (
        "global.window = {};\n"
        + CORE_JS.read_text("utf-8")
        + "\nconst core = window.webmapCore;\n"
        + "const data = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
        + f"process.stdout.write(JSON.stringify({expression}));"
    )
    out = subprocess.run(
        ["node", "-e", script],
        input=json.dumps(data),
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    ).stdout
    return json.loads(out)


@needs_node
def test_the_map_reads_a_search_as_the_api_does():
    got = run_core(
        "data.queries.map((q) => core.searchWords(q, data.table))",
        {"queries": QUERIES, "table": fold_table()},
    )
    assert got == [search_words(q) for q in QUERIES]


@needs_node
def test_strasse_finds_strasse_on_the_map_as_in_the_api():
    """The bug: q=strasse found "Straße" in the API (casefold) but not on the map."""
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [13.4, 52.5]},
        "properties": {"derived": {"span": ["2025-01-01", "2025-01-01"], "search": fold("Straße")}},
    }
    got = run_core(
        "['strasse', 'STRASSE', 'ẞ', 'straße'].map((q) => core.matches(data.f, "
        "core.parseCriteria(new URLSearchParams({q}), data.table)))",
        {"f": feature, "table": fold_table()},
    )
    assert got == [True, True, True, True]


@needs_node
def test_every_character_folds_as_in_python():
    """Each code point Python knows folds (NFKC, case fold, NFKC) the same in both.

    Characters that Python's Unicode version has not assigned yet are left out: node's ICU may
    be newer, and knows their case. Python, which answers the API, does not.
    """
    chars = [
        chr(c)
        for c in range(sys.maxunicode + 1)
        if not 0xD800 <= c <= 0xDFFF and unicodedata.category(chr(c)) != "Cn"
    ]
    assert len(chars) > 140_000
    got = run_core(
        "data.chars.map((c) => core.fold(c, data.table))", {"chars": chars, "table": fold_table()}
    )
    differ = [
        f"U+{ord(c):04X} {fold(c)!r} != {g!r}"
        for c, g in zip(chars, got, strict=True)
        if g != fold(c)
    ]
    assert differ == [], f"{len(differ)} differ, e.g. {differ[:10]}"


@needs_node
@pytest.mark.parametrize("bad", [None, 5, {"x": 1}])
def test_bad_input_folds_to_text_not_an_error(bad):
    got = run_core(
        "[core.fold(data.bad, data.table), core.searchWords(data.bad, data.table)]",
        {"bad": bad, "table": {}},
    )
    assert isinstance(got[0], str) and isinstance(got[1], list)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Łódź", "lodz"),
        ("Kryčaŭ", "krycau"),
        ("Mińsk", "minsk"),
        ("Ąžuolas", "azuolas"),
        ("Ёлка", "елка"),
        ("Оре\u0301шник", "орешник"),
        ("Йошкар-Ола", "йошкар-ола"),
        ("Їжак", "їжак"),
        ("Ўзбек", "ўзбек"),
        ("Straße", "strasse"),
    ],
)
def test_the_fold_folds_diacritics_but_keeps_letters_of_their_own(typed, folded):
    assert fold(typed) == folded


@needs_node
def test_lodz_finds_lodz_on_the_map_as_in_the_api():
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [19.46, 51.76]},
        "properties": {"derived": {"span": ["2025-01-01", "2025-01-01"], "search": fold("Łódź")}},
    }
    got = run_core(
        "['lodz', 'ŁÓDŹ', 'Lódz', 'łodź', 'ludz'].map((q) => core.matches(data.f, "
        "core.parseCriteria(new URLSearchParams({q}), data.table)))",
        {"f": feature, "table": fold_table()},
    )
    assert got == [True, True, True, True, False]
