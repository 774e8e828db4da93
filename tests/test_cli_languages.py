"""The commands in a teacher's language: `webmap check`, `import`, `export` and `build-site`
say their messages and help in the language of --lang, WEBMAP_LANG or the system's locale,
while every problem line keeps its PATH: REPORT-ID: FIELD: frame for tools to read."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from test_bad_files import CSV_CASES, GEOJSON_CASES, collection, feature, made

from webmap.cli import cli
from webmap.record.checks import check_paths
from webmap.record.languages import in_language, language_from_environment, translator

ROOT = Path(__file__).resolve().parent.parent
LOCALE_VARIABLES = ("WEBMAP_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")
BAD = collection(feature("bad-one", title="", kind="parade", date="2024-13"))


def webmap(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run the installed `webmap` command with only the given locale variables set."""
    base = {k: v for k, v in os.environ.items() if k not in LOCALE_VARIABLES}
    command = [str(Path(sys.executable).parent / "webmap"), *args]
    return subprocess.run(
        command, env={**base, **env}, capture_output=True, text=True, timeout=120, cwd=ROOT
    )


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    """Return a reports file with three mistakes in one report."""
    path = tmp_path / "bad.geojson"
    path.write_text(BAD, "utf-8")
    return path


def test_check_speaks_polish_with_a_polish_locale_and_keeps_the_frame(bad_file):
    polish = webmap("check", str(bad_file), LANG="pl_PL.UTF-8")
    english = webmap("check", str(bad_file))
    assert polish.returncode == english.returncode == 1
    pl_lines, en_lines = polish.stdout.splitlines(), english.stdout.splitlines()
    assert len(pl_lines) == len(en_lines) == 3
    for pl_line, en_line, field in zip(pl_lines, en_lines, ("title", "kind", "date"), strict=True):
        frame = f"{bad_file}: bad-one: {field}: "
        assert pl_line.startswith(frame) and en_line.startswith(frame)
        assert pl_line != en_line
    assert pl_lines[0] == f"{bad_file}: bad-one: title: jest puste"
    assert en_lines[0] == f"{bad_file}: bad-one: title: is empty"
    assert "nie jest jedną z wartości: deployment_announcement" in pl_lines[1]
    assert "nie jest prawdziwą datą" in pl_lines[2]
    assert polish.stderr.strip() == "3 problemy do poprawienia."
    assert english.stderr.strip() == "3 problems to fix."


@pytest.mark.parametrize(
    ("env", "lang"),
    [
        ({}, "en"),
        ({"LANG": "pl_PL.UTF-8"}, "pl"),
        ({"LANG": "uk_UA.utf8@euro"}, "uk"),
        ({"LC_ALL": "lt_LT.UTF-8", "LANG": "pl_PL.UTF-8"}, "lt"),
        ({"LC_MESSAGES": "lv_LV", "LANG": "pl_PL.UTF-8"}, "lv"),
        ({"LANGUAGE": "de:et:ru", "LANG": "pl_PL.UTF-8"}, "et"),
        ({"LANGUAGE": "de", "LANG": "pl_PL.UTF-8"}, "en"),  # the first variable set decides
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "POSIX"}, "en"),
        ({"LANG": "fr_FR.UTF-8"}, "en"),
        ({"WEBMAP_LANG": "be", "LANG": "pl_PL.UTF-8"}, "be"),
        ({"WEBMAP_LANG": "xx", "LANG": "ru_RU.UTF-8"}, "ru"),
    ],
)
def test_the_language_comes_from_the_environment_in_posix_order(env, lang):
    assert language_from_environment(env) == lang


def test_lang_option_beats_the_environment_and_webmap_lang(runner, bad_file, monkeypatch):
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    monkeypatch.setenv("WEBMAP_LANG", "pl")
    result = runner.invoke(cli, ["--lang", "uk", "check", str(bad_file)])
    assert result.exit_code == 1
    assert f"{bad_file}: bad-one: title: порожнє" in result.output
    monkeypatch.delenv("WEBMAP_LANG")
    result = runner.invoke(cli, ["check", str(bad_file)])
    assert f"{bad_file}: bad-one: title: пусто" in result.output


CASES = [(".geojson", *case) for case in GEOJSON_CASES] + [(".csv", *case) for case in CSV_CASES]


@pytest.mark.parametrize(
    ("suffix", "name", "content"),
    [case[:3] for case in CASES],
    ids=[f"{case[1]}{case[0]}" for case in CASES],
)
@pytest.mark.parametrize("lang", ["pl"])
def test_every_problem_of_a_bad_file_is_said_in_the_language(
    tmp_path, data_dir, suffix, name, content, lang
):
    path = tmp_path / f"{name}{suffix}"
    path.write_bytes(made(content))
    problems = check_paths([path], data_dir)
    assert problems
    for problem in problems:
        english, translated = str(problem), problem.in_language(lang)
        frame = f"{problem.path}: {problem.report_id}: {problem.field}: "
        assert english.startswith(frame) and translated.startswith(frame)
        assert in_language(problem.message, lang) != str(problem.message), english


def test_warnings_and_coverage_are_said_in_the_language(runner, data_dir):
    result = runner.invoke(cli, ["--lang", "pl", "check", "--stats", str(data_dir)])
    assert "Zakres " in result.output and "Według roku: " in result.output
    assert "Tylko na jednym źródle: " in result.output
    lines = [line for line in result.output.splitlines() if ": warning: " in line]
    assert lines and all("rests on" not in line for line in lines)


def test_import_and_export_say_what_they_did_in_the_language(runner, data_dir, tmp_path):
    good = tmp_path / "new.geojson"
    good.write_text(collection(feature("brand-new")), "utf-8")
    result = runner.invoke(cli, ["--lang", "lt", "import", "--dry-run", str(good)])
    assert result.exit_code == 0, result.output
    assert "Būtų pridėta pranešimų: 1: brand-new" in result.output
    result = runner.invoke(cli, ["--lang", "ru", "export", "--format", "kml"])
    assert result.exit_code == 2
    assert "--format kml требует файла: добавьте -o reports.kml" in result.output
    out = tmp_path / "out.csv"
    result = runner.invoke(cli, ["--lang", "be", "export", "--format", "csv", "-o", str(out)])
    assert result.exit_code == 0 and f"Запісана паведамленняў у {out}: " in result.output
    result = runner.invoke(cli, ["--lang", "et", "export", "--where", "from=2024-99"])
    assert "from: '2024-99' ei ole kuupäev" in result.output
    assert "is not a date" not in result.output


def test_build_site_refuses_a_folder_in_the_language(runner, tmp_path):
    taken = tmp_path / "taken"
    taken.mkdir()
    (taken / "notes.txt").write_text("mine", "utf-8")
    result = runner.invoke(cli, ["--lang", "lv", "build-site", str(taken)])
    assert result.exit_code == 1
    assert "nav tukša un to nav ierakstījis `webmap build-site`" in result.output


def test_help_is_in_the_language(runner):
    result = runner.invoke(cli, ["--lang", "pl", "check", "--help"])
    assert "Sprawdź pliki danych pod kątem błędów" in result.output
    assert "Sprawdź też, czy każdy adres źródła nadal odpowiada" in result.output
    listing = runner.invoke(cli, ["--lang", "uk", "--help"])
    assert "Записати всю мапу звичайними файлами в OUTDIR." in listing.output
    english = runner.invoke(cli, ["check", "--help"])
    assert "Check data files for mistakes" in english.output


def test_clicks_own_words_are_in_the_language_too(runner):
    polish = webmap("check", "--help", LANG="pl_PL.UTF-8").stdout
    assert polish.startswith("Użycie: webmap check") and "Opcje:" in polish
    assert "Pokaż tę pomoc i zakończ." in polish and "Usage:" not in polish
    wrong = webmap("--lang", "uk", "check", "--nope")
    assert "Помилка: Немає параметра '--nope'." in wrong.stderr
    assert "Спробуйте 'webmap check --help'" in wrong.stderr
    english = webmap("check", "--help").stdout
    assert english.startswith("Usage: webmap check") and "Options:" in english
    inside = runner.invoke(cli, ["--lang", "ru", "check", "--help"])
    assert inside.output.startswith("Использование:")
    assert "LANGUAGE" not in os.environ  # a command's language does not stay behind it
    assert runner.invoke(cli, ["check", "--help"]).output.startswith("Usage:")


def test_the_plural_forms_follow_each_language():
    said = {
        n: translator("pl").ngettext("%(n)s problem to fix.", "%(n)s problems to fix.", n)
        for n in (1, 3, 5, 22)
    }
    assert [said[n] % {"n": n} for n in (1, 3, 5, 22)] == [
        "1 problem do poprawienia.",
        "3 problemy do poprawienia.",
        "5 problemów do poprawienia.",
        "22 problemy do poprawienia.",
    ]


def test_a_missing_geodata_file_is_said_in_the_language(data_dir):
    (data_dir / "lakes.geojson").unlink()
    lines = [p.in_language("pl") for p in check_paths([data_dir], data_dir)]
    assert any(
        line.startswith(f"{data_dir}: -: geodata: ") and "lakes.geojson: brak pliku" in line
        for line in lines
    ), lines
