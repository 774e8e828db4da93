import gzip
import json
from pathlib import Path

import pytest


@pytest.mark.parametrize(
    "path", ["/api/reports", "/map.js", "/", "/static/vendor/leaflet/leaflet.js"]
)
def test_responses_are_gzipped_for_browsers_that_accept_it(client, path):
    plain = client.get(path)
    zipped = client.get(path, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 2
    assert "Content-Encoding" not in plain.headers


@pytest.mark.parametrize("gz", [False, True])
def test_etag_gives_304_when_nothing_changed(client, gz):
    headers = {"Accept-Encoding": "gzip"} if gz else {}
    first = client.get("/api/reports?kind=strike", headers=headers)
    etag = first.headers["ETag"]
    again = client.get("/api/reports?kind=strike", headers={**headers, "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/api/reports?kind=exercise", headers={**headers, "If-None-Match": etag})
    assert other.status_code == 200


def test_cache_lifetimes(client):
    assert client.get("/static/js/webmap.js").headers["Cache-Control"] == "public, max-age=86400"
    assert client.get("/api/layers/countries").headers["Cache-Control"] == "public, max-age=3600"
    reports = client.get("/api/reports").headers["Cache-Control"]
    assert "no-cache" in reports and "max-age=0" in reports


def test_gzipped_api_body_is_the_geojson(client):
    zipped = client.get("/api/reports?kind=strike", headers={"Accept-Encoding": "gzip"})
    body = json.loads(gzip.decompress(zipped.data))
    assert [f["id"] for f in body["features"]] == ["oreshnik-strike-dnipro-2024"]


def test_a_remembered_compressed_answer_is_never_served_for_other_data(app, data_dir):
    from webmap.web.app import create_app

    gz = {"Accept-Encoding": "gzip"}
    before = gzip.decompress(app.test_client().get("/api/reports", headers=gz).data)
    reports_file = data_dir / "reports.geojson"
    reports_file.write_text(reports_file.read_text().replace('"title": "', '"title": "New: '))
    changed = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"})
    after = gzip.decompress(changed.test_client().get("/api/reports", headers=gz).data)
    assert after != before and b'"title":"New: ' in after
    again = gzip.decompress(changed.test_client().get("/api/reports", headers=gz).data)
    assert again == after


def test_each_app_keeps_its_own_compressed_answers(app, data_dir, tmp_path):
    from webmap.web.app import create_app

    gz = {"Accept-Encoding": "gzip"}
    app.test_client().get("/api/layers/countries", headers=gz)
    mine = app.extensions["webmap-gzip"]
    other = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "TILES": "none"})
    assert other.extensions["webmap-gzip"] is not mine
    assert mine.kept and not other.extensions["webmap-gzip"].kept


def test_the_compressed_answers_kept_stay_within_their_budget():
    from webmap.web.http_cache import GzipCache

    cache = GzipCache(budget=1000)
    for name in "abcde":
        cache.put(name, name.encode() * 240)  # 240 bytes each: four fit in the budget
        cache.get("a")  # read often: kept
    assert cache.size <= 1000 and cache.size == sum(map(len, cache.kept.values()))
    assert set(cache.kept) == {"a", "c", "d", "e"}  # b, the least recently used, went
    cache.put("huge", b"x" * 251)  # over a quarter of the budget: never kept
    assert cache.get("huge") is None


def test_tests_never_write_to_the_users_cache_folder(app):
    cache = Path(app.config["INDEX_CACHE_DIR"])
    assert not cache.is_relative_to(Path.home() / ".cache")
