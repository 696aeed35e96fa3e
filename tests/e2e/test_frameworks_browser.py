"""The Train page with another framework, in a real browser: a torch.nn or MindSpore
run lands in the runs table with its framework and is overlaid with a scratch run.

The MindSpore case skips without MindSpore (fails instead with REQUIRE_MINDSPORE=1)."""

import importlib.util

import pytest
from conftest import require

from lib.i18n import t

from .browser import (
    assert_healthy,
    click_train,
    open_url,
    runs_table,
    settle,
    shoot,
    wait_text,
)


@pytest.mark.parametrize("framework", ["concise", "mindspore"])
def test_another_framework_beside_scratch_in_the_browser(live_server, new_page, framework):
    if framework == "mindspore" and importlib.util.find_spec("mindspore") is None:
        require(
            "mindspore", "MindSpore is not installed (pip install -r requirements-mindspore.txt)"
        )
    page = new_page()
    for name in ("scratch", framework):
        open_url(page, f"{live_server.url}/?framework={name}&epochs=2&softmax=stable")
        radio = page.locator('[class*="st-key-train-w-framework"]')
        chosen = radio.locator('[data-testid="stRadioOption"][data-selected="true"]')
        assert chosen.inner_text().strip() == t(f"framework.{name}", "en")
        click_train(page)
        wait_text(page, "after 2 epochs", timeout=180)
        settle(page)
        assert_healthy(page, f"train with {name}")
    rows = runs_table(page)
    assert [row["framework"] for row in rows] == [framework, "scratch"]
    assert all(float(row["test_acc"]) > 0.7 for row in rows)
    # the runs overlaid, found by its name (describe.compare): the Train page draws the last
    # run's curves and how its W grew above it
    overlay = page.locator('[data-testid="stVegaLiteChart"][aria-label*="runs overlaid"]')
    labels = overlay.locator('g.mark-symbol path[role="graphics-symbol"]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || '')"
    )
    assert any(framework in label for label in labels)
    assert any("scratch" in label for label in labels)
    shoot(page, f"en-train-{framework}")
