"""The catalogue: everything one data folder holds (index, atlas, stories, version), loaded once.

Flask-free: the server, `webmap check`, `import`, `export` and build-site read the same object;
what the browser gets from it (the map script, layer bytes, rings) is rendered in the web layer.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from webmap.catalog.datafiles import file_problem
from webmap.catalog.index_cache import cached_index, file_digest, index_digest
from webmap.catalog.report_index import IndexBuilder, ReportIndex, ReportList, ReportsById
from webmap.catalog.spellings import Spellings
from webmap.geo.atlas import LAYER_FILES, Atlas, AtlasError, load_atlas
from webmap.record.glossary import GLOSSARY_FILE, Glossary, load_glossary
from webmap.record.model import Problem, ReportError
from webmap.record.names import NAMES_FILE, read_names
from webmap.record.reports_file import REPORTS_FILE, read_reports_into
from webmap.record.revisions import REVISIONS_FILE
from webmap.record.stories import STORIES_DIR, Story, load_stories

log = logging.getLogger(__name__)
# What /healthz and the 503 page say, whatever the details (those go to the log).
REASONS = {
    "data": "the data files have problems",
    "read": "a data file could not be read",
    "other": "the data could not be loaded",
    "slow": "loading the data took too long",
}


@dataclass
class Catalog:
    """Everything loaded from one data directory; `error` says why loading failed, if it did."""

    data_dir: Path
    atlas: Atlas | None = None
    index: ReportIndex = field(default_factory=lambda: IndexBuilder().build())
    stories: list[Story] = field(default_factory=list)
    spellings: Spellings = field(default_factory=Spellings)  # names.json, for search
    story_problems: list[Problem] = field(default_factory=list)
    glossary: Glossary = field(default_factory=Glossary)  # glossary.json (empty if broken)
    glossary_problems: list[Problem] = field(default_factory=list)
    version: str = ""
    error: str = ""  # every detail, for the log only
    reason: str = ""  # a few generic words, for /healthz and the 503 page
    store_view: Any = None  # with a database: answers queries in SQL (store.served.StoreView)

    @property
    def reports(self) -> ReportList:
        """Every report in id order, each built when it is read."""
        return ReportList(self.index)

    @property
    def by_id(self) -> ReportsById:
        """Every report by id, each built when it is looked up."""
        return ReportsById(self.index)


def data_files(data_dir: Path) -> list[str]:
    """Return the names (relative to data_dir) of every file the map is built from, sorted."""
    names = [REPORTS_FILE, REVISIONS_FILE, "alliances.json", "publishers.json", NAMES_FILE]
    names.append(GLOSSARY_FILE)
    names += LAYER_FILES.values()
    names += [f"{STORIES_DIR}/{p.name}" for p in (data_dir / STORIES_DIR).glob("*.json")]
    return sorted(names)


def data_version(data_dir: Path, reports_digest: str | None = None) -> str:
    """Return a short fingerprint of the data files, so a reader can tell which data is live."""
    digest = hashlib.sha256()
    for name in data_files(data_dir):
        path = data_dir / name
        if name == REPORTS_FILE and reports_digest is not None:
            digest.update(name.encode() + b"\0" + reports_digest.encode())
        elif path.exists():
            digest.update(name.encode() + b"\0" + file_digest(path).encode())
    return digest.hexdigest()[:12]


def read_index(path: Path, spellings: Spellings | None = None) -> ReportIndex:
    """Read and check a reports file into an index; raise ReportError on errors."""
    builder = IndexBuilder(spellings)
    read_reports_into(path, builder)
    return builder.build()


def check_file_kinds(data_dir: Path) -> None:
    """Raise ReportError if a data file is a FIFO, a device, or a link out of data_dir."""
    problems = [
        Problem(str(data_dir / name), "-", "file", why)
        for name in data_files(data_dir)
        if (why := file_problem(data_dir / name, data_dir))
    ]
    if problems:
        raise ReportError(problems)


def revisions_log(data_dir: Path) -> Path:
    """Return the revisions log's path; raise ReportError if it may not be read (a FIFO, a
    device, a link out of data_dir): it is read when a page asks for the record's history."""
    path = Path(data_dir) / REVISIONS_FILE
    if why := file_problem(path, Path(data_dir)):
        raise ReportError([Problem(str(path), "-", "file", why)])
    return path


def load_catalog(data_dir: Path, cache_dir: Path | None = None) -> Catalog:
    """Load reports, geodata and stories from data_dir; record the error if any.

    Never raises: any failure at all is recorded in `error` (the details, for the log) and
    `reason` (a few generic words, for strangers). With cache_dir, the checked reports are
    cached there, so the next start is quick.
    """
    catalog = Catalog(data_dir=Path(data_dir))
    try:
        _load_into(catalog, cache_dir)
    except (ReportError, AtlasError) as exc:
        catalog.error, catalog.reason = str(exc), REASONS["data"]
    except OSError as exc:
        log.exception("A data file could not be read")
        catalog.error, catalog.reason = f"{type(exc).__name__}: {exc}", REASONS["read"]
    except Exception as exc:  # anything at all: the server stays up and says so
        log.exception("Loading the map data failed")
        catalog.error, catalog.reason = f"{type(exc).__name__}: {exc}", REASONS["other"]
    return catalog


def load_index(data_dir: Path, cache_dir: Path | None = None) -> tuple[ReportIndex, str]:
    """Return a data folder's checked reports index (cached) and the reports file's digest.

    The one way every consumer reads reports.geojson: the server, `webmap export` and the
    catalogue; raise ReportError on errors and OSError if it cannot be read.
    """
    check_file_kinds(data_dir)
    reports_path = data_dir / REPORTS_FILE
    digest = file_digest(reports_path)
    spellings = Spellings(read_names(data_dir))  # the search reads the names file too
    index = cached_index(
        index_digest(data_dir, digest), lambda: read_index(reports_path, spellings), cache_dir
    )
    return index, digest


def _load_into(catalog: Catalog, cache_dir: Path | None) -> None:
    """Fill the catalogue from its data directory; raise on any failure."""
    catalog.index, digest = load_index(catalog.data_dir, cache_dir)
    catalog.spellings = Spellings(read_names(catalog.data_dir))
    catalog.atlas = load_atlas(catalog.data_dir)
    catalog.stories, catalog.story_problems = load_stories(
        catalog.data_dir, set(catalog.index.ids.tolist())
    )
    catalog.glossary, catalog.glossary_problems = load_glossary(catalog.data_dir)
    for problem in catalog.glossary_problems:
        log.warning("Glossary left out: %s", problem)
    catalog.version = data_version(catalog.data_dir, digest)
