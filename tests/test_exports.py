from dataclasses import replace
from pathlib import Path

import pyogrio
import pytest

from webmap.cli import cli
from webmap.record.exports import export_bytes
from webmap.record.model import Source
from webmap.record.reports_file import load_reports

REPORTS = load_reports(Path(__file__).parent / "data" / "reports.geojson")


def test_kml_reads_back_with_gdal(tmp_path):
    path = tmp_path / "r.kml"
    path.write_bytes(export_bytes(REPORTS, "kml"))
    frame = pyogrio.read_dataframe(path)
    assert len(frame) == len(REPORTS)
    assert set(frame["Name"]) == {r.title for r in REPORTS}
    finland = frame[frame["report_id"] == "finland-joins-nato-2023"].iloc[0]
    assert finland.geometry.x == pytest.approx(REPORTS[0].lon)
    assert "TASS" in finland["description"] and "State media" in finland["description"]


def test_kml_description_escapes_hostile_text(tmp_path):
    bad = replace(
        REPORTS[0],
        summary="<script>alert(1)</script>",
        sources=(Source(url="https://example.org/", publisher='<img src=x onerror="x()">'),),
    )
    path = tmp_path / "r.kml"
    path.write_bytes(export_bytes([bad], "kml"))
    description = pyogrio.read_dataframe(path)["description"][0]
    assert "<script>" not in description and "&lt;script&gt;" in description
    assert "<img" not in description


def test_geopackage_has_reports_and_sources_layers(tmp_path, runner):
    path = tmp_path / "r.gpkg"
    result = runner.invoke(cli, ["export", "--format", "gpkg", "-o", str(path)])
    assert result.exit_code == 0, result.output
    layers = dict(pyogrio.list_layers(path))
    assert layers == {"reports": "Point", "sources": None}
    reports = pyogrio.read_dataframe(path, layer="reports")
    sources = pyogrio.read_dataframe(path, layer="sources", read_geometry=False)
    assert sorted(reports["id"]) == [r.id for r in REPORTS]
    assert len(sources) == sum(len(r.sources) for r in REPORTS)
    assert reports.crs.to_epsg() == 4326


def test_kml_to_the_screen_is_refused(runner):
    result = runner.invoke(cli, ["export", "--format", "kml"])
    assert result.exit_code == 2 and "needs a file" in result.output


@pytest.mark.parametrize(
    ("fmt", "mimetype", "start"),
    [
        ("geojson", "application/geo+json", b'{\n  "type": "FeatureCollection"'),
        ("csv", "text/csv", "\ufeffid,title,".encode()),
        ("kml", "application/vnd.google-earth.kml+xml", b"<?xml"),
    ],
)
def test_downloads(client, fmt, mimetype, start):
    response = client.get(f"/export/reports.{fmt}")
    assert response.status_code == 200 and response.mimetype == mimetype
    assert response.headers["Content-Disposition"] == f"attachment; filename=webmap-reports.{fmt}"
    assert response.data.startswith(start)


def test_unknown_download_is_404(client):
    assert client.get("/export/reports.xlsx").status_code == 404


def test_exports_say_who_says_what(tmp_path):
    kml = tmp_path / "r.kml"
    kml.write_bytes(export_bytes(REPORTS, "kml"))
    frame = pyogrio.read_dataframe(kml)
    mig = frame[frame["report_id"] == "mig31-estonia-airspace-vaindloo-2025"].iloc[0]
    assert "Denied by: Reports Russia&#39;s defence ministry saying" in mig["description"]
    gpkg = tmp_path / "r.gpkg"
    gpkg.write_bytes(export_bytes(REPORTS, "gpkg"))
    sources = pyogrio.read_dataframe(gpkg, layer="sources", read_geometry=False)
    denies = sources[sources["stance"] == "denies"]
    assert list(denies["report_id"]) == ["mig31-estonia-airspace-vaindloo-2025"]
    assert denies["says"].iloc[0].startswith("Reports Russia's defence ministry")
    geojson = export_bytes(REPORTS, "geojson").decode()
    assert '"stance":"denies"' in geojson.replace(" ", "")
