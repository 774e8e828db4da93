"""The report index: reports rebuilt from stored Features, sorting, and the on-disk cache."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from webmap.catalog.catalog import load_catalog, read_index
from webmap.catalog.filters import parse_criteria
from webmap.catalog.index_cache import cached_index
from webmap.catalog.report_index import SORT_COLUMNS, ReportIndex
from webmap.record.reports_file import load_reports
from webmap.render.styles import KIND_STYLES, STATUS_STYLES

SHIPPED_DIR = Path(__file__).parent.parent / "geodata"
SHIPPED = load_reports(SHIPPED_DIR / "reports.geojson")
PYTHON_SORT_KEYS = {
    "date": lambda r: r.span[0],
    "title": lambda r: r.title.casefold(),
    "kind": lambda r: KIND_STYLES[r.kind]["label"],
    "status": lambda r: list(STATUS_STYLES).index(r.status),
    "claimed_by": lambda r: r.claimed_by.casefold(),
    "place": lambda r: r.place.casefold(),
    "sources": lambda r: len(r.sources),
}


def test_every_report_comes_back_unchanged_from_the_index():
    index = ReportIndex.of(SHIPPED)
    assert [index.report(i) for i in range(len(index))] == SHIPPED
    assert index.position(SHIPPED[7].id) == 7
    assert index.position("no-such-report") is None
    assert index.position("") is None


@pytest.mark.parametrize("column", SORT_COLUMNS)
@pytest.mark.parametrize("descending", [False, True])
def test_sorting_matches_sorting_the_reports(column, descending):
    index = ReportIndex.of(SHIPPED)
    positions = index.sorted_positions(np.arange(len(index)), column, descending)
    expected = sorted(
        SHIPPED, key=lambda r: (PYTHON_SORT_KEYS[column](r), r.id), reverse=descending
    )
    assert [SHIPPED[i].id for i in positions] == [r.id for r in expected]


def test_a_filtered_collection_is_valid_geojson_in_id_order():
    import json

    index = ReportIndex.of(SHIPPED)
    for args in [{}, {"kind": ["strike"]}, {"q": ["belarus"]}, {"to": ["1900"]}]:
        positions = index.query(parse_criteria(args))
        body = json.loads(b"".join(index.feature_chunks(positions)))
        assert [f["id"] for f in body["features"]] == [SHIPPED[i].id for i in positions]


def _same_index(a: ReportIndex, b: ReportIndex) -> None:
    assert a.ids.tolist() == b.ids.tolist()
    assert bytes(a.features) == bytes(b.features)
    assert list(a.text) == list(b.text)
    for args in [{"actor": ["BLR"]}, {"affiliation": ["state_media"]}, {"kind": ["exercise"]}]:
        criteria = parse_criteria(args)
        assert a.query(criteria).tolist() == b.query(criteria).tolist()
    for column in SORT_COLUMNS:
        everything = np.arange(len(a))
        assert (
            a.sorted_positions(everything, column, False).tolist()
            == b.sorted_positions(everything, column, False).tolist()
        )


def test_the_cache_gives_back_the_same_index(tmp_path):
    built = read_index(SHIPPED_DIR / "reports.geojson")
    calls = []

    def build():
        calls.append(1)
        return built

    first = cached_index("digest-a", build, tmp_path)
    again = cached_index("digest-a", build, tmp_path)
    assert len(calls) == 1, "the second start must read the cache, not the reports"
    _same_index(first, again)
    cached_index("digest-b", build, tmp_path)  # other data: built again
    assert len(calls) == 2


def test_a_damaged_cache_is_rebuilt_not_trusted(tmp_path, caplog):
    built = read_index(SHIPPED_DIR / "reports.geojson")
    cached_index("digest", lambda: built, tmp_path)
    (cache_file,) = tmp_path.glob("reports-*.npz")
    cache_file.write_bytes(cache_file.read_bytes()[:5000])
    with caplog.at_level(logging.WARNING):
        again = cached_index("digest", lambda: built, tmp_path)
    assert "damaged index cache" in caplog.text
    _same_index(built, again)
    assert cached_index("digest", lambda: pytest.fail("rebuilt twice"), tmp_path)


def test_changed_reports_are_never_served_from_an_old_cache(tmp_path, data_dir):
    cache = tmp_path / "cache"
    before = load_catalog(data_dir, cache_dir=cache)
    reports_file = data_dir / "reports.geojson"
    reports_file.write_text(reports_file.read_text().replace(before.reports[0].title, "Renamed"))
    after = load_catalog(data_dir, cache_dir=cache)
    assert after.reports[0].title == "Renamed"
    assert after.version != before.version
    assert len(list(cache.glob("reports-*.npz"))) == 2


def test_an_unwritable_cache_folder_does_not_stop_the_map(tmp_path, data_dir):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be")
    store = load_catalog(data_dir, cache_dir=blocker / "cache")
    assert not store.error and len(store.reports) == 5


def test_a_copied_data_folder_shares_the_cache(tmp_path, data_dir):
    cache = tmp_path / "cache"
    load_catalog(data_dir, cache_dir=cache)
    copy = shutil.copytree(data_dir, tmp_path / "copy")
    store = load_catalog(copy, cache_dir=cache)
    assert len(list(cache.glob("reports-*.npz"))) == 1
    assert [r.id for r in store.reports] == [r.id for r in load_reports(copy / "reports.geojson")]
