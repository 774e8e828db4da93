"""The catalogue served from a database: one consistent snapshot, and queries answered in SQL.

A worker writes the record (one REPEATABLE READ view) into a snapshot folder beside copies of
the data folder's other files and loads the catalogue from it exactly as from files: pages,
stories and history read what they always read, and the data version is the same on every
worker and machine that serves the same record. Filters, bbox and search then run in SQL.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
import threading
from functools import lru_cache
from pathlib import Path

import numpy as np

from webmap.catalog.catalog import REASONS, Catalog, data_files, load_catalog
from webmap.catalog.filters import Criteria
from webmap.catalog.report_index import ReportIndex
from webmap.catalog.spellings import Spellings
from webmap.record.history import reports_as_of_record
from webmap.record.stories import STORIES_DIR
from webmap.store.errors import StoreError
from webmap.store.postgis import HELD_FILES, Store

log = logging.getLogger(__name__)
KEPT_SNAPSHOTS = 2  # the one served and the one being loaded


class StoreView:
    """Answers a catalogue's queries in SQL, for the record with the catalogue's token."""

    def __init__(self, store: Store, token: str, spellings: Spellings):
        self.store, self.token, self.spellings = store, token, spellings
        self.stale = False  # set when the database holds a newer record than the catalogue

    def positions(self, index: ReportIndex, criteria: Criteria) -> np.ndarray:
        """Return the positions in index of the reports that meet the criteria (found in SQL).

        If the record changed since the catalogue loaded, the catalogue's own index answers
        (the served reports stay consistent with their answers) until the reload lands. No
        criteria at all choose every report of the snapshot: no query is needed for that.
        """
        if criteria == Criteria():
            return np.arange(len(index), dtype=np.int64)
        ids = self.store.query_ids(criteria, self.token)
        if ids is None:
            self.stale = True
            return index.query(criteria)
        found = np.searchsorted(index.ids, ids) if ids else np.zeros(0, dtype=np.int64)
        return found.astype(np.int64)

    def index_as_of(self, day: str) -> ReportIndex | None:
        """Return the index of the record at the end of day (chosen in SQL), None if stale."""
        return _index_as_of(self, day)


@lru_cache(maxsize=4)
def _index_as_of(view: StoreView, day: str) -> ReportIndex | None:
    """Return a view's record as of day as an index (built once per record and day)."""
    record = view.store.record_as_of(day, view.token)
    if record is None:
        view.stale = True
        return None
    return ReportIndex.of(reports_as_of_record(record), view.spellings)


class StoreCatalogs:
    """Loads catalogues from a database into snapshot folders of a work folder of its own."""

    def __init__(self, url: str, data_dir: Path):
        self.store = Store(url)
        self.data_dir = Path(data_dir)
        self.work = Path(tempfile.mkdtemp(prefix="webmap-record-"))
        self.count = 0
        self.lock = threading.Lock()

    def fingerprint(self) -> tuple:
        """Return what moves when the record or the data folder's own files change."""
        try:
            token = self.store.token()
        except StoreError:
            token = None  # unreachable: a reload is tried when it answers again
        return (token, *((n, _stat(self.data_dir / n)) for n in own_files(self.data_dir)))

    def load(self, cache_dir: Path | None = None) -> Catalog:
        """Load the record as it is now; never raises (the catalogue records the error)."""
        with self.lock:
            self.count += 1
            folder = self.work / f"record-{self.count}"
        try:
            copy_own_files(self.data_dir, folder)
            token = self.store.snapshot(folder)
        except (StoreError, OSError) as exc:
            log.error("The record could not be read from the database: %s", exc)
            shutil.rmtree(folder, ignore_errors=True)
            return Catalog(data_dir=self.data_dir, error=str(exc), reason=REASONS["other"])
        catalog = load_catalog(folder, cache_dir)
        catalog.store_view = StoreView(self.store, token, catalog.spellings)
        self.prune()
        return catalog

    def prune(self) -> None:
        """Delete all but the newest snapshot folders."""
        folders = sorted(self.work.glob("record-*"), key=lambda p: int(p.name.split("-")[1]))
        for old in folders[:-KEPT_SNAPSHOTS]:
            shutil.rmtree(old, ignore_errors=True)


def own_files(data_dir: Path) -> list[str]:
    """Return the data files that stay files with a database: the layers and the stories."""
    return [name for name in data_files(data_dir) if name not in HELD_FILES]


def copy_own_files(data_dir: Path, folder: Path) -> None:
    """Copy the data folder's own files (layers, stories) into a snapshot folder."""
    (folder / STORIES_DIR).mkdir(parents=True, exist_ok=True)
    for name in own_files(data_dir):
        if (data_dir / name).is_file():
            shutil.copyfile(data_dir / name, folder / name)


def _stat(path: Path) -> tuple | None:
    """Return a file's size, change time and inode, or None if it is missing."""
    try:
        stat = path.stat()
    except OSError:
        return None
    return (stat.st_size, stat.st_mtime_ns, stat.st_ino)
