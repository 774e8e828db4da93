import json
from pathlib import Path

import pytest

from webmap.record.reports_file import load_reports
from webmap.record.stories import (
    MAX_STEPS,
    check_story,
    load_stories,
    story_rules,
)
from webmap.record.validation import MAX_TEXT

LIMIT = MAX_TEXT
SHIPPED = Path(__file__).parent.parent / "geodata"
IDS = {"a-report", "b-report"}


def story(**changes):
    data = {
        "id": "my-story",
        "title": "A story",
        "summary": "What it tells.",
        "steps": [{"report": "a-report", "text": "First.", "zoom": 6}],
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (story(), []),
        (
            story(id="other"),
            ["s/my-story.json: other: id: must match the file name (my-story.json)"],
        ),
        (story(title=" "), ["s/my-story.json: my-story: title: is empty"]),
        (story(steps=[]), ["s/my-story.json: my-story: steps: a story needs at least one step"]),
        (
            story(steps=[{"report": "nope", "text": "x"}]),
            ["s/my-story.json: my-story: steps[1].report: no report has id 'nope'"],
        ),
        (
            story(steps=[{"report": "a-report", "text": "", "zoom": 30}]),
            [
                "s/my-story.json: my-story: steps[1].text: is empty",
                "s/my-story.json: my-story: steps[1].zoom: 30 is not a whole number from 3 to 12",
            ],
        ),
        (story(steps=[{"report": "a-report", "text": "Here.", "question": "Why here?"}]), []),
        (
            story(steps=[{"report": "a-report", "text": "Here.", "question": " "}]),
            ["s/my-story.json: my-story: steps[1].question: is empty"],
        ),
        (
            story(steps=[{"report": ["a-report"], "text": "x"}]),  # once a TypeError
            ["s/my-story.json: my-story: steps[1].report: no report has id ['a-report']"],
        ),
        (
            story(title="A\u0007bell"),
            ["s/my-story.json: my-story: title: holds a character no text may hold (U+0007)"],
        ),
        (
            story(steps=[{"report": "a-report", "text": "x" * (MAX_TEXT + 1)}]),
            [f"s/my-story.json: my-story: steps[1].text: is longer than {LIMIT} characters"],
        ),
        (
            story(steps=[{"report": "a-report", "text": "x"}] * (MAX_STEPS + 1)),
            [f"s/my-story.json: my-story: steps: a story has at most {MAX_STEPS} steps"],
        ),
        (
            story(
                translations={
                    "uk": {
                        "title": "T",
                        "summary": "S",
                        "steps": ["x"],
                        "questions": [],
                        "by": "editor",
                    }
                }
            ),
            [
                "s/my-story.json: my-story: translations.uk.questions: must list a question "
                '(or "") for each of the 1 steps, in order'
            ],
        ),
    ],
)
def test_story_problems(data, expected):
    assert [str(p) for p in check_story(data, "s/my-story.json", IDS)] == expected


def test_a_step_question_is_kept_apart_and_translated(tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    steps = [
        {"report": "a-report", "text": "First.", "question": "Which sea?"},
        {"report": "b-report", "text": "Second."},
    ]
    uk = {"title": "Т", "summary": "С", "steps": ["Перше.", "Друге."], "by": "editor"}
    uk["questions"] = ["Яке море?", ""]
    data = story(steps=steps, translations={"uk": uk})
    (folder / "my-story.json").write_text(json.dumps(data), "utf-8")
    [loaded], problems = load_stories(tmp_path, IDS)
    assert problems == []
    assert [s.question for s in loaded.steps] == ["Which sea?", ""]
    assert [s.question for s in loaded.in_language("uk").steps] == ["Яке море?", ""]
    assert loaded.to_dict()["steps"][0]["question"] == "Which sea?"
    assert "question" not in loaded.to_dict()["steps"][1]


def test_shipped_questions_stand_apart_from_the_step_texts():
    ids = {r.id for r in load_reports(SHIPPED / "reports.geojson")}
    stories = {s.id: s for s in load_stories(SHIPPED, ids)[0]}
    enlargement = stories["nato-enlargement-1999-2024"]
    assert sum(bool(s.question) for s in enlargement.steps) == 5
    for lang in ("en", "uk", "ru"):
        for step in enlargement.in_language(lang).steps:
            assert "Question" not in step.text and "Вопрос" not in step.text
            assert "Запитання" not in step.text


def test_shipped_stories_are_valid_and_walk_real_reports():
    ids = {r.id for r in load_reports(SHIPPED / "reports.geojson")}
    stories, problems = load_stories(SHIPPED, ids)
    assert problems == []
    titles = {s.title for s in stories}
    assert "Oreshnik: from a strike on Dnipro to deployment in Belarus (2024–2025)" in titles
    assert "NATO's eastern flank since 2014" in titles
    assert all(len(s.steps) >= 5 for s in stories)


def test_check_command_reports_a_broken_story(runner, data_dir):
    from webmap.cli import cli

    (data_dir / "stories").mkdir()
    path = data_dir / "stories" / "broken.json"
    path.write_text(json.dumps(story(id="broken", steps=[{"report": "gone", "text": "x"}])))
    result = runner.invoke(cli, ["check", str(data_dir)])
    assert result.exit_code == 1
    assert f"{path}: broken: steps[1].report: no report has id 'gone'" in result.output


def test_story_page_and_api(client, data_dir):
    from webmap.web.app import create_app

    (data_dir / "stories").mkdir()
    path = data_dir / "stories" / "my-story.json"
    steps = [{"report": "oreshnik-strike-dnipro-2024", "text": "<b>First</b> strike."}]
    path.write_text(json.dumps(story(steps=steps)))
    client = create_app({"TESTING": True, "DATA_DIR": str(data_dir)}).test_client()
    html = client.get("/stories/my-story").get_data(as_text=True)
    assert "&lt;b&gt;First&lt;/b&gt; strike." in html
    assert 'href="/reports/oreshnik-strike-dnipro-2024"' in html
    assert client.get("/api/stories").get_json()[0]["id"] == "my-story"
    assert client.get("/stories/none").status_code == 404
    assert 'data-story="my-story"' in client.get("/").get_data(as_text=True)


def test_a_question_is_loaded_and_given_with_its_step(data_dir):
    (data_dir / "stories").mkdir()
    steps = [{"report": "a-report", "text": "Here.", "question": " Why here? "}]
    (data_dir / "stories" / "my-story.json").write_text(json.dumps(story(steps=steps)))
    stories, problems = load_stories(data_dir, IDS)
    assert problems == []
    assert stories[0].to_dict()["steps"] == [
        {"report": "a-report", "text": "Here.", "zoom": None, "question": "Why here?"}
    ]


def test_the_map_page_gives_the_browser_the_rules_of_a_story(client):
    html = client.get("/").get_data(as_text=True)
    config = json.loads(html.split('id="webmap-config">', 1)[1].split("</script>", 1)[0])
    assert config["storyRules"] == story_rules()
    assert config["storyRules"]["maxSteps"] == MAX_STEPS


def test_the_borders_story_asks_a_question_the_shipped_map_answers_once():
    story = json.loads((SHIPPED / "stories/belarus-borders-hardening-2021-2025.json").read_text())
    assert "both a finished fence or wall and a closed crossing" in story["steps"][-1]["question"]
    reports = json.loads((SHIPPED / "reports.geojson").read_text("utf-8"))["features"]
    fenced, closed = set(), set()
    for props in (f["properties"] for f in reports):
        if props["kind"] != "fortification" or "BLR" not in props["actors"]:
            continue
        if not "2021" <= props["date"][:4] <= "2025":
            continue
        title, country = props["title"].lower(), props["actors"][0]
        if "complete" in title and ("fence" in title or "wall" in title):
            fenced.add(country)
        if "crossing" in title and ("close" in title or "shut" in title):
            closed.add(country)
    assert fenced & closed == {"LTU", "POL"}  # the pupils' answer: Lithuania and Poland
    assert "LVA" in fenced  # Latvia fenced but closed no crossing: not an answer
