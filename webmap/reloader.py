"""Reload the data when its files change, and keep serving the last good data if they break."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from webmap.store import DataStore, data_files

log = logging.getLogger(__name__)


def fingerprint(data_dir: Path) -> tuple:
    """Return the name, size and change time of every data file: cheap to take, and it moves
    whenever a file is written, replaced or removed."""
    marks = []
    for name in data_files(data_dir):
        try:
            stat = (data_dir / name).stat()
            marks.append((name, stat.st_size, stat.st_mtime_ns, stat.st_ino))
        except OSError:
            marks.append((name, None))
    return tuple(marks)


class Reloader:
    """Watches a data directory and swaps in newly loaded data once it loads without errors."""

    def __init__(
        self,
        data_dir: Path,
        load: Callable[[], DataStore],
        publish: Callable[[DataStore], None],
        interval: float = 2.0,
        background: bool = True,
    ):
        self.data_dir = Path(data_dir)
        self.load, self.publish = load, publish
        self.interval, self.background = interval, background
        self.seen = fingerprint(self.data_dir)
        self.checked = time.monotonic()
        self.lock = threading.Lock()
        self.last_attempt: dict[str, str] = {}

    def check(self, current: DataStore) -> None:
        """Look for changed files at most once per interval; reload if there are any."""
        now = time.monotonic()
        if now - self.checked < self.interval:
            return
        self.checked = now
        found = fingerprint(self.data_dir)
        if found == self.seen or not self.lock.acquire(blocking=False):
            return
        self.seen = found
        if self.background:
            threading.Thread(target=self._reload, args=(current,), daemon=True).start()
        else:
            self._reload(current)

    def _reload(self, current: DataStore) -> None:
        """Load the changed data; publish it if it loaded, else log why and keep the old."""
        try:
            try:
                store = self.load()
            except Exception as exc:  # anything at all: the map must keep running
                log.exception("Reloading the map data failed; still serving the previous data")
                store = DataStore(data_dir=self.data_dir, error=f"{type(exc).__name__}: {exc}")
            at = datetime.now(UTC).isoformat(timespec="seconds")
            if store.error and not current.error:
                log.error(
                    "The changed map data could not be loaded, so the previous data (version "
                    "%s) is still served. Run `webmap check` to see every problem:\n%s",
                    current.version,
                    store.error,
                )
                self.last_attempt = {"at": at, "result": "failed", "error": store.error}
                return
            self.publish(store)
            self.last_attempt = {"at": at, "result": "loaded", "data_version": store.version}
            log.info("Reloaded the map data: version %s", store.version)
        finally:
            self.lock.release()
