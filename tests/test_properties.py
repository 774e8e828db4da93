"""Property-based tests: the validator and the importer on arbitrary and mutated input.

The validator must answer any JSON value with Problems (never an exception), and whatever it
accepts must save as strict JSON and load back the same. `webmap import` must, for any file,
either import it or refuse it with messages naming the file, never leaving a changed or broken
reports.geojson behind.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import math
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from webmap.cli import cli
from webmap.record.checks import check_reports_file
from webmap.record.geojson_io import dumps_feature_collection
from webmap.record.model import Problem, ReportError, report_from_feature
from webmap.record.reports_file import load_reports
from webmap.record.tabular import CSV_COLUMNS, features_from_csv, reports_to_csv
from webmap.record.validation import check_collection, check_features, validate_feature
from webmap.web.app import create_app

DATA = Path(__file__).parent / "data"
STORED = json.loads((DATA / "reports.geojson").read_text("utf-8"))["features"]
BOUNDED = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
DELETE = object()

# Values that have broken readers of this kind before: NaN and Infinity (Python's json reads
# them, a browser's does not), integers too big for a float, a lone surrogate escape (which
# cannot be written as UTF-8), text over any sane length, and valid words with stray spaces.
HOSTILE = [math.nan, math.inf, -math.inf, 10**400, "\ud800", "x" * 2001, " statement", "a\n"]
json_scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=30)
    | st.sampled_from(HOSTILE)
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner),
    max_leaves=12,
)


def valid_feature() -> dict:
    """Return a valid report Feature (a stored one, cut loose from the others)."""
    feature = copy.deepcopy(STORED[0])
    feature["properties"]["related"] = []
    return feature


def paths(value, prefix=()) -> list[tuple]:
    """Return the path of every key and list item inside value."""
    found = []
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        found.append((*prefix, key))
        if isinstance(child, dict | list):
            found += paths(child, (*prefix, key))
    return found


FEATURE_PATHS = paths(valid_feature())
FIELD_PATHS = [  # the report's own fields, each as likely as all the nested paths together
    path for path in FEATURE_PATHS if len(path) <= 2 or path[:3] == ("properties", "sources", 0)
]


def mutate(feature: dict, changes: list[tuple[tuple, object]]) -> dict:
    """Return a copy of feature with each path deleted (DELETE) or replaced by a value."""
    feature = copy.deepcopy(feature)
    for path, value in changes:
        parent = feature
        try:
            for key in path[:-1]:
                parent = parent[key]
            if value is DELETE:
                del parent[path[-1]]
            else:
                parent[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this part
    return feature


changes = st.lists(
    st.tuples(
        st.sampled_from(FIELD_PATHS) | st.sampled_from(FEATURE_PATHS),
        st.sampled_from(HOSTILE) | st.sampled_from(HOSTILE) | json_values | st.just(DELETE),
    ),
    min_size=1,
    max_size=4,
)


def refuse(constant: str):
    """Refuse NaN and Infinity, which JSON does not have."""
    raise AssertionError(f"{constant} written to reports.geojson")


def assert_one_line_each(problems: list, path: str) -> None:
    """Assert problems are Problems that print as one short PATH: ID: FIELD: message line."""
    for problem in problems:
        assert isinstance(problem, Problem)
        line = str(problem)
        assert line.startswith(f"{path}: ") and "\n" not in line and "\r" not in line
        assert len(line) < 600


@BOUNDED
@given(json_values)
def test_validator_answers_any_json_value_with_problems(value):
    assert_one_line_each(validate_feature(value, "f.geojson"), "f.geojson")
    assert_one_line_each(check_collection(value, "f.geojson"), "f.geojson")
    wrapped = {"type": "FeatureCollection", "features": [value, valid_feature(), value]}
    assert_one_line_each(check_collection(wrapped, "f.geojson"), "f.geojson")


@settings(BOUNDED, max_examples=500)  # pure functions: 500 examples take about a second
@given(changes)
def test_what_the_validator_accepts_saves_as_strict_json_and_loads_back(change_list):
    feature = mutate(valid_feature(), change_list)
    problems = validate_feature(feature, "f.geojson")
    assert_one_line_each(problems, "f.geojson")
    if any(p.severity == "error" for p in problems):
        return
    report = report_from_feature(feature)
    written = dumps_feature_collection([report.to_feature()]).encode("utf-8")  # as saved
    saved = json.loads(written, parse_constant=refuse)["features"][0]  # as a browser reads it
    assert validate_feature(saved, "f.geojson") == []
    assert report_from_feature(saved) == report
    kept: list = []
    assert check_features([saved], "f.geojson", keep=kept) == [] and kept == [report]


GOOD_ROWS = list(  # a valid report as spreadsheet rows, one per source
    csv.DictReader(io.StringIO(reports_to_csv([report_from_feature(valid_feature())])))
)


def rows_to_csv(rows: list[dict]) -> str:
    """Return rows as CSV text with the standard columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


cells = st.sampled_from(["", "nan", "inf", "1e400", "53,9", "-", "=1+1", "x" * 2001]) | st.text(
    max_size=20
)
edited_rows = st.lists(
    st.tuples(st.integers(0, len(GOOD_ROWS) - 1), st.sampled_from(CSV_COLUMNS), cells),
    max_size=4,
)


@BOUNDED
@given(edited_rows)
def test_csv_reader_answers_edited_spreadsheets_with_problems_or_valid_features(edits):
    rows = copy.deepcopy(GOOD_ROWS)
    for index, column, value in edits:
        rows[index][column] = value
    features, problems = features_from_csv(rows_to_csv(rows), "r.csv")
    assert_one_line_each(problems, "r.csv")
    if not any(p.severity == "error" for p in problems):
        for feature in features:
            report = report_from_feature(feature)
            json.dumps(report.to_feature(), allow_nan=False)


def spliced(text: str):
    """Return a strategy of text cut short, with a piece removed, or with junk inserted."""
    size = len(text)
    cut = st.integers(0, size).map(lambda i: text[:i])
    removed = st.tuples(st.integers(0, size), st.integers(1, 40)).map(
        lambda p: text[: p[0]] + text[p[0] + p[1] :]
    )
    inserted = st.tuples(st.integers(0, size), st.text(max_size=8)).map(
        lambda p: text[: p[0]] + p[1] + text[p[0] :]
    )
    return cut | removed | inserted


GOOD_CSV = rows_to_csv(GOOD_ROWS).replace(GOOD_ROWS[0]["id"], "brand-new-report")
GOOD_GEOJSON = json.dumps(
    {"type": "FeatureCollection", "features": [valid_feature()]}, indent=2
).replace(STORED[0]["id"], "brand-new-report")
mutated_geojson = changes.map(
    lambda c: json.dumps(
        {
            "type": "FeatureCollection",
            "features": [mutate(json.loads(GOOD_GEOJSON)["features"][0], c)],
        }
    )
)
csv_files = st.tuples(
    st.just(".csv"),
    st.binary(max_size=300)
    | st.text(max_size=300).map(str.encode)
    | spliced(GOOD_CSV).map(str.encode)
    | edited_rows.map(
        lambda edits: rows_to_csv(
            [
                {**row, **{c: v for i, c, v in edits if i == n}, "id": "brand-new-report"}
                for n, row in enumerate(GOOD_ROWS)
            ]
        ).encode()
    ),
)
geojson_files = st.tuples(
    st.just(".geojson"),
    st.binary(max_size=300)
    | json_values.map(lambda v: json.dumps(v).encode())
    | spliced(GOOD_GEOJSON).map(str.encode)
    | mutated_geojson.map(str.encode)
    | mutated_geojson.map(str.encode)
    | mutated_geojson.map(str.encode),  # weighted: the likeliest to reach the validator's corners
)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    """Return a folder shared by the examples of a test."""
    return tmp_path_factory.mktemp("scratch")


@BOUNDED
@given(
    st.binary(max_size=200)
    | spliced(GOOD_GEOJSON).map(str.encode)
    | mutated_geojson.map(str.encode)
    | json_values.map(lambda v: json.dumps({"type": "FeatureCollection", "features": v}).encode())
)
def test_the_app_loader_and_webmap_check_agree_on_any_data_file(scratch, content):
    path = scratch / "reports.geojson"
    path.write_bytes(content)
    errors = [p for p in check_reports_file(path, None) if p.severity == "error"]
    assert_one_line_each(errors, str(path))
    try:
        loaded = load_reports(path)  # what the app does at start-up, one feature at a time
    except ReportError as exc:
        assert errors, f"check found nothing, but the app cannot load it: {exc}"
        assert_one_line_each(exc.problems, str(path))
    else:
        assert not errors, f"the app loads {len(loaded)} reports, but check says {errors[0]}"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """Return (data folder, its reports.geojson bytes, a CLI runner on it), shared by examples."""
    data = tmp_path_factory.mktemp("properties") / "data"
    shutil.copytree(DATA, data)
    app = create_app({"TESTING": True, "DATA_DIR": str(data), "LOAD_DATA": False})
    return data, (data / "reports.geojson").read_bytes(), app.test_cli_runner()


@settings(BOUNDED, max_examples=200)
@given(csv_files | geojson_files)
def test_import_of_any_file_is_all_or_nothing(workspace, named_content):
    data, original, runner = workspace
    target = data / "reports.geojson"
    suffix, content = named_content
    source = data.parent / f"incoming{suffix}"
    source.write_bytes(content)
    try:
        for command in ("check", "import"):
            result = runner.invoke(cli, [command, str(source)])
            assert result.exception is None or isinstance(result.exception, SystemExit)
            assert "Traceback" not in result.output
            assert result.exit_code in (0, 1)
            if result.exit_code == 1:
                assert f"{source}: " in result.output
            if command == "import" and result.exit_code == 1:
                assert "nothing was written" in result.output
                assert target.read_bytes() == original
        if target.read_bytes() != original:  # imported: the new file loads, nothing was lost
            event("imported")
            json.loads(target.read_bytes(), parse_constant=refuse)  # strict JSON, as browsers read
            ids = {r.id for r in load_reports(target)}
            assert {f["id"] for f in STORED} < ids
        else:
            event(f"refused or nothing new ({suffix})")
    finally:
        target.write_bytes(original)
