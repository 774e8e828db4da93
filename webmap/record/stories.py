"""Stories: an ordered walk through reports, each step with a short text in our own words."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webmap.record.model import Problem, ReportError
from webmap.record.reports_file import read_json
from webmap.record.validation import ID_PATTERN

STORIES_DIR = "stories"
MIN_ZOOM, MAX_ZOOM = 3, 12


@dataclass(frozen=True)
class Step:
    """One stop of a story: a report, what to say about it, and how close to zoom."""

    report: str
    text: str
    zoom: int | None = None


@dataclass(frozen=True)
class Story:
    """A titled sequence of steps through the reports."""

    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the story as plain data for JSON."""
        return {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "steps": [{"report": s.report, "text": s.text, "zoom": s.zoom} for s in self.steps],
        }


def check_story(data: Any, path: str, report_ids: set[str]) -> list[Problem]:
    """Return every problem of one story file's content."""
    if not isinstance(data, dict):
        return [Problem(path, "-", "story", "is not a JSON object")]
    sid = str(data.get("id") or "?")
    problems = []

    def err(field: str, message: str) -> None:
        problems.append(Problem(path, sid, field, message))

    if not isinstance(data.get("id"), str) or not ID_PATTERN.fullmatch(data["id"]):
        err("id", "must be lowercase letters, digits and hyphens")
    elif Path(path).stem != data["id"]:
        err("id", f"must match the file name ({Path(path).stem}.json)")
    for name in ("title", "summary"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            err(name, "is empty")
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        err("steps", "a story needs at least one step")
        return problems
    for i, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            err(f"steps[{i}]", "is not an object with report and text")
            continue
        if step.get("report") not in report_ids:
            err(f"steps[{i}].report", f"no report has id {step.get('report')!r}")
        if not isinstance(step.get("text"), str) or not step["text"].strip():
            err(f"steps[{i}].text", "is empty")
        zoom = step.get("zoom")
        if zoom is not None and (not isinstance(zoom, int) or not MIN_ZOOM <= zoom <= MAX_ZOOM):
            err(f"steps[{i}].zoom", f"{zoom!r} is not a whole number from {MIN_ZOOM} to {MAX_ZOOM}")
    return problems


def load_stories(data_dir: Path, report_ids: set[str]) -> tuple[list[Story], list[Problem]]:
    """Load every story in data_dir/stories/, with the problems of the ones that are broken."""
    stories, problems = [], []
    for path in sorted((data_dir / STORIES_DIR).glob("*.json")):
        try:
            data = read_json(path)
        except ReportError as exc:
            problems += exc.problems
            continue
        found = check_story(data, str(path), report_ids)
        problems += found
        if found:
            continue
        steps = tuple(Step(s["report"], s["text"].strip(), s.get("zoom")) for s in data["steps"])
        stories.append(Story(data["id"], data["title"].strip(), data["summary"].strip(), steps))
    return stories, problems
