"""The Train page with another framework, in a real browser: torch.nn and MindSpore
runs land in the runs table with their framework and are overlaid with the others."""

from lib.i18n import t

from .test_browser import (
    assert_healthy,
    click_train,
    open_url,
    runs_table,
    settle,
    shoot,
    wait_text,
)


def test_concise_and_mindspore_runs_in_the_browser(live_server, new_page):
    page = new_page()
    for framework in ("concise", "mindspore"):
        open_url(page, f"{live_server.url}/?framework={framework}&epochs=2&softmax=stable")
        radio = page.locator('[class*="st-key-train-w-framework"]')
        chosen = radio.locator('[data-testid="stRadioOption"][data-selected="true"]')
        assert chosen.inner_text().strip() == t(f"framework.{framework}", "en")
        click_train(page)
        wait_text(page, "after 2 epochs", timeout=180)
        settle(page)
        assert_healthy(page, f"train with {framework}")
    rows = runs_table(page)
    assert [row["framework"] for row in rows] == ["mindspore", "concise"]
    assert all(float(row["test_acc"]) > 0.7 for row in rows)
    overlay = page.locator('[data-testid="stVegaLiteChart"]').nth(1)
    labels = overlay.locator('g.mark-symbol path[role="graphics-symbol"]').evaluate_all(
        "els => els.map(e => e.getAttribute('aria-label') || '')"
    )
    assert any("concise" in label for label in labels)
    assert any("mindspore" in label for label in labels)
    shoot(page, "en-train-frameworks")
