"""A teacher's own story in a link (#story=): made in the map, opened elsewhere, never trusted."""

from __future__ import annotations

import base64
import json
import shutil
import zlib
from pathlib import Path

import pytest

from webmap.cli import cli
from webmap.record.reports_file import load_reports
from webmap.record.stories import MAX_LINK_CHARS, check_story

SHIPPED = Path(__file__).parent.parent.parent / "geodata"
DRAWN = "() => document.documentElement.dataset.mapDrawn"
STRIKE = "oreshnik-strike-dnipro-2024"
KNOWN = {r.id for r in load_reports(SHIPPED / "reports.geojson")}


def at_step(n: int) -> str:
    return f"() => document.documentElement.dataset.storyStep === '#/{n}'"


def plain(data) -> str:
    raw = json.dumps(data).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def deflated(raw: bytes) -> str:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as deflate-raw
    packed = packer.compress(raw) + packer.flush()
    return "z." + base64.urlsafe_b64encode(packed).decode().rstrip("=")


def open_map(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=30_000)
    # The story links' script loads when first wanted; these tests call it directly.
    page.evaluate("window.webmapOnDemand.load('story')")


def fresh_page(browser, errors: list[str], **options):
    context = browser.new_context(viewport={"width": 1366, "height": 768}, **options)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    return context, page


def make_two_step_story(page) -> None:
    """Build a story in the maker: one report from its popup, one from the list, then reorder."""
    page.click("#story-maker-open")
    page.fill(".maker-title", "Oreshnik: strike & <b>deployment</b>")
    page.fill(".maker-summary", "Two reports for one lesson.")
    page.evaluate(f"window.webmapMap.openReport('{STRIKE}')")
    page.locator(".report-popup .maker-popup-add").click()
    assert page.inner_text(".report-popup .maker-popup-add") == "In my story: step 1"
    page.fill(".maker-find", "Lukashenko Oreshnik combat duty")
    page.locator(".maker-found .maker-add").first.click()
    assert page.get_attribute("#story-maker", "data-steps") == "2"
    page.locator(".maker-step-text").nth(0).fill("The strike on Dnipro.")
    page.locator(".maker-step-question").nth(0).fill("How far is Dnipro from Kapustin Yar?")
    page.locator(".maker-step-text").nth(1).fill("Then <script>alert(1)</script> Belarus.")
    # Keyboard: the second step's Up button, pressed with Enter, makes it the first.
    page.locator(".maker-up").nth(1).focus()
    page.keyboard.press("Enter")
    assert page.locator(".maker-step-text").nth(0).input_value().startswith("Then")
    assert page.evaluate("document.activeElement.classList.contains('maker-step-text')") or (
        page.evaluate("document.activeElement.className") in ("maker-up", "maker-down")
    )


def test_a_story_made_in_the_map_round_trips_through_its_link(browser, live_server):
    errors: list[str] = []
    context, page = fresh_page(browser, errors)
    open_map(page, live_server)
    make_two_step_story(page)
    page.click(".maker-make-link")
    page.wait_for_function("() => document.querySelector('.maker-link').value.includes('#story=')")
    link = page.input_value(".maker-link")
    assert link.startswith(f"{live_server}/#story=")
    context.close()

    other, page = fresh_page(browser, errors)  # a pupil's browser: nothing shared but the link
    page.goto(link)
    page.wait_for_function(at_step(1), timeout=30_000)
    assert page.inner_text("#story-title") == "Oreshnik: strike & <b>deployment</b>"
    assert page.inner_text("#story-progress") == "Step 1 of 2"
    assert page.inner_text("#story-text") == "Then <script>alert(1)</script> Belarus."
    assert page.is_hidden(".story-question")
    page.click("#story-next")
    page.wait_for_function(at_step(2))
    assert page.inner_text("#story-text") == "The strike on Dnipro."
    assert page.inner_text(".story-question") == "Question: How far is Dnipro from Kapustin Yar?"
    page.wait_for_selector(f".report-popup[data-report-id='{STRIKE}']")
    assert page.locator("#story-player script, #story-player b").count() == 0
    # The address keeps the story and the step; reloading opens the same step.
    page.wait_for_function("() => location.search.includes('step=2') && location.hash")
    page.reload()
    page.wait_for_function(at_step(2), timeout=30_000)
    assert page.inner_text("#story-text") == "The strike on Dnipro."
    page.click("#story-close")
    page.wait_for_function("() => !location.hash")
    other.close()
    assert errors == []


def test_the_plain_and_the_deflated_link_play_the_same_story(page, live_server):
    page, log = page
    story = {
        "id": "zweig",
        "title": "Дві дати",
        "summary": "Короткий урок.",
        "steps": [{"report": STRIKE, "text": "Удар по Дніпру. " * 20, "zoom": 6}],
    }
    raw = json.dumps(story, ensure_ascii=False).encode()
    for text in (plain(story), deflated(raw)):
        page.goto("about:blank")
        open_map(page, f"{live_server}/#story={text}")
        page.wait_for_function(at_step(1), timeout=30_000)
        assert page.inner_text("#story-title") == "Дві дати"
        assert page.inner_text("#story-text") == ("Удар по Дніпру. " * 20).strip()
    assert log.errors == []


def test_the_map_makes_a_deflated_link_that_decodes(page, live_server):
    page, log = page
    open_map(page, live_server)
    story = {
        "id": "long-one",
        "title": "Long",
        "summary": "Many words.",
        "steps": [{"report": STRIKE, "text": "The same words again. " * 30}],
    }
    text = page.evaluate("(s) => window.webmapStoryLink.encode(s)", story)
    assert text.startswith("z.") and len(text) < len(plain(story))
    assert page.evaluate("(t) => window.webmapStoryLink.decode(t)", text)["steps"][0]["text"] == (
        story["steps"][0]["text"].strip()
    )
    assert log.errors == []


def story_of(**changes) -> dict:
    steps = [{"report": "a", "text": "x"}]
    return {"id": "x", "title": "t", "summary": "s", "steps": steps} | changes


HOSTILE = [
    ("not base64", "!!!<script>", "damaged or incomplete"),
    ("not json", plain("x")[:-2] + "~~", "damaged or incomplete"),
    ("a list", plain([1, 2]), "the content — not a story"),
    ("wrong types", plain(story_of(title=5, steps="no")), "title — nothing"),
    (
        "a bad zoom",
        plain(story_of(steps=[{"report": "a", "text": "x", "zoom": "9"}])),
        "the zoom of step 1 — not a whole number from 3 to 12",
    ),
    (
        "a control character",
        plain(story_of(title="t\u0007")),
        "the title — contains a character that no text may hold",
    ),
    ("huge", "A" * (MAX_LINK_CHARS + 1), "too long to open (at most 200,000 characters)"),
    ("a deflate bomb", deflated(b"[" + b" " * 5_000_000 + b"]"), "too long to open"),
    ("broken deflate", "z." + plain({"id": "x"}), "damaged or incomplete"),
]


@pytest.mark.parametrize(("case", "text", "says"), HOSTILE, ids=[c[0] for c in HOSTILE])
def test_a_bad_story_link_gives_a_clear_notice(page, live_server, case, text, says):
    page, log = page
    open_map(page, f"{live_server}/#story={text}")
    notice = page.locator("#story-link-problem")
    notice.wait_for()
    assert says in notice.inner_text()
    assert notice.get_attribute("role") == "alert"
    assert page.is_hidden("#story-player")
    assert log.errors == []


def test_hostile_texts_stay_text_and_unknown_reports_are_missing_steps(page, live_server):
    page, log = page
    story = {
        "id": "hostile",
        "title": "<img src=x onerror=window.pwned=1>",
        "summary": "<script>window.pwned=1</script>",
        "steps": [
            {"report": "no-such-report", "text": "<img src=x onerror=window.pwned=1>"},
            {"report": STRIKE, "text": "Real.", "question": "<b>Why?</b>"},
            {"report": "../../etc/passwd", "text": "Gone too."},
        ],
    }
    open_map(page, f"{live_server}/#story={plain(story)}")
    page.wait_for_function(at_step(1), timeout=30_000)
    assert page.inner_text("#story-title") == story["title"]
    assert page.inner_text("#story-text") == story["steps"][0]["text"]
    assert page.inner_text(".story-missing") == (
        "This step's report (no-such-report) is not on this map."
    )
    page.click("#story-next")
    page.wait_for_function(at_step(2))
    assert page.is_hidden(".story-missing")
    assert page.inner_text(".story-question") == "Question: <b>Why?</b>"
    page.click("#story-next")
    page.wait_for_function(at_step(3))
    assert "(../../etc/passwd)" in page.inner_text(".story-missing")
    assert page.evaluate("window.pwned") is None
    assert page.locator("#story-player img, #story-player b").count() == 0
    # The maker starts from the linked story; its missing report is marked, not dropped.
    page.click("#story-maker-open")
    assert page.locator(".maker-step").count() == 3
    assert "does not have (no-such-report)" in page.locator(".maker-step-report").first.inner_text()
    assert log.errors == []


def test_the_downloaded_story_file_passes_the_servers_check(page, live_server, tmp_path, runner):
    page, log = page
    open_map(page, live_server)
    make_two_step_story(page)
    with page.expect_download() as info:
        page.click(".maker-download")
    download = info.value
    assert download.suggested_filename == "oreshnik-strike-b-deployment-b.json"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = json.loads(path.read_text("utf-8"))
    assert check_story(data, str(path), KNOWN) == []
    # and `webmap check` takes it in a data folder's stories/
    folder = tmp_path / "checked"
    shutil.copytree(SHIPPED, folder)
    shutil.copy(path, folder / "stories" / path.name)
    result = runner.invoke(cli, ["check", str(folder)])
    assert result.exit_code == 0, result.output
    assert [s["report"] for s in data["steps"]][1] == STRIKE
    assert data["steps"][1]["question"] == "How far is Dnipro from Kapustin Yar?"
    assert "Downloaded oreshnik-strike-b-deployment-b.json" in page.inner_text(".maker-status")
    assert log.errors == []


def test_the_maker_says_what_is_missing_before_it_makes_a_link(page, live_server):
    page, log = page
    open_map(page, live_server)
    page.click("#story-maker-open")
    page.click(".maker-make-link")
    assert page.inner_text(".maker-status") == "Not ready yet: the title — nothing is written."
    page.fill(".maker-title", "T")
    page.fill(".maker-summary", "S")
    page.click(".maker-make-link")
    assert page.inner_text(".maker-status") == "Not ready yet: the steps — at least one is needed."
    assert page.is_hidden(".maker-link-box")
    assert log.errors == []


def test_the_offline_site_makes_and_plays_a_story_link(browser, static_site):
    errors: list[str] = []
    context, page = fresh_page(browser, errors)
    open_map(page, (static_site / "index.html").as_uri())
    make_two_step_story(page)
    page.click(".maker-preview")
    page.wait_for_function(at_step(1), timeout=30_000)
    assert page.inner_text("#story-text") == "Then <script>alert(1)</script> Belarus."
    link = page.input_value(".maker-link")
    assert link.startswith((static_site / "index.html").as_uri() + "#story=")
    context.close()
    context, page = fresh_page(browser, errors)
    page.goto(link)
    page.wait_for_function(at_step(1), timeout=30_000)
    page.click("#story-next")
    page.wait_for_function(at_step(2))
    assert page.inner_text("#story-text") == "The strike on Dnipro."
    # The quiz works offline too: a choice from the list answers it.
    page.click("#quiz-open")
    name = page.evaluate("window.webmapQuiz.current().name")
    page.locator(".quiz-choice", has_text=name).first.click()
    page.wait_for_function("() => document.getElementById('quiz').dataset.score === '1/1'")
    context.close()
    assert errors == []


def test_the_maker_and_its_notices_speak_the_pages_language(page, live_server):
    page, log = page
    open_map(page, f"{live_server}/?lang=uk#story=!!!")
    assert page.inner_text("#story-link-problem") == (
        "Посилання на сюжет пошкоджене або неповне: мапа не може його прочитати. "
        "Попросіть посилання ще раз."
    )
    page.click("#story-maker-open")
    assert page.inner_text("#story-maker-heading") == "Створити сюжет"
    page.fill(".maker-title", "Мій сюжет")
    page.fill(".maker-summary", "Урок.")
    page.locator(".maker-found .maker-add").first.click()
    page.click(".maker-make-link")
    assert page.inner_text(".maker-status") == "Ще не готово: текст кроку 1 — нічого не написано."
    page.locator(".maker-step-text").first.fill("Тут.")
    page.click(".maker-make-link")
    page.wait_for_function("() => document.querySelector('.maker-link').value.includes('#story=')")
    assert page.input_value(".maker-link").startswith(f"{live_server}/?lang=uk#story=")
    for text in page.locator("#story-maker button, #story-maker .maker-label").all_inner_texts():
        assert not any(word in text for word in ("Add", "Remove", "Preview", "Title", "Step")), text
    assert log.errors == []


def test_the_maker_and_the_quiz_have_no_serious_accessibility_violations(browser, live_server):
    from test_accessibility import violations  # tests/browser is on the path (rootdir conftest)

    errors: list[str] = []
    context, page = fresh_page(browser, errors, bypass_csp=True)
    open_map(page, live_server)
    make_two_step_story(page)
    page.click(".maker-make-link")
    page.wait_for_function("() => document.querySelector('.maker-link').value")
    assert violations(page) == []
    page.click("#quiz-open")
    assert violations(page) == []
    context.close()
    assert errors == []
