"""Popups say plainly when a claim rests on one source or only on partisan ones."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent.parent / "data"


@pytest.fixture(scope="module")
def caveat_server(tmp_path_factory, server_for):
    data_dir = tmp_path_factory.mktemp("caveats") / "data"
    shutil.copytree(FIXTURES, data_dir)
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    by_id = {f["id"]: f["properties"] for f in data["features"]}
    by_id["zapad-2021-exercise"]["sources"] = by_id["zapad-2021-exercise"]["sources"][:1]
    finland = by_id["finland-joins-nato-2023"]
    finland["sources"] = [s for s in finland["sources"] if s["affiliation"] == "state_media"]
    path.write_text(json.dumps(data), "utf-8")
    with server_for(data_dir) as url:
        yield url


@pytest.mark.parametrize(
    ("report_id", "caveat"),
    [
        ("zapad-2021-exercise", "This rests on a single source."),
        ("finland-joins-nato-2023", "Only state media or government sources report this."),
        ("oreshnik-strike-dnipro-2024", None),
    ],
)
def test_popup_caveat(page, caveat_server, report_id, caveat):
    page, log = page
    page.goto(f"{caveat_server}/#report={report_id}")
    popup = page.locator(f'.report-popup[data-report-id="{report_id}"]')
    popup.wait_for()
    if caveat is None:
        assert popup.locator(".caveat").count() == 0
    else:
        assert popup.locator(".caveat").inner_text() == caveat
    assert log.errors == []


def test_popup_groups_sources_by_stance_with_what_each_says(page, live_server):
    from webmap.record.vocabulary import STANCE_HEADINGS

    rid = "mig31-estonia-airspace-vaindloo-2025"
    shipped = Path(__file__).parent.parent.parent / "geodata" / "reports.geojson"
    sources = next(
        f["properties"]["sources"]
        for f in json.loads(shipped.read_text("utf-8"))["features"]
        if f["id"] == rid
    )
    page, log = page
    page.goto(f"{live_server}/#report={rid}")
    popup = page.locator(f'.report-popup[data-report-id="{rid}"]')
    popup.locator(".source-group").first.wait_for()
    order = [code for code in STANCE_HEADINGS if any(s["stance"] == code for s in sources)]
    assert popup.locator(".source-group").all_inner_texts() == [
        str(STANCE_HEADINGS[code]) for code in order
    ]
    for index, code in enumerate(order):
        listed = popup.locator("ol.sources").nth(index).locator(".source-says").all_inner_texts()
        assert listed == [s["says"] for s in sources if s["stance"] == code]
    assert log.errors == []
