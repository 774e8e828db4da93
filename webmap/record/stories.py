"""Stories: an ordered walk through reports, each step with a short text in our own words."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from webmap.record.languages import N_
from webmap.record.model import TRANSLATORS, Problem, ReportError, brief
from webmap.record.reports_file import read_json
from webmap.record.validation import (
    ID_PATTERN,
    MAX_TEXT,
    TRANSLATION_LANGUAGES,
    UNSAFE_RANGES,
    no_report,
    not_one_of,
    unsafe_character,
)

STORIES_DIR = "stories"
MIN_ZOOM, MAX_ZOOM = 3, 12
# How many steps a story may have; each of its texts is held to a report's MAX_TEXT. A story
# file and a teacher's story in a link (#story=) are held to the same limits.
MAX_STEPS = 40
LINK_PREFIX = "#story="  # how a map link carries a story, in its fragment
# The longest #story= a map link may carry (characters after "#story="), deflated or plain.
MAX_LINK_CHARS = 200_000


@dataclass(frozen=True)
class Step:
    """One stop of a story: a report, what to say about it, how close to zoom, a question."""

    report: str
    text: str
    zoom: int | None = None
    question: str = ""  # a question for pupils at this step, if the story asks one


@dataclass(frozen=True)
class StoryTranslation:
    """A story's title, summary and step texts in another language, and who translated them."""

    lang: str
    title: str
    summary: str
    steps: tuple[str, ...]
    by: str
    questions: tuple[str, ...] = ()  # one per step ("" where a step has none), or none at all


@dataclass(frozen=True)
class Story:
    """A titled sequence of steps through the reports."""

    id: str
    title: str
    summary: str
    steps: tuple[Step, ...]
    translations: tuple[StoryTranslation, ...] = ()
    lang: str = "en"  # the language of title, summary and step texts
    translated_by: str = ""  # "machine" or "editor" when they are a translation

    def in_language(self, lang: str) -> Story:
        """Return the story in lang if it has that translation, else as it is (in English)."""
        t = next((t for t in self.translations if t.lang == lang), None)
        if t is None:
            return self
        questions = t.questions or tuple(s.question for s in self.steps)
        steps = tuple(
            replace(s, text=text, question=question if s.question else "")
            for s, text, question in zip(self.steps, t.steps, questions, strict=True)
        )
        return replace(
            self, title=t.title, summary=t.summary, steps=steps, lang=lang, translated_by=t.by
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the story as plain data for JSON (with its language when translated)."""
        data = {
            "id": self.id,
            "title": self.title,
            "summary": self.summary,
            "steps": [_step_dict(s) for s in self.steps],
        }
        if self.translated_by:
            data |= {"lang": self.lang, "translated_by": self.translated_by}
        return data


def _step_dict(step: Step) -> dict[str, Any]:
    """Return one step as plain data (its question only when it has one)."""
    data = {"report": step.report, "text": step.text, "zoom": step.zoom}
    return data | {"question": step.question} if step.question else data


def _text_problem(value: Any, limit: int) -> str:
    """Return why value cannot be a story's text ('' when it can)."""
    if not isinstance(value, str) or not value.strip():
        return N_("is empty")
    if (code := unsafe_character(value)) is not None:
        return N_("holds a character no text may hold (%(code)s)", code=f"U+{code:04X}")
    if len(value) > limit:
        return N_("is longer than %(n)s characters", n=limit)
    return ""


def story_rules() -> dict[str, Any]:
    """Return the rules of a story's shape for the browser, which checks a story in a link."""
    unsafe = "".join(
        c if c == "-" else f"\\u{{{ord(c):x}}}"
        for c in UNSAFE_RANGES.encode("ascii", "backslashreplace").decode("unicode_escape")
    )
    return {
        "linkPrefix": LINK_PREFIX,
        "idPattern": ID_PATTERN.pattern,
        "unsafeCharacters": unsafe,  # a character class's inside, for a RegExp with the u flag
        "minZoom": MIN_ZOOM,
        "maxZoom": MAX_ZOOM,
        "maxText": MAX_TEXT,
        "maxSteps": MAX_STEPS,
        "maxLinkChars": MAX_LINK_CHARS,
    }


def _translation_problems(translations: Any, steps: int, err) -> None:
    """Check a story's translations: languages of the map, every text filled, `by` given."""
    if translations is None:
        return
    if not isinstance(translations, dict):
        err("translations", N_("is not an object of translations by language"))
        return
    for lang, t in translations.items():
        name = f"translations.{lang}"
        if lang not in TRANSLATION_LANGUAGES:
            err(name, not_one_of(lang, TRANSLATION_LANGUAGES))
            continue
        if not isinstance(t, dict):
            err(name, N_("is not an object with title, summary, steps and by"))
            continue
        for key in sorted(set(t) - {"title", "summary", "steps", "questions", "by"}, key=str):
            err(
                f"{name}.{key}",
                N_(
                    "is not a field of a translation; use %(fields)s",
                    fields="title, summary, steps, questions, by",
                ),
            )
        for key in ("title", "summary"):
            if not _filled(t.get(key)):
                err(f"{name}.{key}", N_("is empty or holds a control character"))
        texts = t.get("steps")
        if not isinstance(texts, list) or len(texts) != steps:
            err(
                f"{name}.steps",
                N_("must list the text of each of the %(count)s steps, in order", count=steps),
            )
        else:
            for i, text in enumerate(texts, start=1):
                if not _filled(text):
                    err(f"{name}.steps[{i}]", N_("is empty or holds a control character"))
        questions = t.get("questions")
        if questions is not None and (
            not isinstance(questions, list)
            or len(questions) != steps
            or not all(isinstance(q, str) and unsafe_character(q) is None for q in questions)
        ):
            err(
                f"{name}.questions",
                N_('must list a question (or "") for each of the %(n)s steps, in order', n=steps),
            )
        if t.get("by") not in TRANSLATORS:
            err(f"{name}.by", not_one_of(t.get("by"), TRANSLATORS))


def _filled(value: Any) -> bool:
    """Tell whether value is text with something in it and nothing text may not hold."""
    return isinstance(value, str) and bool(value.strip()) and unsafe_character(value) is None


def _translations(data: dict[str, Any]) -> tuple[StoryTranslation, ...]:
    """Return a checked story's translations in the order of the map's languages."""
    given = data.get("translations") or {}
    return tuple(
        StoryTranslation(
            lang,
            given[lang]["title"].strip(),
            given[lang]["summary"].strip(),
            tuple(text.strip() for text in given[lang]["steps"]),
            given[lang]["by"],
            tuple(q.strip() for q in given[lang].get("questions") or ()),
        )
        for lang in TRANSLATION_LANGUAGES
        if lang in given
    )


def check_story(data: Any, path: str, report_ids: set[str]) -> list[Problem]:
    """Return every problem of one story file's content."""
    if not isinstance(data, dict):
        return [Problem(path, "-", "story", N_("is not a JSON object"))]
    sid = str(data.get("id") or "?")
    problems = []

    def err(field: str, message: str) -> None:
        problems.append(Problem(path, sid, field, message))

    if not isinstance(data.get("id"), str) or not ID_PATTERN.fullmatch(data["id"]):
        err("id", N_("must be lowercase letters, digits and hyphens"))
    elif Path(path).stem != data["id"]:
        err("id", N_("must match the file name (%(name)s)", name=f"{Path(path).stem}.json"))
    for name in ("title", "summary"):
        if why := _text_problem(data.get(name), MAX_TEXT):
            err(name, why)
    steps = data.get("steps")
    if not isinstance(steps, list) or not steps:
        err("steps", N_("a story needs at least one step"))
        return problems
    if len(steps) > MAX_STEPS:
        err("steps", N_("a story has at most %(n)s steps", n=MAX_STEPS))
        return problems
    for i, step in enumerate(steps, start=1):
        if not isinstance(step, dict):
            err(f"steps[{i}]", N_("is not an object with report and text"))
            continue
        report = step.get("report")
        if not isinstance(report, str) or report not in report_ids:
            err(f"steps[{i}].report", no_report(brief(report)))
        if why := _text_problem(step.get("text"), MAX_TEXT):
            err(f"steps[{i}].text", why)
        if "question" in step and (why := _text_problem(step["question"], MAX_TEXT)):
            err(f"steps[{i}].question", why)
        zoom = step.get("zoom")
        if zoom is not None and (not isinstance(zoom, int) or not MIN_ZOOM <= zoom <= MAX_ZOOM):
            err(
                f"steps[{i}].zoom",
                N_(
                    "%(value)s is not a whole number from %(least)s to %(most)s",
                    value=repr(zoom),
                    least=MIN_ZOOM,
                    most=MAX_ZOOM,
                ),
            )
    _translation_problems(data.get("translations"), len(steps), err)
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
        steps = tuple(
            Step(s["report"], s["text"].strip(), s.get("zoom"), s.get("question", "").strip())
            for s in data["steps"]
        )
        story = Story(data["id"], data["title"].strip(), data["summary"].strip(), steps)
        stories.append(replace(story, translations=_translations(data)))
    return stories, problems
