import json
from pathlib import Path

import pytest

from webmap.record.model import ReportError
from webmap.record.reports_file import load_reports
from webmap.record.stream_json import iter_collection

SHIPPED = Path(__file__).parent.parent / "geodata" / "reports.geojson"


def collect(text: str) -> dict:
    """Rebuild the object the way json.loads would see it."""
    out: dict = {}
    for key, value in iter_collection(text):
        if key == "features":
            out.setdefault("features", []).append(value)
        elif key == "features:start":
            out.setdefault("features", [])
        elif key == "features:not-a-list":
            out["features"] = value
        else:
            out[key] = value
    return out


@pytest.mark.parametrize(
    "text",
    [
        SHIPPED.read_text("utf-8"),
        '{"type":"FeatureCollection","features":[]}',
        '{ "features" : [ {"a": 1} , {"b": [2, "]"]} ] , "type": "FeatureCollection" }',
        '{"type": "FeatureCollection", "name": "x", "features": [{"s": "\\",}"}]}\n',
        "{}",
        '{"features": {"not": "a list"}}',
    ],
)
def test_streaming_reads_what_json_loads_reads(text):
    assert collect(text) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        '{"type": "FeatureCollection", "features": [{"a": 1}',
        '{"type": "FeatureCollection", "features": [{"a": 1} {"b": 2}]}',
        '{"type": "FeatureCollection"} trailing',
        "",
        '{"type" "FeatureCollection"}',
    ],
)
def test_streaming_rejects_what_json_loads_rejects(text):
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)
    with pytest.raises(json.JSONDecodeError):
        collect(text)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"type": "FeatureCollection"}', "features: is not a list"),
        (
            '{"type": "Feature", "features": []}',
            "type: the file is not a GeoJSON FeatureCollection",
        ),
        ('{"type": "FeatureCollection", "features": [', "is not valid JSON"),
        ("[]", "type: the file is not a GeoJSON FeatureCollection"),
    ],
)
def test_load_reports_explains_broken_collections(tmp_path, text, message):
    path = tmp_path / "reports.geojson"
    path.write_text(text, "utf-8")
    with pytest.raises(ReportError) as caught:
        load_reports(path)
    assert message in str(caught.value) and str(path) in str(caught.value)
