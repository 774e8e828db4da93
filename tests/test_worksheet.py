"""The worksheet page: served for any map view, written into the offline site in every language."""

from __future__ import annotations

import json
import re

from webmap.record.languages import LANGUAGES
from webmap.web.site import SITE_ENVIRON, _pages


def page_config(html: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="webmap-config">(.*?)</script>', html, re.S
    )
    return json.loads(found.group(1))


def test_the_worksheet_is_the_map_page_laid_out_for_pupils(client):
    response = client.get("/worksheet?kind=strike&from=2024-01&lang=pl")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert '<html lang="pl">' in html
    assert 'class="map-page worksheet-page"' in html
    assert "Karta pracy" in html and "Imię i nazwisko:" in html
    # Only the worksheet loads the QR encoder; the map's script is the map page's own.
    assert 'src="/static/vendor/qrcode-generator/qrcode.js"' in html
    assert "qrcode-generator" not in client.get("/?lang=pl").get_data(as_text=True)
    config = page_config(html)
    assert config["mapUrl"] == "/" and config["worksheetUrl"] == "/worksheet"
    assert re.fullmatch(r"[0-9a-f]{12}", config["dataVersion"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", config["dataDay"])


def test_the_map_offers_the_worksheet_and_the_citation(client):
    html = client.get("/").get_data(as_text=True)
    assert 'id="worksheet-open" href="/worksheet"' in html
    assert 'id="cite-open"' in html


def test_a_bad_filter_on_the_worksheet_is_explained_not_a_500(client):
    response = client.get("/worksheet?from=2025-13")
    assert response.status_code == 200
    assert 'id="link-problem"' in response.get_data(as_text=True)


def test_the_offline_site_has_a_worksheet_in_every_language(app):
    for lang in LANGUAGES:
        pages = dict(_pages(app, "" if lang == "en" else lang))
        assert pages["/worksheet"] == "worksheet.html"
    with app.test_request_context("/worksheet?lang=uk", environ_overrides=SITE_ENVIRON):
        client = app.test_client()
        html = client.get("/worksheet?lang=uk", environ_overrides=SITE_ENVIRON).get_data(True)
    config = page_config(html)
    assert config["mapUrl"] == "index.html" and config["worksheetUrl"] == "worksheet.html"
    assert 'src="../static/vendor/qrcode-generator/qrcode.js"' in html
