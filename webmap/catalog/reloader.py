"""Reload the data when its files change, and keep serving the last good data if they break."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from webmap.catalog.catalog import REASONS, Catalog, data_files

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


def _now() -> str:
    """Return the time now, for /healthz."""
    return datetime.now(UTC).isoformat(timespec="seconds")


class Reloader:
    """Watches a data directory and swaps in newly loaded data once it loads without errors.

    Each reload runs in a thread of its own; one that takes longer than `timeout` seconds is
    abandoned (its result, should it ever come, is dropped) and reported on /healthz.
    """

    def __init__(
        self,
        data_dir: Path,
        load: Callable[[], Catalog],
        publish: Callable[[Catalog], None],
        interval: float = 2.0,
        background: bool = True,
        timeout: float = 120.0,
        marks: Callable[[], tuple] | None = None,
    ):
        self.data_dir = Path(data_dir)
        self.load, self.publish = load, publish
        self.interval, self.background, self.timeout = interval, background, timeout
        # What moves when the data changes: the files' fingerprint, or a database's token.
        self.marks = marks or (lambda: fingerprint(self.data_dir))
        self.seen = self.marks()
        self.checked = time.monotonic()
        self.lock = threading.Lock()
        self.last_attempt: dict[str, str] = {}
        self.running: threading.Thread | None = None
        self.started = 0.0
        self.generation = 0

    def check(self, current: Catalog) -> None:
        """Look for changed files at most once per interval; reload if there are any."""
        now = time.monotonic()
        self.abandon_if_slow(now)
        if now - self.checked < self.interval:
            return
        self.checked = now
        found = self.marks()
        with self.lock:
            if found == self.seen or self.running is not None:
                return
            self.seen = found
            self.generation += 1
            thread = threading.Thread(
                target=self._reload, args=(current, self.generation), daemon=True
            )
            self.running, self.started = thread, now
        thread.start()
        if not self.background:
            thread.join(self.timeout)
            self.abandon_if_slow(time.monotonic())

    def abandon_if_slow(self, now: float) -> None:
        """Give up on a reload that has run longer than the timeout, and say so."""
        with self.lock:
            if self.running is None or now - self.started < self.timeout:
                return
            log.error(
                "Reloading the map data took more than %g s and was abandoned; still serving "
                "the previous data",
                self.timeout,
            )
            self.last_attempt = {"at": _now(), "result": "abandoned", "error": REASONS["slow"]}
            self.running = None
            self.generation += 1  # the abandoned reload's result will not be published

    def _reload(self, current: Catalog, generation: int) -> None:
        """Load the changed data; publish it if it loaded, else log why and keep the old."""
        try:
            catalog = self.load()
        except Exception as exc:  # anything at all: the map must keep running
            log.exception("Reloading the map data failed; still serving the previous data")
            catalog = Catalog(
                data_dir=self.data_dir,
                error=f"{type(exc).__name__}: {exc}",
                reason=REASONS["other"],
            )
        with self.lock:
            if generation != self.generation:
                log.warning("An abandoned reload finished after all; its result was dropped")
                return
            self.running = None
            if catalog.error and not current.error:
                log.error(
                    "The changed map data could not be loaded, so the previous data (version "
                    "%s) is still served. Run `webmap check` to see every problem:\n%s",
                    current.version,
                    catalog.error,
                )
                self.last_attempt = {"at": _now(), "result": "failed", "error": catalog.reason}
                return
            self.publish(catalog)
            self.last_attempt = {"at": _now(), "result": "loaded", "data_version": catalog.version}
        log.info("Reloaded the map data: version %s", catalog.version)
