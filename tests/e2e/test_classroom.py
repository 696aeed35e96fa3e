"""Work that lasts, and a class together, in a real browser (issue 9).

- a run survives a reload, a new tab of the same browser and a server restart,
  and a second browser (another context: other cookies) sees none of it;
- a teacher starts a class, a student opens the join link in another browser,
  joins and trains, and the run appears on the teacher's board by itself (the
  board's fragment refreshes every few seconds; the teacher touches nothing).

Every server here writes to the test database (SOFTMAX_DB_URL, set by
tests/conftest.py), so a restarted server reads what the previous one saved.
"""

from __future__ import annotations

import os
import subprocess
import time

import pytest
from conftest import require

from lib.i18n import t
from scripts.local_server import start_streamlit, wait_healthy

from .browser import (
    assert_healthy,
    click_train,
    open_url,
    runs_table,
    settle,
    shoot,
    wait_text,
)
from .conftest import ARTIFACTS, REPORT

BOARD_WAIT_S = 30  # the longest we wait for a run to reach the board (it takes ~3 s)


class RestartableServer:
    """`streamlit run app.py` on a fixed port that can be stopped and started again."""

    def __init__(self, port: int, env: dict):
        self.port, self.env = port, env
        self.url = f"http://127.0.0.1:{port}"
        self.log_path = ARTIFACTS / "e2e-server-restart.log"
        ARTIFACTS.mkdir(exist_ok=True)
        self.proc = None
        self.starts = 0

    def start(self) -> None:
        self.starts += 1
        with open(self.log_path, "a") as log:
            log.write(f"\n---- start {self.starts} ----\n")
            log.flush()
            self.proc = start_streamlit(self.port, log, self.env)
        try:
            wait_healthy(self.url, self.proc, 60)
        except RuntimeError as exc:
            self.stop()
            pytest.fail(f"{exc}:\n{self.log_path.read_text()[-3000:]}", pytrace=False)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def own_server(browser):
    """A server of this test alone (the shared live_server is never stopped)."""
    if not os.environ.get("FASHION_MNIST_ROOT"):
        require("data", "FASHION_MNIST_ROOT is not set")
    from scripts.local_server import free_port

    server = RestartableServer(free_port(), dict(os.environ))
    server.start()
    yield server
    server.stop()


def train_one(page, url: str, epochs: int = 1) -> dict:
    """Train a short run on the Train page; its row in the runs table."""
    open_url(page, f"{url}/?epochs={epochs}&softmax=stable")
    click_train(page)
    wait_text(page, "after 1 epoch " if epochs == 1 else f"after {epochs} epochs")
    settle(page)
    rows = runs_table(page)
    assert len(rows) == 1, rows
    return rows[0]


def listed(page, url: str) -> list[dict]:
    """The runs table of the Train page at `url` ([] when the page says there are none)."""
    open_url(page, url)
    table = page.locator('[data-testid="stDataFrame"]:visible')  # not a chart's hidden table
    none = page.get_by_text("No runs yet.")  # train.no_runs
    table.or_(none).first.wait_for()  # the first script run may start after settle()
    assert_healthy(page, url)
    return [] if none.count() else runs_table(page)


# ---- work that lasts ------------------------------------------------------------------


def test_a_run_survives_reload_new_tab_and_restart_but_not_another_browser(own_server, new_page):
    page = new_page()
    row = train_one(page, own_server.url)
    assert row["status"] == t("status.done", "en")

    page.reload()  # (1) the reload button
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)
    assert_healthy(page, "after a reload")
    assert runs_table(page) == [row]

    tab = page.context.new_page()  # (2) a new tab
    assert listed(tab, own_server.url) == [row]
    tab.close()

    own_server.stop()  # (3) a server restart
    own_server.start()
    assert listed(page, own_server.url) == [row]

    other = new_page()  # (4) another browser
    assert listed(other, own_server.url) == []
    assert other.get_by_text("No runs yet.").count() == 1  # train.no_runs


# ---- a class ------------------------------------------------------------------------------


def board_students(page) -> list[str]:
    """The 'student' column of the class board's table (newest first)."""
    frame = page.locator('[data-testid="stDataFrame"]:visible')  # not a chart's hidden table
    frame.first.wait_for()
    frame.first.scroll_into_view_if_needed()  # the grid's cells are drawn when in view
    grid = frame.first.locator('table[role="grid"]')
    grid.locator("tbody tr").first.wait_for(state="attached")
    return grid.evaluate("""g => {
        const heads = [...g.querySelectorAll('thead th')].map(th => th.textContent.trim());
        const col = heads.findIndex(h => h === 'student' || h === '学生');
        return [...g.querySelectorAll('tbody tr')].map(
            tr => tr.querySelectorAll('td')[col]?.textContent.trim() ?? '');
    }""")


def test_a_students_run_reaches_the_teachers_board_by_itself(live_server, new_page):
    url = live_server.url
    teacher = new_page()
    open_url(teacher, f"{url}/class")
    assert_healthy(teacher, "class board, no class yet")
    teacher.locator(".st-key-class_board-start-title input").fill("Period 3 <b>**bold**</b>")
    teacher.get_by_role("button", name=t("class_board.start.button", "en"), exact=True).click()
    teacher.locator('[data-testid="stMetricValue"]').first.wait_for()
    settle(teacher)
    assert_healthy(teacher, "class board, class started")
    code = teacher.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
    assert len(code) == 6, code
    assert teacher.get_by_text(f"{url}/?class={code}").count() == 1  # the join link
    assert teacher.get_by_text("Period 3 <b>**bold**</b>").count() == 1  # the title, as typed
    teacher.get_by_text(t("class_board.teacher", "en"), exact=True).click()  # the expander
    teacher.locator(f".st-key-class_board-show_teach-{code} label").click()
    settle(teacher)
    link = teacher.get_by_text(f"{url}/class?teach={code}.").first.inner_text().strip()

    student = new_page()  # another browser: the student
    open_url(student, f"{url}/?class={code}&epochs=2&softmax=stable&lr=0.3")
    student.locator(".st-key-class-join-name input").fill("Ada <i>L</i>")
    student.get_by_role("button", name=t("class.join.button", "en"), exact=True).click()
    student.get_by_text(t("class.member", "en", code=code)).wait_for()
    settle(student)
    assert "class=" not in student.url
    click_train(student)
    wait_text(student, "after 2 epochs")
    trained = time.perf_counter()

    # The teacher's page is not touched: the board's fragment must bring the run in.
    teacher.wait_for_function(
        """() => [...document.querySelectorAll(
        '[data-testid="stDataFrame"] table[role="grid"] tbody td')].some(
        td => td.textContent.trim() === 'Ada <i>L</i>')""",
        timeout=BOARD_WAIT_S * 1000,
    )
    seconds = time.perf_counter() - trained
    REPORT.append(f"a student's finished run on the teacher's board after {seconds:.1f} s")
    print(f"\nstudent's run -> teacher's board: {seconds:.1f} s")
    settle(teacher)
    assert_healthy(teacher, "teacher's board with a run")
    assert board_students(teacher) == ["Ada <i>L</i>"]
    shoot(teacher, "en-class-board-teacher")

    projector = new_page()  # the teacher link, on another computer, in zh
    open_url(projector, f"{link}&lang=zh")
    assert_healthy(projector, "teacher link in zh")
    # taken out of the address by the page's first script (the board may still be drawing)
    projector.wait_for_function("() => !location.search.includes('teach=')", timeout=10_000)
    assert projector.locator(".st-key-class_board-hide").count() == 1  # teacher's controls
    assert board_students(projector) == ["Ada <i>L</i>"]
    shoot(projector, "zh-class-board-teacher")

    student.locator('[data-testid="stSidebarNavLink"]').filter(
        has_text=t("nav.class_board", "en")
    ).click()
    student.get_by_text(t("class_board.member", "en", code=code)).wait_for()
    settle(student)
    assert_healthy(student, "student's class board")
    assert board_students(student) == ["Ada <i>L</i>"]
    assert student.locator(".st-key-class_board-hide").count() == 0  # read-only
    assert student.locator(".st-key-class_board-delete").count() == 0
    shoot(student, "en-class-board-student")
