"""A report's translations: the model, the CSV columns, the exports."""

from __future__ import annotations

import csv
import json
from dataclasses import replace

import pyogrio

from webmap.record.exports import export_bytes
from webmap.record.model import Report, Source, Translation, report_from_feature
from webmap.record.tabular import CSV_COLUMNS, features_from_csv, reports_to_csv

ENGLISH_COLUMNS = (
    "id,title,summary,kind,status,claimed_by,date,expected,place,precision,lat,lon,actors,"
    "systems,range_km,related,source_url,source_publisher,source_title,source_published,"
    "source_language,source_affiliation,source_archive_url,source_note,source_stance,source_says"
).split(",")

REPORT = Report(
    id="oreshnik-belarus",
    title="Putin says Oreshnik will be stationed in Belarus",
    summary="Putin said Oreshnik systems would be stationed in Belarus.",
    kind="deployment_announcement",
    status="announced",
    date="2024-12-06",
    place="Minsk",
    precision="city",
    lon=27.56,
    lat=53.9,
    sources=(
        Source(
            url="https://www.rferl.org/a/33229511.html",
            publisher="RFE/RL",
            affiliation="public_broadcaster",
            stance="relays",
            says="Putin said the systems would be stationed in Belarus.",
        ),
        Source(
            url="https://www.reuters.com/world/europe/x",
            publisher="Reuters",
            affiliation="wire",
            stance="relays",
            says="Putin said so after meeting Lukashenko.",
        ),
    ),
    translations=(
        Translation("uk", "Путін: «Орєшник» у Білорусі", "Путін заявив.", "Мінськ", "machine"),
        Translation("pl", "=Oresznik na Białorusi", "Putin powiedział.", "Mińsk", "editor"),
    ),
)


def test_a_report_keeps_its_translations_as_a_feature():
    feature = REPORT.to_feature()
    assert feature["properties"]["translations"] == {
        "uk": {
            "title": "Путін: «Орєшник» у Білорусі",
            "summary": "Путін заявив.",
            "place": "Мінськ",
            "by": "machine",
        },
        "pl": {
            "title": "=Oresznik na Białorusi",
            "summary": "Putin powiedział.",
            "place": "Mińsk",
            "by": "editor",
        },
    }
    assert report_from_feature(json.loads(json.dumps(feature))) == REPORT


def test_a_report_without_translations_is_the_feature_it_was():
    feature = replace(REPORT, translations=()).to_feature()
    assert "translations" not in feature["properties"]


def test_the_csv_keeps_the_english_columns_and_adds_each_language_after_them():
    assert CSV_COLUMNS[: len(ENGLISH_COLUMNS)] == ENGLISH_COLUMNS
    extra = CSV_COLUMNS[len(ENGLISH_COLUMNS) :]
    assert extra[:8] == [
        "title_uk",
        "summary_uk",
        "place_uk",
        "by_uk",
        "title_ru",
        "summary_ru",
        "place_ru",
        "by_ru",
    ]
    assert len(extra) == 4 * 7 and "by_et" in extra and "title_en" not in extra


def test_translations_round_trip_through_csv():
    text = reports_to_csv([REPORT])
    header = text.splitlines()[0].split(",")
    row = next(csv.DictReader(text.splitlines()))
    assert row["title_uk"] == "Путін: «Орєшник» у Білорусі" and row["by_pl"] == "editor"
    assert row["title_pl"] == "'=Oresznik na Białorusi"  # a formula-looking cell is quoted
    assert row["title_ru"] == "" and "title_ru" in header
    features, problems = features_from_csv(text, "x.csv")
    assert problems == []
    assert report_from_feature(features[0]) == REPORT


def test_a_csv_translation_without_by_is_refused_naming_its_column_and_line():
    text = reports_to_csv([REPORT]).replace(",editor", ",")  # on both rows (both sources)
    _, problems = features_from_csv(text, "x.csv")
    assert [(p.field, p.message.endswith("(line 2)")) for p in problems] == [("by_pl", True)]


def test_rows_of_one_report_must_agree_on_its_translations():
    lines = reports_to_csv([REPORT]).splitlines()
    lines[2] = lines[2].replace("Мінськ", "Київ")
    _, problems = features_from_csv("\r\n".join(lines) + "\r\n", "x.csv")
    assert [p.field for p in problems] == ["place_uk"]


def test_exports_carry_the_translations(tmp_path):
    geojson = json.loads(export_bytes([REPORT], "geojson"))
    assert geojson["features"][0]["properties"]["translations"]["uk"]["by"] == "machine"
    path = tmp_path / "r.gpkg"
    path.write_bytes(export_bytes([REPORT], "gpkg"))
    frame = pyogrio.read_dataframe(path, layer="reports")
    assert frame.loc[0, "title_uk"] == "Путін: «Орєшник» у Білорусі"
    assert frame.loc[0, "by_pl"] == "editor" and frame.loc[0, "title"] == REPORT.title
