"""A class poll in a real browser: a teacher and three students in four browsers.

The teacher asks a built-in question; the students answer on their class board
(one changes her mind); every page shows only how many answered until the teacher
reveals; then, without anyone touching their page (the poll's fragment redraws
every few seconds), the distribution appears on all four, beside the class's runs.
"""

from __future__ import annotations

from lib.i18n import t
from lib.poll import BUILTINS, option_texts

from .browser import assert_healthy, open_url, settle, shoot

WAIT_MS = 30_000  # the longest we wait for a page's fragment to show what changed
Q = "lr1_naive"


def start_class(page, url: str, lang: str = "en") -> str:
    """A new class on /class; its code."""
    open_url(page, f"{url}/class?lang={lang}")
    page.locator(".st-key-class_board-start-title input").fill("Poll")
    page.get_by_role("button", name=t("class_board.start.button", lang), exact=True).click()
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    settle(page)
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


def join(page, url: str, code: str, name: str, lang: str = "en") -> None:
    """Join from the link, then open the class board from the sidebar."""
    open_url(page, f"{url}/?class={code}&lang={lang}")
    page.locator(".st-key-class-join-name input").fill(name)
    page.get_by_role("button", name=t("class.join.button", lang), exact=True).click()
    page.get_by_text(t("class.member", lang, code=code)).wait_for()
    settle(page)
    page.locator('[data-testid="stSidebarNavLink"]').filter(
        has_text=t("nav.class_board", lang)
    ).click()
    page.get_by_text(t("class_board.member", lang, code=code)).wait_for()
    settle(page)


def ask(page, lang: str = "en") -> None:
    expander = page.locator('[data-testid="stExpander"] summary')
    expander.filter(has_text=t("poll.ask.header", lang)).click()  # open it
    page.get_by_role("button", name=t("poll.ask.button", lang), exact=True).click()
    page.get_by_text(t("poll.asked", lang)).wait_for()
    settle(page)


def pick(page, k: int, lang: str = "en") -> None:
    """Choose option k of the open built-in question; wait until it is saved."""
    label = option_texts(Q, BUILTINS[Q].options, lang)[k]
    box = page.locator('[class*="st-key-poll-choice-"]')
    box.wait_for(timeout=WAIT_MS)
    box.get_by_text(label, exact=True).click()
    page.get_by_text(t("poll.saved", lang, option="ABCD"[k])).wait_for(timeout=WAIT_MS)
    settle(page)


def answered(page, n: int, students: int, lang: str = "en") -> None:
    page.get_by_text(t("poll.answered", lang, n=n, students=students)).wait_for(timeout=WAIT_MS)


def poll_chart_labels(page) -> list[str]:
    """The accessible names of the charts on the page that draw the poll's answers."""
    return page.evaluate("""() => [...document.querySelectorAll('[aria-label], [alt]')]
        .map(e => e.getAttribute('aria-label') || e.getAttribute('alt'))
        .filter(s => s && (s.startsWith('Poll answers') || s.startsWith('投票答案')))""")


def test_a_poll_with_three_students_hidden_until_revealed(live_server, new_page):
    url = live_server.url
    teacher = new_page()
    code = start_class(teacher, url)
    students = {}
    for name in ("Ada", "Bo", "Cy"):
        students[name] = new_page()
        join(students[name], url, code, name)

    ask(teacher)
    answered(teacher, 0, 3)
    for page in students.values():  # the question reaches them by itself
        page.get_by_text(BUILTINS[Q].text("en")).wait_for(timeout=WAIT_MS)
    pick(students["Ada"], 1)
    pick(students["Ada"], 0)  # she changes her mind: still one answer
    pick(students["Bo"], 0)
    pick(students["Cy"], 3)

    answered(teacher, 3, 3)  # the teacher's page, untouched, counts them
    for page in (teacher, *students.values()):
        answered(page, 3, 3)
        assert poll_chart_labels(page) == []  # hidden: no distribution anywhere
        assert page.get_by_text(t("poll.results", "en")).count() == 0
        assert_healthy(page, "before the reveal")
    for page in students.values():  # only the teacher can reveal
        assert page.locator(".st-key-poll-reveal").count() == 0
    assert teacher.locator(".st-key-poll-reveal").count() == 1

    teacher.locator(".st-key-poll-reveal button").click()
    settle(teacher)
    expected = "Poll answers, 3 in all: "
    for page in (teacher, *students.values()):  # the students' pages by themselves
        page.get_by_text(t("poll.results", "en"), exact=True).wait_for(timeout=WAIT_MS)
        settle(page)
        labels = poll_chart_labels(page)
        assert labels and labels[0].startswith(expected), labels
        assert ": 2 (67%)" in labels[0] and ": 1 (33%)" in labels[0], labels
        assert_healthy(page, "after the reveal")
    ada, cy = students["Ada"], students["Cy"]
    texts = option_texts(Q, BUILTINS[Q].options, "en")
    mine = [
        ada.get_by_text(t("poll.mine.right", "en", option=texts[0])),
        cy.get_by_text(t("poll.mine.wrong", "en", option=texts[3])),
    ]
    for line in mine:  # each page draws it by itself, maybe a rerun after the chart
        line.wait_for(timeout=WAIT_MS)
        assert line.count() == 1
    assert ada.locator('[class*="st-key-poll-choice-"]').count() == 0  # fixed now
    shoot(teacher, "en-poll-teacher-revealed")
    shoot(ada, "en-poll-student-revealed")
