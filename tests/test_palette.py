"""The map's colours stay apart in greyscale (school printers) and for colour-blind readers."""

from __future__ import annotations

import itertools

import pytest

from webmap.render.palette import (
    BLOC_FILLS,
    MIN_CVD_DELTA_E,
    MIN_GREY_STEP,
    PROJECTOR_BLOC_FILLS,
    PROJECTOR_MIN_CVD_DELTA_E,
    PROJECTOR_MIN_GREY_STEP,
    PROJECTOR_OUTLINE,
    PROJECTOR_OUTLINE_WEIGHT,
    chroma,
    closest_greys,
    closest_under,
    delta_e,
    grey_level,
    projector_fills,
    separable_fills,
    simulate,
)
from webmap.render.styles import BLOC_STYLES, KIND_STYLES, client_styles, stylesheet

# The palette before this check existed: NATO and the Union State 8 grey levels apart, the
# sea and NATO both light blue. The checks must catch it.
OLD_FILLS = {
    "nato": "#9ec5e8",
    "union-state": "#e8a09a",
    "csto": "#f2cfa2",
    "csto-frozen": "#f6e6cf",
    "none": "#e6e4dc",
    "sea": "#cfe0ec",
}


@pytest.mark.parametrize(
    ("colour", "grey"), [("#000000", 0), ("#ffffff", 255), ("#ff0000", 76.245), ("#808080", 128)]
)
def test_grey_level_is_the_luma_a_printer_uses(colour, grey):
    assert grey_level(colour) == pytest.approx(grey, abs=0.01)


def test_every_fill_prints_at_least_30_grey_levels_from_every_other():
    gap, first, second = closest_greys(separable_fills())
    assert gap >= MIN_GREY_STEP, f"{first} and {second} print only {gap:.0f} grey levels apart"
    assert MIN_GREY_STEP >= 30


@pytest.mark.parametrize(
    ("a", "b"), list(itertools.combinations(["nato", "union-state", "none"], 2))
)
def test_nato_union_state_and_unaligned_differ_in_greyscale(a, b):
    assert abs(grey_level(BLOC_FILLS[a]) - grey_level(BLOC_FILLS[b])) >= 30


@pytest.mark.parametrize("deficiency", ["deuteranopia", "protanopia"])
def test_fills_stay_apart_for_colour_blind_readers(deficiency):
    difference, first, second = closest_under(deficiency, separable_fills())
    assert difference >= MIN_CVD_DELTA_E, f"{first} and {second} look alike ({difference:.1f})"


def test_the_checks_catch_the_old_palette():
    gap, first, second = closest_greys(OLD_FILLS)
    assert gap < MIN_GREY_STEP
    assert abs(grey_level(OLD_FILLS["nato"]) - grey_level(OLD_FILLS["union-state"])) < 10


def test_colour_blindness_simulation_merges_red_and_green():
    red, green = "#d62728", "#2ca02c"
    seen = delta_e(simulate(red, "deuteranopia"), simulate(green, "deuteranopia"))
    assert seen < delta_e(red, green) / 2


def test_greys_are_unchanged_by_the_simulation():
    for deficiency in ("deuteranopia", "protanopia"):
        assert delta_e(simulate("#808080", deficiency), "#808080") < 1.5


def test_map_legend_and_browser_read_the_same_fills():
    assert {k: v["fill"] for k, v in BLOC_STYLES.items()} == BLOC_FILLS
    assert client_styles()["blocs"]["nato"]["fill"] == BLOC_FILLS["nato"]
    css = stylesheet()
    for key, colour in BLOC_FILLS.items():
        assert f".bloc-{key} {{ background: {colour}; }}" in css
    assert separable_fills()["sea"] in css


def test_report_kinds_differ_by_symbol_and_by_colour():
    symbols = [k["symbol"] for k in KIND_STYLES.values()]
    colours = [k["colour"] for k in KIND_STYLES.values()]
    assert len(set(symbols)) == len(symbols)
    assert len(set(colours)) == len(colours)


def test_the_projector_palette_has_a_fill_for_every_bloc():
    assert set(PROJECTOR_BLOC_FILLS) == set(BLOC_FILLS)
    assert client_styles()["projector"]["blocs"] == PROJECTOR_BLOC_FILLS


def test_projector_fills_are_further_apart_in_grey_than_the_print_ones():
    gap, first, second = closest_greys(projector_fills())
    assert gap >= PROJECTOR_MIN_GREY_STEP > MIN_GREY_STEP, f"{first} and {second}: {gap:.0f}"


@pytest.mark.parametrize("deficiency", ["deuteranopia", "protanopia"])
def test_projector_fills_stay_apart_for_colour_blind_readers(deficiency):
    difference, first, second = closest_under(deficiency, projector_fills())
    assert difference >= PROJECTOR_MIN_CVD_DELTA_E > MIN_CVD_DELTA_E, f"{first}, {second}"


@pytest.mark.parametrize("bloc", ["union-state", "csto", "nato", "csto-frozen"])
def test_projector_fills_are_deeper_than_the_screen_ones(bloc):
    # A projector washes colours out: each alliance's colour is more saturated there.
    assert chroma(PROJECTOR_BLOC_FILLS[bloc]) > chroma(BLOC_FILLS[bloc])


def test_the_checks_catch_the_screen_palette_on_a_projector():
    # The screen palette is not enough for a projector: its fills are only 30 grey levels apart.
    assert closest_greys(separable_fills())[0] < PROJECTOR_MIN_GREY_STEP


def test_projector_outlines_are_dark_and_thicker():
    assert grey_level(PROJECTOR_OUTLINE) < 60
    assert PROJECTOR_OUTLINE_WEIGHT > 1
    css = stylesheet()
    for key, colour in PROJECTOR_BLOC_FILLS.items():
        assert f".projector .bloc-{key} {{ background: {colour}; }}" in css
