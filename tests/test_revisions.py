"""The record's history: import logs changes, readers see them, and as_of rebuilds the past."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from webmap.cli import cli
from webmap.record import revisions as revisions_module
from webmap.record.history import record_as_of
from webmap.record.revisions import REVISIONS_FILE, Revision, read_revisions
from webmap.record.tabular import CSV_COLUMNS

SHIPPED = Path(__file__).parent.parent / "geodata"
ATOM = "{http://www.w3.org/2005/Atom}"


def csv_file(path: Path, rid: str, title: str, summary: str = "Someone said so.") -> Path:
    """Write a one-report CSV file for import."""
    cells = {
        "id": rid,
        "title": title,
        "summary": summary,
        "kind": "statement",
        "status": "reported",
        "date": "2025-03-01",
        "place": "Minsk",
        "precision": "city",
        "lat": "53.9",
        "lon": "27.56",
        "source_url": "https://example.org/a",
        "source_publisher": "Example",
        "source_affiliation": "wire",
        "source_stance": "relays",
        "source_says": "Reports that someone said so.",
    }
    header = ",".join(CSV_COLUMNS)
    line = ",".join(f'"{cells.get(c, "")}"' for c in CSV_COLUMNS)
    path.write_text(f"{header}\n{line}\n", "utf-8")
    return path


def backdate(data_dir: Path, rid: str, action: str, time: str) -> None:
    """Give the logged change of rid a chosen time (the tests cannot wait for days to pass)."""
    log = data_dir / REVISIONS_FILE
    lines = [json.loads(line) for line in log.read_text("utf-8").splitlines()]
    for line in lines:
        if line["id"] == rid and line["action"] == action:
            line["time"] = time
    log.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")


@pytest.fixture
def updated(runner, data_dir, tmp_path):
    """Import a report, then update its title with a note; return the data folder."""
    first = runner.invoke(cli, ["import", str(csv_file(tmp_path / "a.csv", "new-one", "Old"))])
    assert first.exit_code == 0, first.output
    backdate(data_dir, "new-one", "add", "2025-03-02T10:00:00Z")
    second = runner.invoke(
        cli,
        [
            "import",
            "--update",
            "--note",
            "The source corrected <its> headline",
            str(csv_file(tmp_path / "b.csv", "new-one", "New title")),
        ],
    )
    assert second.exit_code == 0, second.output
    backdate(data_dir, "new-one", "update", "2025-06-10T09:30:00Z")
    return data_dir


def test_import_appends_an_add_and_an_update_with_before_and_after(updated):
    log = read_revisions(updated / REVISIONS_FILE)
    assert [(r.action, r.id) for r in log] == [("add", "new-one"), ("update", "new-one")]
    add, update = log
    assert add.before is None and add.after["properties"]["title"] == "Old"
    assert update.before["properties"]["title"] == "Old"
    assert update.after["properties"]["title"] == "New title"
    assert update.note == "The source corrected <its> headline"


def test_an_update_without_a_note_writes_nothing(runner, data_dir, tmp_path):
    runner.invoke(cli, ["import", str(csv_file(tmp_path / "a.csv", "new-one", "Old"))])
    before = (data_dir / "reports.geojson").read_bytes(), (data_dir / REVISIONS_FILE).read_bytes()
    result = runner.invoke(
        cli, ["import", "--update", str(csv_file(tmp_path / "b.csv", "new-one", "New"))]
    )
    assert result.exit_code == 1
    assert f"{tmp_path / 'b.csv'}: new-one: note: an update needs --note" in result.output
    after = (data_dir / "reports.geojson").read_bytes(), (data_dir / REVISIONS_FILE).read_bytes()
    assert after == before


def test_a_failed_log_write_leaves_the_reports_as_they_were(
    runner, data_dir, tmp_path, monkeypatch
):
    stored = (data_dir / "reports.geojson").read_bytes()

    def fail(path, data):
        if Path(path).name == REVISIONS_FILE:
            raise OSError(28, "No space left on device")
        Path(path).write_bytes(data)

    monkeypatch.setattr(revisions_module, "atomic_write_bytes", fail)
    result = runner.invoke(cli, ["import", str(csv_file(tmp_path / "a.csv", "new-one", "Old"))])
    assert result.exit_code == 1
    assert (data_dir / "reports.geojson").read_bytes() == stored
    assert not (data_dir / REVISIONS_FILE).exists()


def test_history_page_shows_what_changed_when_and_why(client, updated):
    page = client.get("/reports/new-one/history")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Updated · " in html and "10 June 2025" in html and "2 March 2025" in html
    assert "Why: The source corrected &lt;its&gt; headline" in html
    row = html[html.index('<th scope="row">title</th>') :].split("</tr>")[0]
    assert '<td class="before">Old</td>' in row and '<td class="after">New title</td>' in row
    assert client.get("/reports/no-such-report/history").status_code == 404
    report_page = client.get("/reports/zapad-2021-exercise").get_data(as_text=True)
    assert 'href="/reports/zapad-2021-exercise/history"' in report_page


def test_changes_lists_newest_first_and_the_feed_is_atom(client, updated):
    html = client.get("/changes").get_data(as_text=True)
    assert html.index("10 June 2025") < html.index("2 March 2025")
    assert 'type="application/atom+xml"' in html
    feed = client.get("/changes.atom")
    assert feed.mimetype == "application/atom+xml"
    root = ET.fromstring(feed.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Updated: New title", "Added: Old"]
    links = {e.find(f"{ATOM}link").get("href") for e in entries}
    assert links == {"http://localhost/reports/new-one"}
    assert "why: The source corrected <its> headline" in entries[0].findtext(f"{ATOM}summary")
    assert all(e.findtext(f"{ATOM}id") and e.findtext(f"{ATOM}updated") for e in entries)


def test_as_of_returns_the_record_as_it_stood_that_day(client, updated):
    def titles(day: str) -> dict[str, str]:
        body = client.get(f"/api/reports?as_of={day}").get_json()
        return {f["id"]: f["properties"]["title"] for f in body["features"]}

    assert "new-one" not in titles("2025-03-01")
    assert titles("2025-03-02")["new-one"] == "Old"
    assert titles("2025-06-09")["new-one"] == "Old"
    assert titles("2025-06-10")["new-one"] == "New title"
    filtered = client.get("/api/reports?as_of=2025-06-09&status=reported&q=old").get_json()
    assert [f["id"] for f in filtered["features"]] == ["new-one"]
    bad = client.get("/api/reports?as_of=2025-13-01")
    assert bad.status_code == 400 and "as_of" in bad.get_json()["error"]


def test_the_map_asks_for_the_record_as_of_the_day_it_was_given(client):
    html = client.get("/?as_of=2025-06-09").get_data(as_text=True)
    assert "/api/reports?as_of=2025-06-09" in html
    assert "/api/reports/REPORT_ID?as_of=2025-06-09" in html  # the popups' full records too


def test_one_report_as_of_a_day_is_the_version_of_that_day(client, updated):
    def title(day: str) -> str:
        return client.get(f"/api/reports/new-one?as_of={day}").get_json()["properties"]["title"]

    assert title("2025-06-09") == "Old"
    assert title("2025-06-10") == "New title"
    gone = client.get("/api/reports/new-one?as_of=2025-03-01")
    assert gone.status_code == 404 and "on 2025-03-01" in gone.get_json()["error"]
    bad = client.get("/api/reports/new-one?as_of=2025-02-30")
    assert bad.status_code == 400 and "as_of" in bad.get_json()["error"]


def test_record_as_of_replays_adds_updates_and_removals():
    def feature(title: str) -> dict:
        return {"type": "Feature", "id": "a", "properties": {"title": title}}

    log = [
        Revision("2025-01-01T00:00:00Z", "add", "a", None, feature("one"), ""),
        Revision("2025-02-01T00:00:00Z", "update", "a", feature("one"), feature("two"), "why"),
        Revision("2025-03-01T00:00:00Z", "remove", "a", feature("two"), None, "gone"),
    ]
    assert record_as_of(log, "2024-12-31") == {}
    assert record_as_of(log, "2025-01-31")["a"]["properties"]["title"] == "one"
    assert record_as_of(log, "2025-02-01")["a"]["properties"]["title"] == "two"
    assert record_as_of(log, "2025-03-01") == {}


def test_the_shipped_log_adds_every_shipped_report_once():
    log = read_revisions(SHIPPED / REVISIONS_FILE)
    shipped = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    adds = [r.id for r in log if r.action == "add"]
    assert sorted(adds) == sorted(f["id"] for f in shipped)
    assert all(r.note.startswith("Seeded from git history") for r in log if r.action == "add")


def test_check_warns_when_a_report_changed_outside_import(runner, updated):
    path = updated / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    edited = next(f for f in data["features"] if f["id"] == "new-one")
    edited["properties"]["title"] = "Edited by hand"
    path.write_text(json.dumps(data), "utf-8")
    result = runner.invoke(cli, ["check"])
    assert f"{path}: new-one: history: warning: the stored report is not what" in result.output


def test_the_shipped_log_matches_the_shipped_reports():
    from webmap.record.history import log_problems

    assert log_problems(SHIPPED) == []


def test_the_feed_stays_valid_xml_whatever_the_text():
    from webmap.render.atom import atom_feed

    hostile = "<script>alert(1)</script> & \x01\x0b\ufffe ]]> \"'"
    feature = {"type": "Feature", "id": "a", "properties": {"title": hostile}}
    log = [Revision("2025-01-01T00:00:00Z", "add", "a", None, feature, hostile)]
    body = atom_feed(log, "http://h/changes.atom", "http://h/changes", lambda r: f"http://h/{r}")
    entry = ET.fromstring(body).find(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title").startswith("Added: <script>alert(1)</script> & ")
