import json
from pathlib import Path

import jsonschema
import pytest

from webmap.record.schema import report_schema

SHIPPED = Path(__file__).parent.parent / "geodata" / "reports.geojson"


def test_schema_is_valid_json_schema():
    jsonschema.Draft202012Validator.check_schema(report_schema())


def test_every_shipped_report_matches_the_schema():
    validator = jsonschema.Draft202012Validator(report_schema())
    for feature in json.loads(SHIPPED.read_text("utf-8"))["features"]:
        assert list(validator.iter_errors(feature)) == [], feature["id"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (lambda f: f["properties"].update(kind="rumour"), "kind"),
        (lambda f: f["properties"]["sources"][0].update(url="javascript:alert(1)"), "url"),
        (lambda f: f["properties"].update(sources=[]), "sources"),
        (lambda f: f["properties"].update(date="6 Dec 2024"), "date"),
        (lambda f: f["geometry"].update(coordinates=[200, 50]), "coordinates"),
        (lambda f: f["properties"].update(summary="x" * 2001), "summary"),
    ],
)
def test_schema_rejects_what_the_validator_rejects(change, path):
    feature = json.loads(SHIPPED.read_text("utf-8"))["features"][0]
    change(feature)
    errors = list(jsonschema.Draft202012Validator(report_schema()).iter_errors(feature))
    assert errors and any(path in str(e.absolute_path) or path in e.message for e in errors)


def test_schema_is_served(client):
    response = client.get("/api/schema")
    assert response.status_code == 200
    assert response.mimetype == "application/schema+json"
    assert response.get_json(force=True)["title"] == "webmap report"
