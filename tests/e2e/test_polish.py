"""Streamlit's own Stop in the page header, and pages on a 375 px phone screen.

Run with:
    FASHION_MNIST_ROOT=../shared/data REQUIRE_BROWSER=1 .venv/bin/python -m pytest \
        tests/e2e/test_polish.py -m browser
"""

from __future__ import annotations

import re

from lib.i18n import t
from lib.pages import PAGES

from .browser import assert_healthy, click_train, open_url, runs_table, settle, wait_text

HEADER_STOP = '[data-testid="stStatusWidget"] button'  # "Stop", shown while a script runs


def test_the_header_stop_keeps_the_run_and_frees_the_server(live_server, new_page):
    """Streamlit's Stop, not the page's: no new script run follows it, so the run must be
    kept by the stopped one. A reload (a new session, the same browser) reads it back
    from the store, and the server has nothing left training."""
    page = new_page()
    open_url(page, f"{live_server.url}/?epochs=30&batch=256&softmax=stable&seed=4")
    click_train(page)
    # an epoch after the start has been drawn (records may come two at a time: 0 and 1)
    page.get_by_text(re.compile(r"Epoch ([1-9]|[12][0-9]) of 30")).first.wait_for(timeout=60_000)
    page.locator(HEADER_STOP).click()
    page.locator(HEADER_STOP).wait_for(state="detached", timeout=60_000)  # the run is over
    page.reload()
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    assert_healthy(page, "train after the header's Stop and a reload")
    rows = runs_table(page)
    assert len(rows) == 1, rows
    assert rows[0]["status"] == t("status.stopped", "en")
    assert 1 <= int(rows[0]["epochs_run"]) < 30 and rows[0]["num_epochs"] == "30"
    page.get_by_text(t("sidebar.load", "en", running=0, waiting=0)).wait_for()


# ---- a phone's width ------------------------------------------------------------------

PHONE = {"width": 375, "height": 812}
WIDTHS = """() => {
    const main = document.querySelector('[data-testid="stMain"]');
    return {page: document.documentElement.scrollWidth, main: main.scrollWidth,
            screen: window.innerWidth, main_box: main.clientWidth};
}"""


def too_wide(page, where: str) -> str | None:
    """Neither the document nor the main area (which scrolls by itself) is wider than the
    screen; charts are given a moment to draw at their width first."""
    page.wait_for_timeout(800)
    w = page.evaluate(WIDTHS)
    if w["page"] > w["screen"] or w["main"] > w["main_box"]:
        return f"{where}: {w}"
    return None


CUT_LINKS = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stPageLink-NavLink"] p')]
    .filter(e => e.scrollWidth > e.clientWidth + 1 || e.closest('a').scrollWidth >
        e.closest('a').clientWidth + 1).map(e => e.textContent)"""


def cut_links(page, where: str) -> str | None:
    """No page link's label is cut off (Streamlit draws it on one line unless told)."""
    cut = page.evaluate(CUT_LINKS)
    return f"{where}: page links cut off: {cut}" if cut else None


def start_class_with_a_run(teacher, student, url: str) -> str:
    """The teacher starts a class on /class; a student joins it and trains; the class code."""
    open_url(teacher, f"{url}/class")
    teacher.locator(".st-key-class_board-start-title input").fill("Phones")
    teacher.get_by_role("button", name=t("class_board.start.button", "en"), exact=True).click()
    teacher.locator('[data-testid="stMetricValue"]').first.wait_for()
    settle(teacher)
    code = teacher.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
    open_url(student, f"{url}/?class={code}&epochs=2&softmax=stable")
    student.locator(".st-key-class-join-name input").fill("A student with a long display name")
    student.get_by_role("button", name=t("class.join.button", "en"), exact=True).click()
    student.get_by_text(t("class.member", "en", code=code)).wait_for()
    settle(student)
    click_train(student)
    wait_text(student, "after 2 epochs")
    settle(student)
    teacher.get_by_text("A student with a long display name").first.wait_for(timeout=60_000)
    settle(teacher)
    return code


def test_no_page_is_wider_than_a_phone(live_server, new_page):
    """At 375x812, every page in both languages, with a trained run (so the result pages
    draw their charts and tables), and the class board of a class with a run in it; no
    page link's label is cut off either."""
    student = new_page(width=PHONE["width"], height=PHONE["height"])
    teacher = new_page(width=PHONE["width"], height=PHONE["height"])
    start_class_with_a_run(teacher, student, live_server.url)
    problems = [too_wide(teacher, "class board (teacher)")]
    for lang in ("en", "zh"):
        for spec in PAGES:
            open_url(student, f"{live_server.url}/{spec.url}?lang={lang}")
            assert_healthy(student, f"{lang}/{spec.name} at 375 px")
            problems.append(too_wide(student, f"{lang}/{spec.name}"))
            problems.append(cut_links(student, f"{lang}/{spec.name}"))
    problems = [p for p in problems if p]
    assert not problems, "\n".join(problems)
