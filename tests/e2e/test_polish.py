"""Streamlit's own Stop in the page header, and pages on a 375 px phone screen.

Run with:
    FASHION_MNIST_ROOT=../shared/data REQUIRE_BROWSER=1 .venv/bin/python -m pytest \
        tests/e2e/test_polish.py -m browser
"""

from __future__ import annotations

from lib.i18n import t

from .browser import assert_healthy, click_train, open_url, runs_table, settle, wait_text

HEADER_STOP = '[data-testid="stStatusWidget"] button'  # "Stop", shown while a script runs


def test_the_header_stop_keeps_the_run_and_frees_the_server(live_server, new_page):
    """Streamlit's Stop, not the page's: no new script run follows it, so the run must be
    kept by the stopped one. A reload (a new session, the same browser) reads it back
    from the store, and the server has nothing left training."""
    page = new_page()
    open_url(page, f"{live_server.url}/?epochs=30&batch=256&softmax=stable&seed=4")
    click_train(page)
    wait_text(page, "Epoch 1 of 30")
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
