import json

from webmap.cli import cli


def test_check_passes_on_good_data(runner):
    result = runner.invoke(cli, args=["check"])
    assert result.exit_code == 0, result.output
    assert "All good" in result.output


def test_check_lists_every_problem_and_fails(runner, data_dir):
    path = data_dir / "reports.geojson"
    data = json.loads(path.read_text("utf-8"))
    data["features"][0]["properties"]["status"] = "rumoured"
    data["features"][1]["properties"]["sources"] = []
    path.write_text(json.dumps(data), "utf-8")
    first, second = (f["properties"]["id"] for f in data["features"][:2])
    result = runner.invoke(cli, args=["check", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert (
        f"{path}: {first}: status: 'rumoured' is not one of: announced, reported, "
        "confirmed, disputed, denied"
    ) in lines
    assert (
        f"{path}: {second}: sources: a report needs at least one source with a URL and a publisher"
    ) in lines


def test_check_names_a_missing_file(runner, tmp_path):
    missing = tmp_path / "nope.geojson"
    result = runner.invoke(cli, args=["check", str(missing)])
    assert result.exit_code == 1
    assert f"{missing}: -: file: does not exist" in result.output


def test_check_reports_broken_geodata(runner, data_dir):
    (data_dir / "alliances.json").write_text("[]", "utf-8")
    result = runner.invoke(cli, args=["check", str(data_dir)])
    assert result.exit_code == 1
    assert "alliances.json: not a valid alliances file" in result.output


def test_help_is_written_for_people(runner):
    result = runner.invoke(cli, args=["--help"])
    assert "webmap run" in result.output
    for command in ("check", "run", "build-geodata"):
        assert command in result.output


def test_help_lists_only_the_maps_own_commands(runner):
    result = runner.invoke(cli, args=["--help"])
    assert result.exit_code == 0
    listed = result.output.split("Commands:")[1].split()
    commands = [word for word in listed if word in cli.list_commands(None)]
    assert commands == ["build-geodata", "build-site", "check", "db", "export", "import", "run"]
    for flask_own in ("--app", "--env-file", "shell", "routes"):
        assert flask_own not in result.output
