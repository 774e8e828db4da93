"""Check data files and folders: reports (errors and warnings), alliances and geodata layers."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any

import geopandas as gpd
import shapely

from webmap.geo.atlas import LAYER_FILES, Atlas, AtlasError, load_atlas
from webmap.record.glossary import load_glossary
from webmap.record.history import log_problems
from webmap.record.languages import N_
from webmap.record.model import Problem, ReportError
from webmap.record.names import names_problems
from webmap.record.publishers import PUBLISHERS_FILE, PublisherTable, read_publishers
from webmap.record.record_rules import record_problems
from webmap.record.reports_file import REPORTS_FILE, read_json, read_text
from webmap.record.stories import load_stories
from webmap.record.tabular import CSV_HINT, features_from_csv
from webmap.record.validation import check_collection

COAST_TOLERANCE_DEG = 0.05  # ~5 km: simplified coastlines may cut off a harbour or a beach


def load_land(data_dir: Path) -> shapely.Geometry | None:
    """Return the land of the mapped countries (slightly widened), or None if it is missing."""
    path = data_dir / LAYER_FILES["countries-closeup"]
    if not path.exists():
        return None
    try:
        return land_of(gpd.read_file(path))
    except Exception:  # an unreadable layer: load_atlas reports it, this check is skipped
        return None


def land_of(countries: gpd.GeoDataFrame) -> shapely.Geometry:
    """Return the land of a countries layer, ready for the on-land test."""
    # The countries as they are (no union, no buffer: both are slow on the close-up layer);
    # a point counts as on land within COAST_TOLERANCE_DEG of any of them.
    land = shapely.geometrycollections(countries.geometry.values)
    shapely.prepare(land)
    return land


def _on_land(land: shapely.Geometry, lon: float, lat: float) -> bool:
    """Tell whether a point is on the land, or near enough to its simplified coast."""
    return bool(shapely.dwithin(land, shapely.Point(lon, lat), COAST_TOLERANCE_DEG))


def report_warnings(features: list[Any], path: str, land: shapely.Geometry | None) -> list[Problem]:
    """Return warnings: a single source, a point in the sea, longitude and latitude swapped."""
    warnings = []
    for feature in features:
        props = feature.get("properties") or {}
        rid = props.get("id", "?")
        sources = props.get("sources") or []
        if len(sources) == 1:
            message = N_("rests on a single source; add another publisher if you can")
            warnings.append(Problem(path, rid, "sources", message, "warning"))
        if land is None:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        if _on_land(land, lon, lat):
            continue
        if _on_land(land, lat, lon):
            message = N_(
                "point (%(lon)s, %(lat)s) is in the sea, but (%(lat)s, %(lon)s) is on land: "
                "are longitude and latitude swapped?",
                lon=lon,
                lat=lat,
            )
        else:
            message = N_(
                "point (%(lon)s, %(lat)s) is in the sea or outside the mapped countries",
                lon=lon,
                lat=lat,
            )
        warnings.append(Problem(path, rid, "geometry", message, "warning"))
    return warnings


Land = shapely.Geometry | None


def check_reports_file(
    path: Path, land: Land | Callable[[], Land], publishers: PublisherTable | None = None
) -> list[Problem]:
    """Return every error of a reports file (GeoJSON or CSV) and, when it has none, its warnings.

    land may be a function returning it, so that a file with errors never loads the geodata.
    The record's rules (stances, statuses, publishers) apply once every report is valid.
    """
    return _checked_reports(path, land, publishers)[0]


def _checked_reports(
    path: Path, land: Land | Callable[[], Land], publishers: PublisherTable | None
) -> tuple[list[Problem], list[Any] | None]:
    """Return a reports file's problems and, if it could be read, its features (read once)."""
    try:
        if path.suffix.lower() == ".csv":
            features, problems = features_from_csv(read_text(path, CSV_HINT), str(path))
        else:
            data = read_json(path)
            problems = check_collection(data, str(path))
            features = data.get("features") if isinstance(data, dict) else None
            features = features if isinstance(features, list) else None
    except ReportError as exc:
        return exc.problems, None
    if problems:
        return problems, features
    problems = record_problems(features, str(path), publishers)
    problems += report_warnings(features, str(path), land() if callable(land) else land)
    return problems, features


def ids_of(features: list[Any]) -> set[str]:
    """Return the ids of the features that have one (a broken feature is skipped)."""
    return {
        f["properties"]["id"]
        for f in features
        if isinstance(f, dict)
        and isinstance(f.get("properties"), dict)
        and isinstance(f["properties"].get("id"), str)
    }


def check_stories(data_dir: Path, ids: set[str] | None = None) -> list[Problem]:
    """Return the problems of the story files in a data folder (ids: its reports' ids)."""
    if ids is None:
        try:
            data = read_json(data_dir / REPORTS_FILE)
            ids = ids_of(data["features"])
        except (ReportError, KeyError, TypeError):
            return []  # the reports file's own problems are reported already
    return load_stories(data_dir, ids)[1]


def check_paths(paths: list[Path], data_dir: Path) -> list[Problem]:
    """Return every problem in the given reports files or data folders."""
    problems: list[Problem] = []
    land = functools.cache(lambda: load_land(data_dir))
    table, table_problems = read_publishers(data_dir / PUBLISHERS_FILE)
    for path in paths:
        if path.is_dir():
            try:  # the folder's geodata, read once: checked here, and its land used below
                atlas = load_atlas(path)
            except AtlasError as exc:
                atlas = None
                atlas_problem = Problem(str(path), "-", "geodata", exc.args[0] if exc.args else "")

            def own_land(folder: Path = path, atlas: Atlas | None = atlas) -> Land:
                if atlas is not None:
                    return land_of(atlas.layers["countries-closeup"])
                found = load_land(folder)
                return land() if found is None else found

            own_table, own_problems = read_publishers(path / PUBLISHERS_FILE)
            if (path / PUBLISHERS_FILE).exists():
                problems += own_problems
            found, features = _checked_reports(
                path / REPORTS_FILE, own_land, own_table if own_table is not None else table
            )
            problems += found
            if features is not None:
                problems += check_stories(path, ids_of(features))
            problems += log_problems(path)
            problems += names_problems(path)
            problems += load_glossary(path)[1]
            if atlas is None:
                problems.append(atlas_problem)
        else:
            problems += table_problems + check_reports_file(path, land, table)
    return problems
