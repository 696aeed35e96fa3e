"""The teacher's side of a class in a real browser (issue 18).

- the browser that started a class keeps the board and its controls after a
  reload, in a new tab and after a server restart (the softmax_teacher cookie);
- the teacher link opens the controls on a second computer, and a new teacher
  link takes them away from it within a few refreshes; the old link is refused;
- the CSV the teacher downloads starts with a UTF-8 byte order mark (Excel);
- with SOFTMAX_PUBLIC_URL set, the join link starts with it (no localhost
  warning), and a student who opens it and joins sees the class and their name;
  without it, a teacher on localhost is warned.
"""

from __future__ import annotations

import os

from lib.i18n import t
from scripts.local_server import free_port

from . import test_classroom
from .browser import assert_healthy, open_url, settle, shoot
from .test_classroom import RestartableServer

LOCAL = t("class.link.local", "en").split(":")[0]  # its first words (the rest has code spans)
LOSE_WAIT_S = 30  # a rotated-out board notices within a refresh or two (3 s each)


def start_class(page, url: str, title: str = "") -> str:
    """Start a class on /class; its code."""
    open_url(page, f"{url}/class")
    if title:
        page.locator(".st-key-class_board-start-title input").fill(title)
    page.get_by_role("button", name=t("class_board.start.button", "en"), exact=True).click()
    page.locator('[data-testid="stMetricValue"]').first.wait_for()
    settle(page)
    return shown_code(page)


def shown_code(page) -> str:
    return page.locator('[data-testid="stMetricValue"]').first.inner_text().strip()


own_server = test_classroom.own_server  # the same fixture: a server of this test alone


def has_controls(page) -> bool:
    return page.locator(".st-key-class_board-hide").count() == 1


def teacher_link(page, code: str) -> str:
    """Open the teacher expander, show the link, read it."""
    page.get_by_text(t("class_board.teacher", "en"), exact=True).click()
    page.locator(f".st-key-class_board-show_teach-{code} label").click()
    settle(page)
    return page.get_by_text("/class?teach=").first.inner_text().strip()


def test_the_teacher_keeps_the_board_and_can_lock_out_an_old_link(own_server, new_page):
    url = own_server.url
    teacher = new_page()
    code = start_class(teacher, url, "kept")
    assert len(code) == 6 and has_controls(teacher)

    teacher.reload()  # (1) a reload
    teacher.wait_for_selector('[data-testid="stApp"]')
    settle(teacher)
    assert_healthy(teacher, "teacher after a reload")
    assert shown_code(teacher) == code and has_controls(teacher)

    tab = teacher.context.new_page()  # (2) a new tab of the same browser
    open_url(tab, f"{url}/class")
    assert shown_code(tab) == code and has_controls(tab)
    tab.close()

    own_server.stop()  # (3) a server restart
    own_server.start()
    open_url(teacher, f"{url}/class")
    assert_healthy(teacher, "teacher after a restart")
    assert shown_code(teacher) == code and has_controls(teacher)

    with teacher.expect_download() as download:  # the CSV: a BOM first, for Excel
        teacher.locator(".st-key-class_board-csv button").click()
    with open(download.value.path(), "rb") as csv:
        assert csv.read(3) == b"\xef\xbb\xbf"

    link = teacher_link(teacher, code)
    assert link.startswith(f"{url}/class?teach={code}.")
    second = new_page()  # (4) the teacher's second computer
    open_url(second, link)
    assert "teach=" not in second.url and has_controls(second)

    teacher.get_by_role(
        "button", name=t("class_board.rotate", "en")
    ).click()  # (5) a new teacher link
    teacher.get_by_text(t("class_board.rotated", "en")).wait_for()
    settle(teacher)
    new_link = teacher.get_by_text("/class?teach=").first.inner_text().strip()
    assert new_link != link and new_link.startswith(f"{url}/class?teach={code}.")
    second.locator(".st-key-class_board-hide").wait_for(
        state="detached", timeout=LOSE_WAIT_S * 1000
    )
    second.get_by_text(t("class_board.none", "en")).wait_for()  # by itself, untouched
    assert not has_controls(second)

    stranger = new_page()  # (6) the old link, anywhere
    open_url(stranger, link)
    stranger.get_by_text(t("class_board.teach.bad", "en")).wait_for()
    assert not has_controls(stranger)

    teacher.reload()  # (7) the rotating browser is still the teacher
    teacher.wait_for_selector('[data-testid="stApp"]')
    settle(teacher)
    assert shown_code(teacher) == code and has_controls(teacher)
    assert_healthy(teacher, "teacher after the rotation")


def test_a_student_joins_from_a_link_built_from_softmax_public_url(browser, new_page):
    port = free_port()
    public = f"http://127.0.0.1:{port}/"
    server = RestartableServer(port, dict(os.environ, SOFTMAX_PUBLIC_URL=public))
    server.start()
    try:
        teacher = new_page()
        code = start_class(teacher, f"http://localhost:{port}")  # the teacher's own machine
        join = teacher.get_by_text(f"?class={code}").first.inner_text().strip()
        assert join == f"{public}?class={code}"
        assert teacher.get_by_text(LOCAL).count() == 0

        student = new_page()
        open_url(student, join)
        student.locator(".st-key-class-join-name input").fill("Zoë 同学")
        student.get_by_role("button", name=t("class.join.button", "en"), exact=True).click()
        box = student.locator(".st-key-class-joined")
        box.wait_for()
        settle(student)
        assert_healthy(student, "student after joining")
        assert box.get_by_text(t("class.joined", "en", code=code)).count() == 1
        assert box.get_by_text("Zoë 同学").count() == 1
        assert box.get_by_role("button", name=t("class.leave", "en")).count() == 1
        shoot(student, "en-class-joined")
    finally:
        server.stop()


def test_a_teacher_on_localhost_without_a_public_address_is_warned(live_server, new_page):
    teacher = new_page()
    local = live_server.url.replace("127.0.0.1", "localhost")
    code = start_class(teacher, local)
    assert teacher.get_by_text(f"{local}/?class={code}").count() == 1
    assert teacher.get_by_text(LOCAL).count() == 1
