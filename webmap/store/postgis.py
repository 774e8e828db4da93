"""PostgreSQL + PostGIS as the record: schema, load and dump of a data folder, SQL queries.

Flask-free. The database holds what editors change (reports with their sources, the revisions
log, publishers, alliances, and names.json, which search reads); the map's layers and stories
stay files. Every change is one transaction, and each bumps a token: every worker and machine
serving the same database knows which record it serves. Plain SQL through psycopg 3.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import psycopg

from webmap.catalog.derived import search_text
from webmap.catalog.filters import Criteria
from webmap.catalog.spellings import Spellings
from webmap.geo.atlas import ALLIANCES_FILE
from webmap.record.geojson_io import atomic_write_bytes
from webmap.record.names import NAMES_FILE, read_names
from webmap.record.publishers import PUBLISHERS_FILE
from webmap.record.reports_file import REPORTS_FILE, load_reports, read_text
from webmap.record.revisions import REVISIONS_FILE, read_revisions
from webmap.store.errors import StoreError

# The files the database holds, kept as their exact text (hand-formatted, reviewed as files).
DOCUMENTS = (PUBLISHERS_FILE, ALLIANCES_FILE, NAMES_FILE)
HELD_FILES = (REPORTS_FILE, REVISIONS_FILE, *DOCUMENTS)
T = TypeVar("T")
EDIT_LOCK = 0x7765626D6170  # pg_advisory_xact_lock key: one edit of the record at a time
CONNECT_TIMEOUT = 5  # seconds
FAR = 1000.0  # beyond any longitude: a bbox across the antimeridian is two boxes to it
MAX_IDLE = 8  # connections kept open for the next query (one per busy thread)

SCHEMA = """
CREATE EXTENSION IF NOT EXISTS postgis;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TABLE IF NOT EXISTS record (
    one boolean PRIMARY KEY DEFAULT true CHECK (one),
    token text NOT NULL,
    changed timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS reports (
    id text COLLATE "C" PRIMARY KEY,
    feature json NOT NULL,
    layout text NOT NULL,  -- its lines in reports.geojson, so a dump is a join
    geom geometry(Point, 4326) NOT NULL,
    start_day date NOT NULL,
    end_day date NOT NULL,
    kind text NOT NULL,
    status text NOT NULL,
    actors text[] NOT NULL,
    affiliations text[] NOT NULL,
    search text COLLATE "C" NOT NULL
);
CREATE INDEX IF NOT EXISTS reports_geom ON reports USING gist (geom);
CREATE INDEX IF NOT EXISTS reports_start ON reports (start_day);
CREATE INDEX IF NOT EXISTS reports_end ON reports (end_day);
CREATE INDEX IF NOT EXISTS reports_kind ON reports (kind);
CREATE INDEX IF NOT EXISTS reports_status ON reports (status);
CREATE INDEX IF NOT EXISTS reports_actors ON reports USING gin (actors);
CREATE INDEX IF NOT EXISTS reports_affiliations ON reports USING gin (affiliations);
CREATE INDEX IF NOT EXISTS reports_search ON reports USING gin (search gin_trgm_ops);
CREATE TABLE IF NOT EXISTS sources (
    report_id text COLLATE "C" NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    n integer NOT NULL,
    url text NOT NULL,
    publisher text NOT NULL,
    affiliation text NOT NULL,
    published text NOT NULL,
    PRIMARY KEY (report_id, n)
);
CREATE INDEX IF NOT EXISTS sources_affiliation ON sources (affiliation);
CREATE TABLE IF NOT EXISTS revisions (
    n bigserial PRIMARY KEY,
    time text COLLATE "C" NOT NULL,
    day date NOT NULL,
    action text NOT NULL,
    report_id text COLLATE "C" NOT NULL,
    after json,
    line text NOT NULL
);
CREATE INDEX IF NOT EXISTS revisions_day ON revisions (day);
CREATE INDEX IF NOT EXISTS revisions_report ON revisions (report_id);
CREATE TABLE IF NOT EXISTS publishers (
    domain text PRIMARY KEY,
    n integer NOT NULL,
    name text NOT NULL,
    affiliation text NOT NULL,
    row json NOT NULL
);
CREATE TABLE IF NOT EXISTS alliances (
    code text PRIMARY KEY,
    n integer NOT NULL,
    name text NOT NULL,
    alliance json NOT NULL
);
CREATE TABLE IF NOT EXISTS documents (
    name text PRIMARY KEY,
    body text NOT NULL
);
"""
TABLES = ("sources", "reports", "revisions", "publishers", "alliances", "documents", "record")


class Store:
    """One PostGIS database as the record: connections are opened when needed, and an idle
    one is kept for the next caller (a lost one is dropped, and the next caller opens anew)."""

    def __init__(self, url: str):
        self.url = url
        self._idle: list[psycopg.Connection] = []
        self._lock = threading.Lock()
        weakref.finalize(self, _close_all, self._idle)
        # A connection is one process's: gunicorn forks its workers after loading the data.
        this = weakref.ref(self)
        os.register_at_fork(before=lambda: (store := this()) and store.close())

    @contextmanager
    def connection(self) -> Iterator[psycopg.Connection]:
        """Yield a connection of its own to the caller; database faults raise StoreError."""
        with self._lock:
            conn = self._idle.pop() if self._idle else None
        try:
            if conn is None or conn.closed or conn.broken:
                conn = psycopg.connect(self.url, connect_timeout=CONNECT_TIMEOUT)
            yield conn
        except psycopg.errors.UndefinedTable as exc:
            raise StoreError("the database has no webmap tables: run `webmap db init`") from exc
        except psycopg.Error as exc:  # lost, refused, shut down, or a query it refused
            _close_all([conn] if conn is not None else [])
            conn = None
            raise StoreError(f"the database could not be used ({_first_line(exc)})") from exc
        finally:
            if conn is not None:
                with self._lock:
                    keep = len(self._idle) < MAX_IDLE and not conn.broken
                    if keep:
                        self._idle.append(conn)
                if not keep:
                    _close_all([conn])

    @contextmanager
    def transaction(self, snapshot: bool = False) -> Iterator[psycopg.Connection]:
        """Yield a connection inside one transaction (with snapshot: one consistent view)."""
        with self.connection() as conn:
            if conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                conn.rollback()  # an earlier failure left it open
            with conn.transaction():
                if snapshot:
                    conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
                yield conn

    def close(self) -> None:
        """Close the idle connections."""
        with self._lock:
            _close_all(self._idle)

    def init(self) -> None:
        """Create the schema (the extensions, tables and indexes) where it is missing."""
        with self.transaction() as conn:
            conn.execute(SCHEMA)
            conn.execute("INSERT INTO record (token) VALUES ('') ON CONFLICT DO NOTHING")

    def read(self, work: Callable[[psycopg.Connection], T]) -> T:
        """Return work(conn) run in one consistent view; a read that fails is tried once more
        on a new connection (a kept one may have been cut while idle), then raises StoreError."""
        try:
            with self.transaction(snapshot=True) as conn:
                return work(conn)
        except StoreError:
            self.close()  # the other kept connections were most likely cut too
            with self.transaction(snapshot=True) as conn:
                return work(conn)

    def token(self) -> str:
        """Return the record's token: it changes with every load and import."""
        return self.read(_token)

    def load(self, data_dir: Path) -> int:
        """Replace the record by a data folder's, in one transaction; return the reports loaded.

        The folder is checked as `webmap check` would read it first; raise ReportError (and
        change nothing) if its reports or revisions have errors.
        """
        data_dir = Path(data_dir)
        reports = load_reports(data_dir / REPORTS_FILE)  # checked, affiliations resolved
        features = json.loads(read_text(data_dir / REPORTS_FILE))["features"]
        revisions = _revision_lines(data_dir / REVISIONS_FILE)
        documents = {n: read_text(data_dir / n) for n in DOCUMENTS if (data_dir / n).exists()}
        spellings = Spellings(read_names(data_dir))
        with self.transaction() as conn:
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (EDIT_LOCK,))
            conn.execute("TRUNCATE sources, reports, revisions, publishers, alliances, documents")
            _write_reports(conn, reports, features, spellings)
            _append_revisions(conn, revisions)
            _write_documents(conn, documents)
            _new_token(conn)
        return len(reports)

    def dump(self, out_dir: Path) -> int:
        """Write the record's files into out_dir (as `webmap import` writes them); return the
        number of reports."""
        out_dir = Path(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        return self.read(lambda conn: _dump(conn, out_dir))

    def snapshot(self, out_dir: Path) -> str:
        """Write the record's files into out_dir from one consistent view; return its token."""
        Path(out_dir).mkdir(parents=True, exist_ok=True)

        def work(conn: psycopg.Connection) -> str:
            _dump(conn, Path(out_dir))
            return _token(conn)

        return self.read(work)

    @contextmanager
    def editing(self, folder: Path, wait: float = 60.0) -> Iterator[Path]:
        """Yield folder holding the record's files, under the edit lock; store what changed in
        them, all in one transaction (nothing is stored if the block raises)."""
        folder = Path(folder)
        with self.transaction() as conn:
            conn.execute(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
            try:
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (EDIT_LOCK,))
            except psycopg.errors.LockNotAvailable:
                raise EditBusy(wait) from None
            conn.execute("SET LOCAL lock_timeout = 0")
            _dump(conn, folder)
            before = {
                rid: feature
                for rid, feature in conn.execute("SELECT id, feature::text FROM reports")
            }
            logged = conn.execute("SELECT count(*) FROM revisions").fetchone()[0]
            yield folder
            _store_changes(conn, folder, before, logged)

    def query_ids(self, c: Criteria, token: str) -> list[str] | None:
        """Return the ids of the reports that meet the criteria, in id order, or None if the
        record is no longer the one with this token (the caller's index is out of date)."""
        where, params = criteria_sql(c)

        def work(conn: psycopg.Connection) -> list[str] | None:
            if _token(conn) != token:
                return None
            rows = conn.execute(f"SELECT id FROM reports WHERE {where} ORDER BY id", params)
            return [row[0] for row in rows]

        return self.read(work)

    def record_as_of(self, day: str, token: str) -> dict[str, dict[str, Any]] | None:
        """Return every report Feature by id as the record stood at the end of day (None if the
        record is no longer the one with this token)."""
        sql = (
            "SELECT report_id, after::text FROM (SELECT DISTINCT ON (report_id) report_id, after"
            " FROM revisions WHERE day <= %s ORDER BY report_id, time DESC, n DESC) last"
            " WHERE after IS NOT NULL"
        )

        def work(conn: psycopg.Connection) -> dict[str, dict[str, Any]] | None:
            if _token(conn) != token:
                return None
            return {rid: json.loads(after) for rid, after in conn.execute(sql, (day,))}

        return self.read(work)


class EditBusy(Exception):
    """Another edit of the record held the lock for longer than the wait."""

    def __init__(self, wait: float):
        super().__init__(
            f"another import is running on this database; waited {wait:g} s for it to finish. "
            "Try again when it has finished."
        )


def criteria_sql(c: Criteria) -> tuple[str, list[Any]]:
    """Return the WHERE clause (and its parameters) that chooses what ReportIndex.query does."""
    where, params = ["true"], []
    if c.date_from:
        where.append("end_day >= %s")
        params.append(c.date_from)
    if c.date_to:
        where.append("start_day <= %s")
        params.append(c.date_to)
    for column, values in (("kind", c.kind), ("status", c.status)):
        if values:
            where.append(f"{column} = ANY(%s)")
            params.append(list(values))
    for column, values in (("actors", c.actor), ("affiliations", c.affiliation)):
        if values:
            where.append(f"{column} && %s::text[]")
            params.append(list(values))
    if c.bbox:
        west, south, east, north = c.bbox
        # The GiST index finds candidates by box (float4, rounded outwards); the exact test
        # is on the coordinates as stored, as the index compares them.
        boxes = [(west, east)] if west <= east else [(west, FAR), (-FAR, east)]
        near = " OR ".join("geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)" for _ in boxes)
        for low, high in boxes:
            params += [min(low, high), south, max(low, high), north]
        lon = (
            "ST_X(geom) BETWEEN %s AND %s"
            if west <= east
            else "(ST_X(geom) >= %s OR ST_X(geom) <= %s)"
        )
        where.append(f"({near}) AND {lon} AND ST_Y(geom) BETWEEN %s AND %s")
        params += [west, east, south, north]
    for word in c.q.split():
        where.append("search LIKE %s")
        params.append("%" + _like_escaped(word) + "%")
    return " AND ".join(where), params


def _token(conn: psycopg.Connection) -> str:
    """Return the record's token as conn sees it ('' before the first load)."""
    row = conn.execute("SELECT token FROM record").fetchone()
    return row[0] if row else ""


def _close_all(connections: list[psycopg.Connection]) -> None:
    """Close the connections and empty the list."""
    while connections:
        conn = connections.pop()
        try:
            conn.close()
        except psycopg.Error:
            pass


def _like_escaped(word: str) -> str:
    """Return word with LIKE's wildcards and escape character taken literally."""
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _first_line(exc: Exception) -> str:
    """Return the first line of an exception's message."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]


def _revision_lines(path: Path) -> list[tuple[str, str]]:
    """Return a log's revisions (checked) with each one's line as written; [] if there is none."""
    revisions = read_revisions(path)
    if not revisions:
        return []
    lines = [line for line in read_text(path).splitlines() if line.strip()]
    return list(zip([r.to_line() for r in revisions], lines, strict=True))


def _write_reports(conn: psycopg.Connection, reports: list, features: list, spellings) -> None:
    """Copy reports (with their sources) into their tables, from checked Reports and Features."""
    by_id = {f["id"]: f for f in features}
    with conn.cursor() as cur:
        columns = "id, feature, layout, geom, start_day, end_day, kind, status, actors,"
        with cur.copy(f"COPY reports ({columns} affiliations, search) FROM STDIN") as copy:
            for r in reports:
                feature = by_id[r.id]
                copy.write_row(
                    (
                        r.id,
                        json.dumps(feature, ensure_ascii=False, separators=(",", ":")),
                        feature_layout(feature),
                        f"SRID=4326;POINT({r.lon!r} {r.lat!r})",
                        *r.span,
                        r.kind,
                        r.status,
                        list(r.actors),
                        sorted({s.affiliation for s in r.sources}),
                        search_text(r, spellings),
                    )
                )
        columns = "report_id, n, url, publisher, affiliation, published"
        with cur.copy(f"COPY sources ({columns}) FROM STDIN") as copy:
            for r in reports:
                for n, s in enumerate(r.sources):
                    copy.write_row((r.id, n, s.url, s.publisher, s.affiliation, s.published))


def feature_layout(feature: dict[str, Any]) -> str:
    """Return a Feature as its lines in the reports file (dumps_feature_collection's layout)."""
    lines = json.dumps(feature, indent=2, ensure_ascii=False).split("\n")
    return "\n".join("    " + line for line in lines)


def collection_text(layouts: list[str]) -> str:
    """Return the reports file holding Features laid out by feature_layout."""
    if not layouts:
        return '{\n  "type": "FeatureCollection",\n  "features": []\n}\n'
    head = '{\n  "type": "FeatureCollection",\n  "features": [\n'
    return head + ",\n".join(layouts) + "\n  ]\n}\n"


def _append_revisions(conn: psycopg.Connection, revisions: list[tuple[str, str]]) -> None:
    """Append revisions to the log's table, each with its line as written."""
    rows = []
    for _, line in revisions:
        data = json.loads(line)
        after = data["after"]
        rows.append(
            (
                data["time"],
                data["time"][:10],
                data["action"],
                data["id"],
                None if after is None else json.dumps(after, ensure_ascii=False),
                line,
            )
        )
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO revisions (time, day, action, report_id, after, line)"
            " VALUES (%s, %s, %s, %s, %s, %s)",
            rows,
        )


def _write_documents(conn: psycopg.Connection, documents: dict[str, str]) -> None:
    """Keep each document's exact text, and the publishers and alliances as rows too."""
    with conn.cursor() as cur:
        cur.executemany(
            "INSERT INTO documents (name, body) VALUES (%s, %s)", list(documents.items())
        )
        publishers = json.loads(documents.get(PUBLISHERS_FILE, "{}")).get("publishers", [])
        cur.executemany(
            "INSERT INTO publishers (domain, n, name, affiliation, row)"
            " VALUES (%s, %s, %s, %s, %s)",
            [
                (p["domain"], n, p["name"], p["affiliation"], json.dumps(p, ensure_ascii=False))
                for n, p in enumerate(publishers)
            ],
        )
        alliances = json.loads(documents.get(ALLIANCES_FILE, "{}")).get("alliances", [])
        cur.executemany(
            "INSERT INTO alliances (code, n, name, alliance) VALUES (%s, %s, %s, %s)",
            [
                (a["code"], n, a.get("name", ""), json.dumps(a, ensure_ascii=False))
                for n, a in enumerate(alliances)
            ],
        )


def _new_token(conn: psycopg.Connection) -> None:
    """Mark the record as changed: a new token every reader compares with its own."""
    conn.execute(
        "INSERT INTO record (token) VALUES (%s) ON CONFLICT (one)"
        " DO UPDATE SET token = excluded.token, changed = now()",
        (secrets.token_hex(8),),
    )


def _dump(conn: psycopg.Connection, out_dir: Path) -> int:
    """Write the record's files into out_dir from conn's view; return the number of reports."""
    layouts = [text for (text,) in conn.execute("SELECT layout FROM reports ORDER BY id")]
    lines = [line for (line,) in conn.execute("SELECT line FROM revisions ORDER BY n")]
    documents = dict(conn.execute("SELECT name, body FROM documents").fetchall())
    atomic_write_bytes(out_dir / REPORTS_FILE, collection_text(layouts).encode())
    log = "".join(line + "\n" for line in lines)
    if lines or (out_dir / REVISIONS_FILE).exists():
        atomic_write_bytes(out_dir / REVISIONS_FILE, log.encode())
    for name, body in documents.items():
        atomic_write_bytes(out_dir / name, body.encode())
    return len(layouts)


def _store_changes(
    conn: psycopg.Connection, folder: Path, before: dict[str, str], logged: int
) -> None:
    """Store the reports that changed in folder's files and the revisions appended to its log."""
    reports = load_reports(folder / REPORTS_FILE)  # ReportError: nothing is stored
    features = {f["id"]: f for f in json.loads(read_text(folder / REPORTS_FILE))["features"]}
    texts = {
        rid: json.dumps(f, ensure_ascii=False, separators=(",", ":")) for rid, f in features.items()
    }
    changed = [r for r in reports if _normal(before.get(r.id)) != texts[r.id]]
    gone = sorted(set(before) - set(features))
    revisions = _revision_lines(folder / REVISIONS_FILE)[logged:]
    if not changed and not gone and not revisions:
        return
    ids = [r.id for r in changed] + gone
    conn.execute("DELETE FROM reports WHERE id = ANY(%s)", (ids,))
    spellings = Spellings(read_names(folder))
    _write_reports(conn, changed, [features[r.id] for r in changed], spellings)
    _append_revisions(conn, revisions)
    _new_token(conn)


def _normal(text: str | None) -> str | None:
    """Return a stored Feature's text in the compact form rows are written in."""
    if text is None:
        return None
    return json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
