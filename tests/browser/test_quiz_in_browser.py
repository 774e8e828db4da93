"""'Where is it?': the map asks for a place of the reports; a click or the list answers."""

from __future__ import annotations

DRAWN = "() => document.documentElement.dataset.mapDrawn"
CURRENT = (
    "(() => { const q = window.webmapQuiz.current(); "
    "return {name: q.name, kind: q.kind, lat: q.latlng.lat, lng: q.latlng.lng}; })()"
)
SCREEN_POINT = (
    "([lat, lng]) => { const m = window.webmapMap.map; m.setView([lat, lng], 6, {animate: false});"
    " const p = m.latLngToContainerPoint([lat, lng]);"
    " const r = m.getContainer().getBoundingClientRect();"
    " return [p.x + r.left, p.y + r.top]; }"
)


def open_quiz(page, url: str) -> dict:
    page.goto(url)
    page.wait_for_function(DRAWN, timeout=30_000)
    page.click("#quiz-open")
    page.wait_for_selector(".quiz-question")  # the quiz's script loads on the first press
    return page.evaluate(CURRENT)


def test_a_click_on_the_place_scores_and_the_names_hide_while_it_asks(page, live_server):
    page, log = page
    question = open_quiz(page, live_server)
    assert page.inner_text(".quiz-question").startswith(f"Where is {question['name']}? Click the")
    assert page.inner_text(".quiz-score") == "Score: 0 of 0"
    assert page.locator(".map-label").first.is_hidden()
    assert page.locator(".report-marker").first.is_hidden()
    page.mouse.click(*page.evaluate(SCREEN_POINT, [question["lat"], question["lng"]]))
    page.wait_for_function("() => document.getElementById('quiz').dataset.score === '1/1'")
    assert page.inner_text(".quiz-result").startswith("Right:")
    assert page.locator("path.quiz-mark").count() == 1
    assert page.evaluate("document.activeElement.className") == "quiz-next"
    page.click(".quiz-end")
    assert page.is_hidden("#quiz")
    assert page.locator(".report-marker").first.is_visible()
    assert log.errors == []


def test_a_keyboard_user_answers_from_the_list(page, live_server):
    page, log = page
    question = open_quiz(page, live_server)
    choices = page.locator(".quiz-choice").all_inner_texts()
    assert question["name"] in choices and len(choices) == len(set(choices)) >= 2
    # The first choice has the focus; Tab walks the list, Enter answers.
    assert page.evaluate("document.activeElement.className") == "quiz-choice"
    wrong = next(i for i, name in enumerate(choices) if name != question["name"])
    for _ in range(wrong):
        page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('quiz').dataset.score === '0/1'")
    assert page.inner_text(".quiz-result") == (
        f"Not quite: your answer was {choices[wrong]}; {question['name']} is marked on the map."
    )
    page.keyboard.press("Enter")  # the focus is on Next question
    page.wait_for_function("() => !document.querySelector('.quiz-choice').disabled")
    following = page.evaluate(CURRENT)
    assert following["name"] != question["name"]
    page.locator(".quiz-choice", has_text=following["name"]).first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('quiz').dataset.score === '1/2'")
    assert page.inner_text(".quiz-score") == "Score: 1 of 2"
    assert log.errors == []


def test_the_quiz_asks_in_the_pages_language(page, live_server):
    page, log = page
    question = open_quiz(page, f"{live_server}/?lang=pl")
    assert page.inner_text(".quiz-question").startswith(f"Gdzie jest {question['name']}?")
    assert page.inner_text(".quiz-score") == "Wynik: 0 z 0"
    assert page.inner_text(".quiz-end") == "Zakończ quiz"
    assert log.errors == []
