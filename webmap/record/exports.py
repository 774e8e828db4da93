"""Write reports as GeoJSON, CSV, KML (Google Earth) or GeoPackage (QGIS, ArcGIS)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
from markupsafe import Markup, escape
from shapely.geometry import Point

from webmap.record.dates import written_edtf
from webmap.record.geojson_io import dumps_feature_collection
from webmap.record.model import Report
from webmap.record.tabular import flat_fields, reports_to_csv, translation_cells
from webmap.record.validation import UNSAFE_CHARACTER
from webmap.record.vocabulary import STANCE_HEADINGS
from webmap.render.styles import AFFILIATION_LABELS, KIND_STYLES, STATUS_STYLES

FORMATS = ("geojson", "csv", "kml", "gpkg")
MEDIA_TYPES = {
    "geojson": "application/geo+json",
    "csv": "text/csv; charset=utf-8",
    "kml": "application/vnd.google-earth.kml+xml",
    "gpkg": "application/geopackage+sqlite3",
}


def _description(report: Report) -> str:
    """Return a KML description as escaped HTML: only http(s) sources become links."""
    items = []
    for s in report.sources:
        name = f"{s.publisher}: {s.title}" if s.title else s.publisher
        if s.url.lower().startswith(("http://", "https://")):  # as webmap-map.js does
            link = Markup('<a href="{}">{}</a>').format(s.url, name)
        else:
            link = escape(name)
        says = Markup(" — {}: {}").format(STANCE_HEADINGS[s.stance], s.says) if s.stance else ""
        items.append(
            Markup("<li>{} ({}){}</li>").format(link, AFFILIATION_LABELS[s.affiliation], says)
        )
    return str(
        Markup("<p>{} · {} · {}</p><p>Claimed by: {}</p><p>{}</p><ol>{}</ol>").format(
            KIND_STYLES[report.kind]["label"],
            STATUS_STYLES[report.status]["label"],
            written_edtf(report.date),
            report.claimed_by or "no single claimant",
            report.summary,
            Markup("").join(items),
        )
    )


def reports_frame(reports: Sequence[Report]) -> gpd.GeoDataFrame:
    """Return one row per report with flat columns (lists joined by ';')."""
    rows = [
        {
            "id": r.id,
            **flat_fields(r),
            "range_km": r.range_km,
            "source_count": len(r.sources),
            **translation_cells(r),
        }
        for r in reports
    ]
    geometry = [Point(r.lon, r.lat) for r in reports]
    return gpd.GeoDataFrame(rows, geometry=geometry, crs=4326)


def sources_frame(reports: Sequence[Report]) -> pd.DataFrame:
    """Return one row per source, keyed by report id and position."""
    rows = [
        {"report_id": r.id, "position": i, **asdict(s)}
        for r in reports
        for i, s in enumerate(r.sources, start=1)
    ]
    return pd.DataFrame(rows)


def kml_name(title: str) -> str:
    """Return a title as a KML name: plain text, no markup, only characters XML allows.

    Some viewers render a name as HTML, so angle brackets become look-alike quotation marks.
    """
    return _xml_text(title).replace("<", "\u2039").replace(">", "\u203a")


def _xml_text(text: str) -> str:
    """Drop what XML 1.0 cannot hold (checked data has none of it; this is a second line)."""
    return UNSAFE_CHARACTER.sub("", text)


def write_kml(reports: Sequence[Report], path: Path) -> None:
    """Write reports as KML placemarks whose descriptions list the sources."""
    frame = reports_frame(reports)[["id", "kind", "status", "date", "claimed_by", "geometry"]]
    frame = frame.rename(columns={"id": "report_id"})  # KML keeps "id" for the placemark
    frame["claimed_by"] = frame["claimed_by"].map(_xml_text)
    frame.insert(0, "Name", [kml_name(r.title) for r in reports])
    frame.insert(1, "Description", [_xml_text(_description(r)) for r in reports])
    frame.to_file(path, driver="KML", engine="pyogrio")


def write_gpkg(reports: Sequence[Report], path: Path) -> None:
    """Write a GeoPackage with a 'reports' point layer and a 'sources' table."""
    reports_frame(reports).to_file(path, layer="reports", driver="GPKG", engine="pyogrio")
    pyogrio.write_dataframe(sources_frame(reports), path, layer="sources", driver="GPKG")


def export_bytes(reports: Sequence[Report], fmt: str) -> bytes:
    """Return the reports in one of FORMATS as the bytes of a file."""
    if fmt == "geojson":
        return dumps_feature_collection([r.to_feature() for r in reports]).encode()
    if fmt == "csv":
        return ("\ufeff" + reports_to_csv(reports)).encode()
    writer = {"kml": write_kml, "gpkg": write_gpkg}[fmt]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"reports.{fmt}"
        writer(reports, path)
        return path.read_bytes()
