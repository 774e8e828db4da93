"""The same answers from both stores: the files and PostGIS (a real, throw-away PostgreSQL)."""

from __future__ import annotations

import filecmp
import json
import shutil
from pathlib import Path
from urllib.parse import urlencode

import pytest
from test_importer import row, write_csv

from webmap.catalog.catalog import read_index
from webmap.catalog.filters import parse_criteria
from webmap.catalog.spellings import Spellings
from webmap.cli import cli
from webmap.record.names import read_names
from webmap.store.postgis import Store
from webmap.web.app import create_app

REPO_DATA = Path(__file__).parent.parent / "geodata"
ROUND_TRIP = ("reports.geojson", "publishers.json", "revisions.jsonl", "alliances.json")

# Reports on both sides of the antimeridian (the mapped region runs to longitude 190, so
# Chukotka east of it is 180.1), and one in the Atlantic west of -20: a bbox across the
# antimeridian has something to find on either side and something to leave out.
FAR_EAST = [
    ("far-east-west-of-180", 64.7, 179.9),
    ("far-east-on-180", 65.0, 180.0),
    ("far-east-east-of-180", 65.5, 180.1),
    ("far-east-anadyr-side", 64.7, 177.5),
    ("far-east-beyond-186", 66.0, 186.5),
    ("far-west-atlantic", 40.0, -25.0),
]

QUERIES = [
    {},
    {"from": "2024"},
    {"to": "2014-03"},
    {"from": "2022-02-24", "to": "2022-12-31"},
    {"from": "2025-06-01"},
    {"kind": "deployment"},
    {"kind": "exercise,strike"},
    {"kind": ["incident", "statement"]},
    {"kind": "no-such-kind"},
    {"status": "confirmed"},
    {"status": "disputed,denied"},
    {"actor": "BLR"},
    {"actor": "nato,UNION-STATE"},
    {"affiliation": "state_media"},
    {"affiliation": "think_tank,wire"},
    {"q": "minsk"},
    {"q": "Łódź"},
    {"q": "nato belarus"},
    {"q": "Беларусь"},
    {"q": "мінск"},
    {"q": "100%"},
    {"q": "a_b"},
    {"q": "zzzz-nothing"},
    {"bbox": "14,45,40,64"},
    {"bbox": "23.5,51.2,32.8,56.2"},
    {"bbox": "27.56,53.9,27.56,53.9"},
    {"bbox": "170,60,-170,70"},  # across the antimeridian
    {"bbox": "179.9,60,-179.9,70"},
    {"bbox": "180.1,30,-20,70"},
    {"bbox": "170,30,-24.999,70"},
    {"bbox": "20,40,-160,80"},
    {"bbox": "-180,-90,180,90"},
    {"kind": "deployment", "actor": "RUS", "from": "2023"},
    {"status": "reported", "affiliation": "independent", "bbox": "20,50,35,60"},
    {"q": "exercise", "to": "2023-12-31", "actor": "BLR,RUS"},
    {"kind": "statement", "status": "reported", "q": "someone", "bbox": "170,60,-170,70"},
    {"as_of": "2026-11-26"},
    {"as_of": "2026-11-26", "kind": "deployment", "bbox": "20,40,40,60"},
    {"as_of": "2026-12-01", "q": "minsk", "status": "confirmed"},
    {"as_of": "2020-01-01"},
    {"lang": "uk"},
    {"lang": "pl", "q": "wilno"},
    {"lang": "be", "kind": "exercise", "from": "2021"},
    {"lang": "uk", "as_of": "2026-11-26"},
]
VIEWS = [{}, {"view": "ids"}, {"view": "map"}, {"facets": "1"}]


@pytest.fixture(scope="module")
def parity_data(tmp_path_factory) -> Path:
    """Return the shipped data plus a few reports by the antimeridian, imported as files."""
    folder = tmp_path_factory.mktemp("parity") / "data"
    shutil.copytree(REPO_DATA, folder, ignore=shutil.ignore_patterns(".webmap-import.lock"))
    rows = [
        row(rid).replace(",Minsk,city,53.9,27.56,", f",Bering Sea,city,{lat},{lon},")
        for rid, lat, lon in FAR_EAST
    ]
    app = create_app({"TESTING": True, "DATA_DIR": str(folder), "LOAD_DATA": False})
    source = write_csv(folder.parent / "far-east.csv", *rows)
    result = app.test_cli_runner().invoke(cli, ["import", str(source)])
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture(scope="module")
def database(postgis_cluster, parity_data) -> str:
    """Return the URL of a database holding the parity data."""
    url = postgis_cluster.new_database("parity")
    store = Store(url)
    store.init()
    store.load(parity_data)
    store.close()
    return url


def _app(data: Path, url: str = ""):
    config = {"TESTING": True, "DATA_DIR": str(data), "TILES": "none", "INDEX_CACHE_DIR": ""}
    return create_app({**config, "DATABASE_URL": url, "RELOAD_INTERVAL": 0})


@pytest.fixture(scope="module")
def clients(parity_data, database):
    """Return test clients of the same data served from the files and from the database."""
    files, db = _app(parity_data), _app(parity_data, database)
    assert db.extensions["webmap"].get_catalog().store_view is not None  # answers in SQL
    yield files.test_client(), db.test_client()
    assert not db.extensions["webmap"].get_catalog().store_view.stale  # SQL answered, always
    db.extensions["webmap"].record.store.close()


def test_load_then_dump_gives_identical_files(postgis_cluster, tmp_path):
    store = Store(postgis_cluster.new_database("round_trip"))
    store.init()
    shipped = json.loads((REPO_DATA / ROUND_TRIP[0]).read_text())["features"]
    assert store.load(REPO_DATA) == len(shipped)
    store.dump(tmp_path / "out")
    store.close()
    for name in ROUND_TRIP:
        assert filecmp.cmp(REPO_DATA / name, tmp_path / "out" / name, shallow=False), name


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: urlencode(q, doseq=True) or "all")
def test_both_stores_answer_the_api_alike(clients, query):
    files, db = clients
    for view in VIEWS:
        url = "/api/reports?" + urlencode({**query, **view}, doseq=True)
        a, b = files.get(url), db.get(url)
        assert (a.status_code, a.data) == (b.status_code, b.data), url
        assert a.status_code == 200, url


def test_the_table_finds_some_and_leaves_some(clients):
    """The queries are worth comparing: most find reports, and most leave some out."""
    files, _ = clients
    everything = len(files.get("/api/reports?view=ids").get_json()["ids"])
    found = [len(files.get("/api/reports?" + urlencode({**q, "view": "ids"}, doseq=True))
                 .get_json()["ids"]) for q in QUERIES]  # fmt: skip
    assert sum(0 < n < everything for n in found) >= len(QUERIES) * 2 // 3
    across = files.get("/api/reports?bbox=170,60,-170,70&view=ids").get_json()["ids"]
    assert sorted(across) == sorted(r for r, lat, lon in FAR_EAST if lon > 170 and lat >= 60)
    west = files.get("/api/reports?bbox=180.1,30,-20,70&view=ids").get_json()["ids"]
    assert set(west) == {"far-east-east-of-180", "far-east-beyond-186", "far-west-atlantic"}


@pytest.mark.parametrize("query", [q for q in QUERIES if "as_of" not in q and "lang" not in q])
def test_sql_finds_what_the_index_finds(database, parity_data, query):
    """The database's SQL itself (not a fallback on the index) chooses the same reports."""
    store = Store(database)
    criteria = parse_criteria({k: v if isinstance(v, list) else [v] for k, v in query.items()})
    index = read_index(parity_data / "reports.geojson", Spellings(read_names(parity_data)))
    found = store.query_ids(criteria, store.token())
    store.close()
    assert found == index.ids[index.query(criteria)].tolist()


@pytest.mark.parametrize(
    "path",
    [
        "/reports?kind=deployment&sort=date",
        "/reports?q=minsk&lang=uk",
        "/ogc/collections/reports/items?f=json&datetime=2022-01-01/..&limit=20",
        "/ogc/collections/reports/items?f=json&bbox=170,60,-170,70",
        "/export/reports.csv?actor=BLR&from=2022",
        "/reports?as_of=2026-11-26&kind=deployment",
        "/reports/far-east-on-180/history",
        "/changes",
        "/api/reports/far-east-on-180",
        "/api/reports/armenia-freezes-csto-participation-2024?as_of=2026-11-26&lang=uk",
        "/changes.atom",
    ],
)
def test_pages_and_downloads_alike(clients, path):
    files, db = clients
    a, b = files.get(path), db.get(path)
    assert a.status_code == b.status_code == 200
    if "/ogc/" in path:  # the time of the answer differs, whichever store answers
        a, b = _without_time_stamp(a.data), _without_time_stamp(b.data)
        assert a["numberMatched"] > 0
        assert a == b
    else:
        assert a.data == b.data


def _without_time_stamp(body: bytes) -> dict:
    document = json.loads(body)
    document.pop("timeStamp")
    return document


def test_same_data_version(clients):
    files, db = clients
    a, b = files.get("/healthz").get_json(), db.get("/healthz").get_json()
    assert a["data_version"] == b["data_version"] and a["reports"] == b["reports"]
