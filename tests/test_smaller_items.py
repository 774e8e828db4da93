"""Issue 13, item 9: redirects, gzip;q=0, full disks, well-formed KML, the offline site's CSP."""

from __future__ import annotations

import errno
import json
import os
import re
import select
import stat
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import pytest
from defusedxml import ElementTree
from xss_corpus import write_data_dir

from webmap.cli import cli
from webmap.record.exports import export_bytes
from webmap.record.reports_file import load_reports
from webmap.web.app import create_app

KML = "{http://www.opengis.net/kml/2.2}"


def no_space(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


@pytest.mark.parametrize("path", ["/api//reports", "/api//reports?kind=strike", "//reports"])
def test_redirects_do_not_reflect_the_host_header(client, path):
    response = client.get(path, headers={"Host": "evil.example"})
    if response.status_code in (301, 302, 307, 308):
        location = response.headers["Location"]
        assert location.startswith("/") and not location.startswith("//")
        assert "evil.example" not in location


@pytest.mark.parametrize("header", ["gzip;q=0", "gzip;q=0, deflate", "identity", "*;q=0"])
def test_gzip_only_when_the_client_accepts_it(client, header):
    response = client.get("/api/reports", headers={"Accept-Encoding": header})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    json.loads(response.data)


def test_gzip_when_accepted(client):
    response = client.get("/api/reports", headers={"Accept-Encoding": "gzip;q=0.5"})
    assert response.headers["Content-Encoding"] == "gzip"


def test_export_to_a_missing_folder_says_so(runner, tmp_path):
    target = tmp_path / "no" / "such" / "reports.csv"
    result = runner.invoke(cli, ["export", "--format", "csv", "-o", str(target)])
    assert result.exit_code == 1
    assert f"could not write {target}" in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit


def test_export_to_a_full_screen_output_says_so(data_dir, tmp_path):
    webmap = Path(sys.executable).parent / "webmap"
    env = {**os.environ, "WEBMAP_DATA_DIR": str(data_dir), "WEBMAP_CACHE_DIR": str(tmp_path)}
    with open("/dev/full", "wb") as full:  # `webmap export > reports.csv` on a full disk
        done = subprocess.run(
            [str(webmap), "export", "--format", "csv"],
            stdout=full,
            stderr=subprocess.PIPE,
            env=env,
            timeout=120,
        )
    assert done.returncode == 1
    assert "No space left on device" in done.stderr.decode()
    assert "Traceback" not in done.stderr.decode() and "Exception" not in done.stderr.decode()


def test_export_into_a_fifo_writes_through_it_and_leaves_it_in_place(runner, tmp_path):
    (tmp_path / "out").mkdir()
    fifo = (
        tmp_path / "out" / "pipe"
    )  # like -o /dev/stdout: a device or FIFO is written, not replaced
    os.mkfifo(fifo)
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    received: list[bytes] = []
    done = threading.Event()

    def drain() -> None:
        while not done.is_set() or select.select([reader], [], [], 0)[0]:
            if select.select([reader], [], [], 0.05)[0]:
                chunk = os.read(reader, 65536)
                received.append(chunk)
                if not chunk and done.is_set():
                    return

    thread = threading.Thread(target=drain, daemon=True)
    thread.start()
    try:
        result = runner.invoke(cli, ["export", "--format", "csv", "-o", str(fifo)])
    finally:
        done.set()
        thread.join(10)
        os.close(reader)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)  # still the FIFO, not a file in its place
    assert b"".join(received).lstrip(b"\xef\xbb\xbf").startswith(b"id,")
    assert [p.name for p in fifo.parent.iterdir()] == ["pipe"]


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    """Return an empty folder to write into."""
    (tmp_path / "out").mkdir()
    return tmp_path / "out"


def test_export_on_a_full_disk_leaves_nothing(runner, out_dir, monkeypatch):
    monkeypatch.setattr("webmap.record.geojson_io.os.fsync", no_space)
    target = out_dir / "reports.geojson"
    result = runner.invoke(cli, ["export", "-o", str(target)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output
    assert result.exception.__class__ is SystemExit
    assert list(out_dir.iterdir()) == []


def test_build_site_on_a_full_disk_leaves_no_partial_site(runner, out_dir, monkeypatch):
    monkeypatch.setattr("webmap.web.site.manifest_bytes", no_space)  # every page written
    out = out_dir / "site"
    result = runner.invoke(cli, ["build-site", str(out)])
    assert result.exit_code == 1
    assert "No space left on device" in result.output and "nothing was left behind" in result.output
    assert result.exception.__class__ is SystemExit
    assert list(out_dir.iterdir()) == []


def test_build_site_into_an_unwritable_place_says_so(runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", "utf-8")
    result = runner.invoke(cli, ["build-site", str(blocker / "site")])
    assert result.exit_code == 1
    assert "could not write the site" in result.output
    assert result.exception.__class__ is SystemExit


def test_build_site_keeps_a_folder_of_other_things(runner, tmp_path):
    out = tmp_path / "documents"
    out.mkdir()
    (out / "essay.txt").write_text("mine", "utf-8")
    result = runner.invoke(cli, ["build-site", str(out)])
    assert result.exit_code == 1 and "not empty" in result.output
    assert [p.name for p in out.iterdir()] == ["essay.txt"]


def test_build_site_replaces_its_own_site(runner, out_dir):
    out = out_dir / "site"
    assert runner.invoke(cli, ["build-site", str(out)]).exit_code == 0
    (out / "stale.html").write_text("old", "utf-8")
    assert runner.invoke(cli, ["build-site", str(out)]).exit_code == 0
    assert (out / "index.html").is_file() and not (out / "stale.html").exists()
    assert [p.name for p in out_dir.iterdir()] == ["site"]


def test_every_offline_page_carries_a_content_security_policy(runner, tmp_path):
    out = tmp_path / "site"
    assert runner.invoke(cli, ["build-site", str(out)]).exit_code == 0
    pages = sorted(out.rglob("*.html"))
    assert len(pages) > 5
    for page in pages:
        html = page.read_text("utf-8")
        found = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">', html)
        assert found, page
        policy = found.group(1).replace("&#39;", "'")
        assert "script-src 'self'" in policy and "object-src 'none'" in policy, page
        assert "unsafe-eval" not in policy and "frame-ancestors" not in policy, page
        if "<script" in html:  # the policy comes first, or it does not apply to the script
            assert html.index("Content-Security-Policy") < html.index("<script"), page


def kml_names(data: bytes) -> list[str]:
    """Parse KML (refusing anything that is not well-formed XML) and return the names."""
    root = ElementTree.fromstring(data)
    return [element.text or "" for element in root.iter(f"{KML}name")]


def test_kml_of_hostile_text_is_well_formed_and_names_carry_no_markup(tmp_path):
    data_dir = write_data_dir(tmp_path / "hostile")
    app = create_app({"TESTING": True, "DATA_DIR": str(data_dir), "INDEX_CACHE_DIR": ""})
    response = app.test_client().get("/export/reports.kml")
    assert response.status_code == 200
    names = kml_names(response.data)
    assert len(names) > 50
    for name in names:
        assert "<" not in name and ">" not in name, name


def test_kml_stays_well_formed_even_with_characters_xml_cannot_hold(data_dir):
    (report, *others) = load_reports(data_dir / "reports.geojson")
    odd = replace(report, title="A \ufffe title \uffff with \x07 in it", claimed_by="\x1b[31m")
    names = kml_names(export_bytes([odd, *others], "kml"))
    assert "A  title  with  in it" in names


def test_kml_names_read_like_the_titles(data_dir):
    reports = load_reports(Path(data_dir) / "reports.geojson")
    assert set(kml_names(export_bytes(reports, "kml"))) >= {r.title for r in reports}
