"""The training queue in a real browser, on a server that runs one training at a time.

Student A trains; student B waits and keeps the first place through a click on another
control (C, who came later, stays behind); Stop, a page switch and a closed tab each give
B's place back; a closed tab gives A's slot back. The server's load is read the way a
student sees it: the sidebar caption of a freshly loaded page.

A's run must outlast each phase of the scenario: it is the longest run this server allows
(50 epochs of 1,875 minibatches; the server's step budget is raised for it) on the CPU,
and it is started again, alone, before a phase if it has already finished.
"""

from __future__ import annotations

import os
import re
import time
from urllib.parse import parse_qs

import pytest
from conftest import require

from lib.i18n import t

from .browser import SETTLE_S, click_nav, click_train, open_url, settle, shoot
from .conftest import _server

LOAD_RE = re.compile(r"Trainings on this server: (\d+) running, (\d+) waiting")
LONGEST = "epochs=50&batch=32&softmax=stable"  # 50 x 1,875 = 93,750 minibatch steps
SHORT = "epochs=1&softmax=stable"


@pytest.fixture(scope="module")
def queue_server(browser):
    """The app on the real data, one run in the engine at a time, on the CPU: a second
    student waits in the queue in front of the engine."""
    if not os.environ.get("FASHION_MNIST_ROOT"):
        require("data", "FASHION_MNIST_ROOT is not set")
    env = dict(
        os.environ,
        SOFTMAX_MAX_TRAININGS="1",
        SOFTMAX_MAX_IN_TRAINING="1",
        SOFTMAX_MAX_STEPS="93750",
        CUDA_VISIBLE_DEVICES="",
    )
    server = _server("queue", env)
    yield server
    server.stop()


def poll(check, what: str, timeout: float = SETTLE_S):
    """check() until it returns something true; fail with `what` and the last value."""
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {what} (last seen: {last!r})")


class Observer:
    """A page that reloads to read the server's load from its sidebar."""

    def __init__(self, page, url: str):
        self.page, self.url = page, f"{url}/cross_entropy"

    def load(self) -> tuple[int, int]:
        open_url(self.page, self.url)
        caption = self.page.locator('[data-testid="stSidebar"]').get_by_text(LOAD_RE)
        running, waiting = LOAD_RE.search(caption.first.inner_text()).groups()
        return int(running), int(waiting)

    def expect_waiting(self, waiting: int, what: str) -> None:
        """The queue holds `waiting` places. Whether A still trains is left open: on a
        fast machine A's long run may have ended, and then a waiting B trains instead."""
        seen = []
        try:
            poll(
                lambda: seen.append(self.load()) or (seen[-1][1] == waiting and seen[-1][0] <= 1),
                what,
            )
        except AssertionError:
            raise AssertionError(
                f"{what}: the sidebar said {seen[-1]} (running, waiting), expected "
                f"{waiting} waiting"
            ) from None

    def expect(self, expected: tuple[int, int], what: str) -> None:
        seen = []
        try:
            poll(lambda: seen.append(self.load()) or seen[-1] == expected, what)
        except AssertionError:
            raise AssertionError(
                f"{what}: the sidebar said {seen[-1]} (running, waiting), expected {expected}"
            ) from None


def queue_text(place: int) -> str:
    return t("train.queue", "en", ahead=place)


def shows_place(page, place: int) -> bool:
    """The page shows 'number <place> in the queue', drawn by its current script run
    (not a stale element left from the run before)."""
    box = page.locator('[data-testid="stElementContainer"][data-stale="false"]').filter(
        has=page.locator('[data-testid="stAlertContentInfo"]', has_text=queue_text(place))
    )
    return box.count() > 0


def wait_place(page, place: int, what: str) -> None:
    poll(lambda: shows_place(page, place), f"{what}: 'number {place} in the queue'")


def a_trains(a, observer: Observer) -> None:
    """A holds the only slot: start its run again (alone, so it starts at once) if it ended."""
    observer.expect_waiting(0, "nobody waits before A starts again")
    if observer.load() == (1, 0):
        return
    observer.expect((0, 0), "the slot is free for A")
    settle(a)
    click_train(a)
    observer.expect((1, 0), "A trains")


def close(page) -> None:
    page.context.close()


def test_a_place_in_the_queue_survives_clicks_and_is_given_back(queue_server, new_page):
    url = queue_server.url
    observer = Observer(new_page(), url)
    observer.expect((0, 0), "an idle server")

    a = new_page()
    open_url(a, f"{url}/?{LONGEST}")
    click_train(a)
    observer.expect((1, 0), "A trains")

    # B waits for the slot; C comes later and waits behind B.
    b, c = new_page(), new_page()
    open_url(b, f"{url}/?{SHORT}")
    click_train(b)
    wait_place(b, 1, "B waits")
    open_url(c, f"{url}/?{SHORT}")
    click_train(c)
    wait_place(c, 2, "C waits behind B")
    observer.expect((1, 2), "A trains, B and C wait")
    shoot(b, "en-train-queue-waiting")

    # B changes the seed while waiting: the new script run resumes B's place, still first.
    seed = b.locator(".st-key-train-w-seed input")
    seed.fill("7")
    seed.press("Enter")
    poll(
        lambda: parse_qs(b.evaluate("() => location.search.slice(1)")).get("seed") == ["7"],
        "B's click reached the server (its seed is in the URL)",
    )
    wait_place(b, 1, "B, after its click, is still first")
    wait_place(c, 2, "C is still behind B")
    observer.expect((1, 2), "B's click took no second place")

    close(c)  # a closed tab while waiting
    observer.expect_waiting(1, "C's tab closed")
    b.locator(".st-key-train-stop button").click()
    settle(b)
    assert not shows_place(b, 1)
    observer.expect_waiting(0, "B pressed Stop")

    # B waits again, then goes to another page through the sidebar.
    a_trains(a, observer)
    click_train(b)
    wait_place(b, 1, "B waits again")
    observer.expect_waiting(1, "B waits again")
    click_nav(b, t("nav.cross_entropy", "en"))
    observer.expect_waiting(0, "B switched pages")

    # B comes back, waits again, and closes the tab.
    a_trains(a, observer)
    click_nav(b, t("nav.train", "en"))
    click_train(b)
    wait_place(b, 1, "B waits a third time")
    observer.expect_waiting(1, "B waits a third time")
    close(b)
    observer.expect_waiting(0, "B's tab closed")

    # A closes its tab while training.
    a_trains(a, observer)
    close(a)
    observer.expect((0, 0), "A's tab closed while training")
    log = queue_server.log_tail(1_000_000)
    assert "Traceback" not in log, log[log.find("Traceback") :][:3000]  # no script failed
