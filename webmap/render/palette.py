"""The map's colours and the checks that keep them apart in greyscale and for colour-blind readers.

One place for every colour: the fills the reader must tell apart (alliance blocs, the unaligned
countries and the sea) and the markers' colours. `webmap.record.vocabulary` reads them from
here; the tests run the checks below on them.
"""

from __future__ import annotations

import math

# Fills, darkest to lightest in greyscale, about 30 grey levels (of 255) apart.
BLOC_FILLS: dict[str, str] = {
    "union-state": "#a33a33",
    "csto": "#b06a26",
    "nato": "#76a0d6",
    "csto-frozen": "#dfb382",
    "none": "#dcd9cf",
}
# Marker colours of the kinds of report, in the vocabulary's order (webmap/record/vocabulary.py).
KIND_COLOURS: dict[str, str] = {
    "deployment_announcement": "#c2410c",
    "deployment": "#b91c1c",
    "strike": "#111827",
    "exercise": "#6d28d9",
    "agreement": "#0f766e",
    "accession": "#1d4ed8",
    "statement": "#4b5563",
    "incident": "#be185d",
    "fortification": "#92400e",
}
SEA = "#f5f9fd"
LAND_OUTLINE = "#ffffff"
RIVER = "#7fa6c9"
# Projector mode (?projector=1): a projector washes light colours out, so its fills are deeper
# and further apart (PROJECTOR_MIN_GREY_STEP), on a white sea, with darker, thicker outlines.
PROJECTOR_BLOC_FILLS: dict[str, str] = {
    "union-state": "#7d0f0a",
    "csto": "#a8440a",
    "nato": "#4d8de3",
    "csto-frozen": "#e0a640",
    "none": "#d9d4c4",
}
PROJECTOR_SEA = "#ffffff"
PROJECTOR_OUTLINE = "#1f2937"
PROJECTOR_OUTLINE_WEIGHT = 1.6
PROJECTOR_MIN_GREY_STEP = 36
PROJECTOR_MIN_CVD_DELTA_E = 15.0
# Grey levels (of 255) that printed fills must keep between them.
MIN_GREY_STEP = 30
# CIE76 colour difference the fills keep under simulated deuteranopia and protanopia.
MIN_CVD_DELTA_E = 12.0

# Machado, Oliveira and Fernandes (2009), severity 1.0, in linear RGB.
CVD_MATRICES: dict[str, tuple[tuple[float, float, float], ...]] = {
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}


def rgb(colour: str) -> tuple[int, int, int]:
    """Return the 0–255 channels of a #rrggbb colour."""
    return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def grey_level(colour: str) -> float:
    """Return the grey (0–255) a colour prints as: ITU-R BT.601 luma, as printer drivers use."""
    r, g, b = rgb(colour)
    return 0.299 * r + 0.587 * g + 0.114 * b


def _to_linear(channel: float) -> float:
    """Undo the sRGB transfer curve for one 0–1 channel."""
    return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4


def _to_srgb(channel: float) -> float:
    """Apply the sRGB transfer curve to one linear 0–1 channel, clipped to the gamut."""
    channel = min(1.0, max(0.0, channel))
    return channel * 12.92 if channel <= 0.0031308 else 1.055 * channel ** (1 / 2.4) - 0.055


def simulate(colour: str, deficiency: str) -> str:
    """Return how a colour looks with a colour-vision deficiency (see CVD_MATRICES)."""
    linear = [_to_linear(c / 255) for c in rgb(colour)]
    rows = CVD_MATRICES[deficiency]
    out = [_to_srgb(sum(m * c for m, c in zip(row, linear, strict=True))) for row in rows]
    return "#" + "".join(f"{round(c * 255):02x}" for c in out)


def lab(colour: str) -> tuple[float, float, float]:
    """Return CIE L*a*b* (D65) of an sRGB colour."""
    r, g, b = (_to_linear(c / 255) for c in rgb(colour))
    x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047
    y = 0.2126 * r + 0.7152 * g + 0.0722 * b
    z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def chroma(colour: str) -> float:
    """Return a colour's CIE L*a*b* chroma: how far it is from grey."""
    _l, a, b = lab(colour)
    return math.hypot(a, b)


def delta_e(a: str, b: str) -> float:
    """Return the CIE76 colour difference of two colours."""
    return math.dist(lab(a), lab(b))


def separable_fills() -> dict[str, str]:
    """Return every fill a reader must tell apart on the map: the blocs and the sea."""
    return {**BLOC_FILLS, "sea": SEA}


def projector_fills() -> dict[str, str]:
    """Return every fill a reader must tell apart on the projector: the blocs and the sea."""
    return {**PROJECTOR_BLOC_FILLS, "sea": PROJECTOR_SEA}


def closest_greys(fills: dict[str, str]) -> tuple[float, str, str]:
    """Return the smallest grey-level gap between any two fills, and which two they are."""
    names = sorted(fills, key=lambda n: grey_level(fills[n]))
    gaps = [
        (grey_level(fills[b]) - grey_level(fills[a]), a, b)
        for a, b in zip(names, names[1:], strict=False)
    ]
    return min(gaps)


def closest_under(deficiency: str, fills: dict[str, str]) -> tuple[float, str, str]:
    """Return the smallest colour difference between two fills as seen with a deficiency."""
    seen = {name: simulate(colour, deficiency) for name, colour in fills.items()}
    names = sorted(seen)
    return min(
        (delta_e(seen[a], seen[b]), a, b) for i, a in enumerate(names) for b in names[i + 1 :]
    )
