"""The minibatch page and the guided lesson in Chromium, in both languages.

/minibatch: the page draws (the W.grad maps are a Vega-Lite chart), Next minibatch
moves the step counter twice. /lesson: predict, reveal, the progress moves; a step's
link opens the Train page with the step's settings, and training there breaks down
for the reason the answer gives.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlparse

import pytest

from lib import lesson as L
from lib.i18n import t

from .browser import assert_healthy, h1_text, open_url, settle, shoot, slider_value

COUNTER = {"en": "SGD steps taken from the start: {n}.", "zh": "从起点开始已走的 SGD 步数：{n}。"}


def main_text(page) -> str:
    return page.locator('[data-testid="stMain"]').inner_text()


def wait_main_text(page, text: str) -> None:
    """Wait until the main area shows `text` (code blocks are drawn a moment later)."""
    page.wait_for_function(
        "text => document.querySelector('[data-testid=\"stMain\"]').innerText.includes(text)",
        arg=text,
    )


def shown(markdown: str) -> str:
    """The text a markdown string shows (no backticks, no bold marks)."""
    return re.sub(r"[`*]", "", markdown)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_minibatch_page_and_next_minibatch(live_server, new_page, lang):
    page = new_page()
    open_url(page, f"{live_server.url}/minibatch?lang={lang}")
    assert_healthy(page, f"{lang}/minibatch")
    assert h1_text(page) == t("minibatch.title", lang)
    assert COUNTER[lang].format(n=0) in main_text(page)
    assert "(256, 1, 28, 28)" in main_text(page)
    wait_main_text(page, "tensor([2.3026, 0.6931])")  # the worked example
    grad_maps = page.locator('[data-testid="stVegaLiteChart"]')
    grad_maps.first.wait_for()
    assert grad_maps.count() == 1
    shoot(page, f"{lang}-minibatch-start")
    for n in (1, 2):
        page.locator(".st-key-minibatch-next button").click()
        wait_main_text(page, COUNTER[lang].format(n=n))
        settle(page)
    assert_healthy(page, f"{lang}/minibatch after two steps")
    history = page.locator('[data-testid="stDataFrame"]:visible table[role="grid"]').last
    assert history.locator("tbody tr").count() == 2  # the steps taken so far
    shoot(page, f"{lang}-minibatch-two-steps")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_lesson_reveal_and_follow_a_link_to_the_train_page(live_server, new_page, lang):
    page = new_page()
    open_url(page, f"{live_server.url}/lesson?lang={lang}")
    assert_healthy(page, f"{lang}/lesson")
    assert h1_text(page) == t("lesson.title", lang)
    total = len(L.STEPS)
    assert t("lesson.progress", lang, done=0, total=total) in main_text(page)
    step = page.locator(".st-key-lesson-step-lr1")
    answer_start = shown(t("lesson.lr1.answer", lang))[:20]
    assert answer_start not in step.inner_text()
    step.locator('[data-testid="stRadioOption"]').filter(
        has_text=t("lesson.lr1.option.log", lang)
    ).click()
    settle(page)
    step.locator(".st-key-lesson-reveal-lr1 button").click()
    step.locator('[data-testid="stAlertContentSuccess"]').wait_for()
    settle(page)
    assert t("lesson.right", lang) in step.inner_text()
    assert answer_start in step.inner_text()
    assert t("lesson.progress", lang, done=1, total=total) in main_text(page)
    assert_healthy(page, f"{lang}/lesson after a reveal")
    shoot(page, f"{lang}-lesson-revealed")

    step.locator('[data-testid="stPageLink"] a').click()  # same session: st.page_link
    page.wait_for_function("() => location.pathname === '/'")
    page.wait_for_function(
        "title => document.querySelector('[data-testid=\"stMain\"] h1')?.textContent === title",
        arg=t("train.title", lang),
    )
    settle(page)
    assert_healthy(page, f"{lang}/train from the lesson")
    query = parse_qs(urlparse(page.url).query)
    assert query["lr"] == ["1"] and query["softmax"] == ["naive"] and query["lang"] == [lang]
    assert slider_value(page, "train-w-lr") == "1"
    assert slider_value(page, "train-w-epochs") == "3"
    chosen = page.locator(
        '[class*="st-key-train-w-softmax"] [data-testid="stRadioOption"][data-selected="true"]'
    )
    assert chosen.inner_text().strip() == t("softmax.naive", lang)
    if lang == "en":  # train once: the lesson's answer is what the trainer reports
        page.locator(".st-key-train-start button").click()
        error = page.locator('[data-testid="stAlertContentError"]')
        error.wait_for()
        settle(page)
        message = error.inner_text()
        assert "log of a zero probability" in message
        assert re.search(r"largest logit was only 3[45]\.\d", message), message
        shoot(page, "en-train-from-the-lesson")
