"""Map assets are the same in every process and addressed by content hash (issue 13, item 1)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from urllib.parse import parse_qs, urlsplit

from webmap.web.app import create_app

IMMUTABLE = "public, max-age=31536000, immutable"
PROBE = """
import json, re, sys
from webmap.web.app import create_app
app = create_app({"TESTING": True, "DATA_DIR": sys.argv[1], "INDEX_CACHE_DIR": ""})
html = app.test_client().get("/").get_data(as_text=True)
print(json.dumps(re.findall(r'id="(map_[^"]+)"', html) + re.findall(r'src="([^"]+)"', html)))
"""


def ids_and_script(html: str) -> list[str]:
    """Return the map element ids and the script URL of a map page."""
    return re.findall(r'id="(map_[^"]+)"', html) + re.findall(r'src="([^"]+)"', html)


def test_every_process_renders_the_same_ids_and_script_url(app, data_dir):
    here = ids_and_script(app.test_client().get("/").get_data(as_text=True))
    others = [
        json.loads(subprocess.check_output([sys.executable, "-c", PROBE, str(data_dir)]))
        for _ in range(2)
    ]
    assert here[0].startswith("map_") and re.fullmatch(r"/map\.[0-9a-f]{16}\.js", here[-1])
    assert others == [here, here]


def test_the_page_and_its_script_name_the_same_map(client):
    html = client.get("/").get_data(as_text=True)
    (map_id,) = re.findall(r'id="(map_[^"]+)"', html)
    (src,) = re.findall(r'<script src="([^"]+)"', html)
    assert f'"{map_id}"' in client.get(src).get_data(as_text=True)


def test_a_reload_keeps_the_ids(data_dir):
    config = {"DATA_DIR": str(data_dir), "RELOAD_INTERVAL": 1e-6, "RELOAD_IN_BACKGROUND": False}
    app = create_app({"TESTING": True, **config})
    client = app.test_client()
    before = ids_and_script(client.get("/").get_data(as_text=True))
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"][0]["properties"]["title"] = "A changed title"
    path.write_text(json.dumps(data), "utf-8")
    client.get("/healthz")  # the reload happens here
    assert client.get("/healthz").get_json()["last_reload"]["result"] == "loaded"
    assert ids_and_script(client.get("/").get_data(as_text=True)) == before


def test_the_script_is_cached_for_good_under_its_hash(client):
    html = client.get("/").get_data(as_text=True)
    (src,) = re.findall(r'<script src="([^"]+)"', html)
    response = client.get(src)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == IMMUTABLE
    assert response.mimetype == "text/javascript"


def test_an_old_hash_is_a_404_that_is_not_cached(client):
    response = client.get("/map.0123456789abcdef.js")
    assert response.status_code == 404
    assert response.headers["Cache-Control"] == "no-store"
    assert "reload the page" in response.get_data(as_text=True)


def test_data_layers_are_named_by_the_data_version(client):
    html = client.get("/").get_data(as_text=True)
    config = json.loads(re.search(r'id="webmap-config">(.*?)</script>', html).group(1))
    version = client.get("/healthz").get_json()["data_version"]
    for url in config["layerUrls"].values():
        assert parse_qs(urlsplit(url).query)["v"] == [version]  # (the names also ask lang=)
        assert client.get(url).headers["Cache-Control"] == IMMUTABLE
    for url in config["layerUrls"].values():
        path = urlsplit(url).path
        other = client.get(f"{path}?v=000000000000")  # a page of another worker's data
        directives = {d.strip() for d in other.headers["Cache-Control"].split(",")}
        assert directives == {"public", "max-age=0", "no-cache"}, path
        # a tool that names no version may keep it an hour
        assert client.get(path).headers["Cache-Control"] == "public, max-age=3600", path


def test_after_a_geodata_change_the_previous_script_is_still_served(data_dir):
    config = {"DATA_DIR": str(data_dir), "RELOAD_INTERVAL": 1e-6, "RELOAD_IN_BACKGROUND": False}
    client = create_app({"TESTING": True, **config}).test_client()
    old = ids_and_script(client.get("/").get_data(as_text=True))[-1]
    path = data_dir / "occupied.geojson"  # drawn by the map script itself
    areas = json.loads(path.read_text("utf-8"))
    areas["features"][0]["properties"]["name"] += " (renamed)"
    path.write_text(json.dumps(areas), "utf-8")
    client.get("/healthz")  # the reload happens here
    new = ids_and_script(client.get("/").get_data(as_text=True))[-1]
    assert new != old
    assert client.get(new).status_code == 200
    assert client.get(old).status_code == 200  # a page rendered just before the reload
    assert "(renamed)" in client.get(new).get_data(as_text=True)
    assert "(renamed)" not in client.get(old).get_data(as_text=True)
