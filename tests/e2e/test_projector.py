"""The class board's projector view in a real browser (issue 18, item 2).

The teacher starts a class, opens the teacher link box (the secret is on their page),
and presses "Projector view": a new tab of the same browser. At 1280x720 the chart,
the join code and the QR code lie inside the viewport, the counts and the code are
at least 24 px, axe finds nothing, and the whole DOM holds neither the teacher's
secret nor this browser's identity cookie. Another browser opens the view in Chinese
at 1920x1080 and at 375x812. Screenshots: artifacts/screenshots/*-projector-*.png.
"""

from __future__ import annotations

import math

import torch

from lib.config import TrainConfig
from lib.i18n import t
from lib.projector import Counts, counts_line
from lib.runs import Run
from lib.store import Store
from lib.store.values import new_token

from .browser import assert_healthy, open_url, settle, shoot
from .test_accessibility import axe_violations, unnamed

MIN_PX = 24  # the counts and the join code, read from the back of the room


FIRST = [
    ("Ada", 0.1, "stable", 0.83, "done"),
    ("Ben", 1.0, "naive", None, "breakdown"),
    ("Chen", 0.3, "stable", 0.85, "done"),
]
REFRESH_WAIT_S = 30  # the view refreshes every 3 s by itself


def post_runs(code: str, runs=FIRST) -> None:
    """Students' runs (name, lr, softmax, acc, status), each by a new student, saved as
    the app saves them; acc None: broke down."""
    store = Store()
    try:
        for k, (name, lr, softmax, acc, status) in enumerate(runs):
            token = new_token()
            store.join_class(code, token, name)
            history = [
                {
                    "epoch": e,
                    "train_loss": 2.3 - 0.5 * e,
                    "train_acc": 0.1 + 0.3 * e,
                    "test_acc": acc if (acc and e == 2) else 0.1,
                    "seconds": 0.4,
                    "broke_down": status == "breakdown" and e == 2,
                }
                for e in range(3)
            ]
            W = torch.full((784, 10), math.nan if acc is None else 0.01)
            cfg = TrainConfig(lr=lr, softmax=softmax, num_epochs=2)
            run = Run(number=k + 1, cfg=cfg, history=history, W=W, b=torch.zeros(10), status=status)
            store.save_run(token, run, class_code=code)
    finally:
        store.close()


def inside(page, selector: str) -> dict:
    """The element's box, asserted to lie wholly in the viewport (no scrolling)."""
    box = page.locator(selector).first.bounding_box()
    size = page.viewport_size
    assert box is not None, selector
    assert box["x"] >= 0 and box["y"] >= 0, (selector, box)
    assert box["x"] + box["width"] <= size["width"], (selector, box, size)
    assert box["y"] + box["height"] <= size["height"], (selector, box, size)
    return box


def font_px(page, selector: str) -> float:
    return page.locator(selector).first.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")


def check_view(page, lang: str, counts: Counts, join_link: str) -> None:
    page.locator('[data-testid="stVegaLiteChart"] svg').first.wait_for()
    settle(page)
    page.wait_for_timeout(500)  # the chart's SVG is drawn after the script run
    assert_healthy(page, f"projector view ({lang})")
    assert page.locator(".sx-proj-counts").inner_text() == counts_line(counts, lang)
    assert font_px(page, ".sx-proj-counts") >= MIN_PX
    assert font_px(page, ".sx-proj-code") >= MIN_PX
    alt = page.locator(".sx-proj-join img").get_attribute("alt")
    assert alt == t("projector.qr", lang, link=join_link)
    assert page.locator(".sx-proj-join img").evaluate("i => i.complete && i.naturalWidth > 0")
    problems = axe_violations(page) + [f"unnamed {what}" for what in unnamed(page)]
    assert not problems, "\n".join(problems)


def test_the_projector_view_fits_the_screen_and_holds_no_secret(live_server, new_page):
    url = live_server.url
    teacher = new_page(width=1280, height=720)
    open_url(teacher, f"{url}/class")
    teacher.get_by_role("button", name=t("class_board.start.button", "en"), exact=True).click()
    teacher.locator('[data-testid="stMetricValue"]').first.wait_for()
    settle(teacher)
    code = teacher.locator('[data-testid="stMetricValue"]').first.inner_text().strip()
    teacher.get_by_text(t("class_board.teacher", "en"), exact=True).click()  # its expander
    teacher.locator(f".st-key-class_board-show_teach-{code} label").click()  # the secret shown
    settle(teacher)
    link = teacher.get_by_text(f"{url}/class?teach={code}.").first.inner_text().strip()
    secret = link.rpartition(".")[2]
    assert len(secret) >= 16 and secret in teacher.content()  # it is on the teacher's page
    post_runs(code)

    with teacher.context.expect_page() as opened:
        teacher.get_by_role("link", name=t("projector.open", "en")).click()
    projector = opened.value  # a new tab of the teacher's own browser
    projector.wait_for_selector('[data-testid="stApp"]')
    assert projector.url.endswith(f"/class?view=projector&code={code}")
    check_view(projector, "en", Counts(students=3, runs=3, broken=1), f"{url}/?class={code}")
    for selector in ('[data-testid="stVegaLiteChart"]', ".sx-proj-code", ".sx-proj-join img"):
        inside(projector, selector)
    dom = projector.content()
    cookie = {c["name"]: c["value"] for c in projector.context.cookies()}["softmax_student"]
    assert secret not in dom and "teach=" not in dom
    assert cookie.split(".")[0] not in dom  # this browser's identity: not written here
    assert "?me=" not in dom  # no personal link in the sidebar
    shoot(projector, "en-projector-1280x720")

    room = new_page(width=1920, height=1080)  # the projector's own computer, in Chinese
    open_url(room, f"{url}/class?view=projector&code={code}&lang=zh")
    check_view(room, "zh", Counts(students=3, runs=3, broken=1), f"{url}/?class={code}")
    for selector in ('[data-testid="stVegaLiteChart"]', ".sx-proj-code", ".sx-proj-join img"):
        inside(room, selector)
    assert secret not in room.content()
    shoot(room, "zh-projector-1920x1080")
    post_runs(code, [("Dana", 0.03, "naive", 0.79, "done")])  # the room touches nothing
    room.locator(".sx-proj-counts").filter(
        has_text=counts_line(Counts(students=4, runs=4, broken=1), "zh")
    ).wait_for(timeout=REFRESH_WAIT_S * 1000)
    room.set_viewport_size({"width": 375, "height": 812})
    room.wait_for_timeout(600)
    wide = room.evaluate("document.scrollingElement.scrollWidth")
    assert wide <= 375, f"the projector view scrolls sideways at 375 px ({wide})"
    shoot(room, "zh-projector-375x812")
