"""The nginx examples in deploy/ parse with Debian's nginx, and nginx-static.conf serves a built
site with a year's cache on hashed files and revalidation on pages (a real nginx on 127.0.0.1)."""

from __future__ import annotations

import re
import ssl
import subprocess
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from nginx_site import DEPLOY, NGINX, make_certificate, nginx_setup, serve_site

from webmap.web.app import create_app
from webmap.web.site import build_site

ROOT = Path(__file__).parents[1]
DATA = Path(__file__).parent / "data"


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> Path:
    """Return a folder with a throw-away self-signed certificate."""
    return make_certificate(tmp_path_factory.mktemp("cert"))


def nginx_test(main: Path) -> subprocess.CompletedProcess:
    """Run `nginx -t` on a main config."""
    command = [NGINX, "-t", "-p", str(main.parent), "-c", str(main)]
    return subprocess.run(command, capture_output=True, text=True)


@pytest.mark.parametrize("name", ["nginx.conf", "nginx-several.conf", "nginx-static.conf"])
def test_the_nginx_example_parses(name, tmp_path, certificate):
    result = nginx_test(nginx_setup((DEPLOY / name).read_text("utf-8"), tmp_path, certificate))
    assert result.returncode == 0, result.stderr  # Debian 12's nginx 1.22 has no `http2 on;`


def directives(text: str, *names: str) -> list[str]:
    """Return the lines of an nginx config that set one of the named directives."""
    found = [line.strip() for line in text.splitlines()]
    return [line for line in found if line.split(" ", 1)[0] in names]


def test_several_servers_keep_the_buffering_and_limits_of_the_one_server_example():
    one = (DEPLOY / "nginx.conf").read_text("utf-8")
    several = (DEPLOY / "nginx-several.conf").read_text("utf-8")
    kept = ("proxy_request_buffering", "proxy_buffering", "proxy_buffers", "limit_req_zone")
    kept += ("proxy_busy_buffers_size", "proxy_max_temp_file_size", "proxy_read_timeout")
    kept += ("client_header_timeout", "client_body_timeout", "send_timeout", "limit_req")
    kept += ("client_max_body_size", "large_client_header_buffers", "proxy_connect_timeout")
    assert directives(several, *kept) == directives(one, *kept)
    servers = re.findall(r"^\s*server (\S+:\d+)", several, re.MULTILINE)
    assert len(servers) >= 2
    # A server that has not yet loaded the newest data: another is asked for the map script.
    assert "proxy_next_upstream error timeout http_404" in several


def test_gunicorn_trusts_the_forwarding_nginx_it_is_told_of(monkeypatch):
    monkeypatch.setenv("WEBMAP_FORWARDED_ALLOW_IPS", "10.0.0.10")
    settings: dict = {}
    exec((ROOT / "gunicorn.conf.py").read_text("utf-8"), settings)
    assert settings["forwarded_allow_ips"] == "10.0.0.10"
    monkeypatch.delenv("WEBMAP_FORWARDED_ALLOW_IPS")
    settings = {}
    exec((ROOT / "gunicorn.conf.py").read_text("utf-8"), settings)
    assert settings["forwarded_allow_ips"] == "127.0.0.1,::1"


@pytest.fixture(scope="module")
def static_nginx(tmp_path_factory, certificate):
    """Serve a built site of the fixture data with deploy/nginx-static.conf; yield (URL, site)."""
    site = tmp_path_factory.mktemp("site") / "site"
    build_site(create_app({"DATA_DIR": str(DATA), "STATIC_SITE": True, "TESTING": True}), site)
    with serve_site(site, tmp_path_factory.mktemp("nginx"), certificate) as url:
        yield url, site


def fetch(url: str) -> tuple[int, dict[str, str]]:
    """Return the status and headers nginx answers a GET with (any certificate accepted)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, context=context, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


def test_nginx_serves_hashed_files_for_a_year_and_pages_with_no_cache(static_nginx):
    url, site = static_nginx
    script = next((site / "static/js").glob("webmap.*.js")).relative_to(site).as_posix()
    data = next((site / "uk/data").glob("reports.*.js")).relative_to(site).as_posix()
    for path in [script, data, next(site.glob("map.*.js")).name]:
        status, headers = fetch(f"{url}/{path}")
        assert status == 200 and headers["Cache-Control"] == "public, max-age=31536000, immutable"
    for path in ["", "uk/", "reports.html", "manifest.json", "export/reports.geojson"]:
        status, headers = fetch(f"{url}/{path}")
        assert (status, headers["Cache-Control"]) == (200, "no-cache"), path
    assert fetch(f"{url}/export/reports.geojson")[1]["Content-Type"].startswith(
        "application/geo+json"
    )
    for path in ["_headers", ".webmap-site"]:
        assert fetch(f"{url}/{path}")[0] == 404, path
