"""Read a large GeoJSON FeatureCollection one feature at a time, so memory stays small."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

_DECODER = json.JSONDecoder()
_SPACE = " \t\n\r"


def _skip(text: str, pos: int) -> int:
    """Return the position of the next character that is not white space."""
    while pos < len(text) and text[pos] in _SPACE:
        pos += 1
    return pos


def _char(text: str, pos: int) -> str:
    """Return the character at pos, or '' at the end of the text."""
    return text[pos] if pos < len(text) else ""


def _expect(text: str, pos: int, char: str, what: str) -> int:
    """Check that text[pos] is char (after white space); return the position after it."""
    pos = _skip(text, pos)
    if pos >= len(text) or text[pos] != char:
        raise json.JSONDecodeError(f"Expecting {what}", text, pos)
    return pos + 1


def iter_collection(text: str) -> Iterator[tuple[str, Any]]:
    """Yield ("features", feature) for each feature and (key, value) for the other members.

    A "features" member that is not an array is yielded as ("features:not-a-list", value).

    The top-level object is read by hand and each value with the standard decoder, so a file
    of 100,000 features never exists as one big Python structure. Raises json.JSONDecodeError.
    """
    pos = _expect(text, 0, "{", "'{'")
    if _char(text, _skip(text, pos)) == "}":
        if _skip(text, _skip(text, pos) + 1) != len(text):
            raise json.JSONDecodeError("Extra data", text, _skip(text, _skip(text, pos) + 1))
        return
    while True:
        key, pos = _DECODER.raw_decode(text, _skip(text, pos))
        pos = _expect(text, pos, ":", "':' delimiter")
        pos = _skip(text, pos)
        if key == "features" and _char(text, pos) == "[":
            yield "features:start", None
            pos = _skip(text, pos + 1)
            if _char(text, pos) == "]":
                pos += 1
            else:
                while True:
                    feature, pos = _DECODER.raw_decode(text, _skip(text, pos))
                    yield "features", feature
                    pos = _skip(text, pos)
                    if _char(text, pos) == "]":
                        pos += 1
                        break
                    pos = _expect(text, pos, ",", "',' delimiter")
        else:
            value, pos = _DECODER.raw_decode(text, pos)
            yield ("features:not-a-list" if key == "features" else key), value
        pos = _skip(text, pos)
        if _char(text, pos) == "}":
            if _skip(text, pos + 1) != len(text):
                raise json.JSONDecodeError("Extra data", text, _skip(text, pos + 1))
            return
        pos = _expect(text, pos, ",", "',' delimiter")
