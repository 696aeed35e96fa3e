"""The app in a real browser: navigation, training, Stop, language, shared links.

Run with:
    FASHION_MNIST_ROOT=../shared/data REQUIRE_BROWSER=1 .venv/bin/python -m pytest -m browser

The helpers that read and drive the page are in tests/e2e/browser.py.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from urllib.parse import parse_qs, urlparse

import pytest

from lessons import PAGES as ALL_PAGES
from lib.i18n import t

from .browser import (
    assert_healthy,
    chart_points,
    click_nav,
    click_train,
    h1_text,
    open_url,
    runs_table,
    settle,
    shoot,
    slider_value,
    wait_text,
)
from .conftest import REPORT

PAGES = [page.name for page in ALL_PAGES]
MATH_PAGES = ("overflow", "cross_entropy")


# ---- every page, both languages -----------------------------------------------


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_page_through_the_sidebar(live_server, new_page, lang):
    page = new_page()
    open_url(page, f"{live_server.url}/?lang={lang}&epochs=2&softmax=stable")
    click_train(page)  # a trained run, so the result pages show results, not the prompt
    page.locator('[data-testid="stAlertContentSuccess"]').wait_for()
    settle(page)
    problems = []  # every page is visited and photographed; all problems reported at once
    for name in PAGES:
        title = t(f"nav.{name}", lang)
        click_nav(page, title)
        shoot(page, f"{lang}-{name}")
        spec = next(p for p in ALL_PAGES if p.name == name)
        expected_path = f"/{spec.url}"
        try:
            assert urlparse(page.url).path == expected_path, f"{title!r} opened {page.url}"
            assert_healthy(page, f"{lang}/{name}")
            if lang == "zh":
                assert re.search(r"[\u4e00-\u9fff]", h1_text(page)), (
                    f"zh/{name}: title {h1_text(page)!r} has no Chinese"
                )
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0])
    assert not problems, "\n".join(problems)


# ---- training -------------------------------------------------------------------


def test_three_epochs_draw_four_points_per_curve(live_server, new_page):
    page = new_page()
    open_url(page, f"{live_server.url}/?epochs=3")
    click_train(page)
    wait_text(page, "after 3 epochs")
    settle(page)
    assert_healthy(page, "train")
    assert page.get_by_text("Epoch 3 of 3").count() == 1  # the progress bar's text
    page.wait_for_function("""() => document.querySelector('[data-testid="stVegaLiteChart"]')
        ?.querySelectorAll('g.mark-symbol path[role="graphics-symbol"]').length === 12""")
    curves = [t(k, "en") for k in ("chart.train_loss", "chart.train_acc", "chart.test_acc")]
    assert chart_points(page, 0) == Counter(dict.fromkeys(curves, 4))  # epoch 0 is the start


def test_stop_keeps_the_partial_run(live_server, new_page):
    # The longest run the server allows (30 epochs of 1,875 minibatches): Stop comes
    # right after the first epoch is drawn, long before the last on any machine.
    page = new_page()
    open_url(page, f"{live_server.url}/?epochs=30&batch=32&softmax=stable")
    click_train(page)
    wait_text(page, "Epoch 1 of 30")  # the first epoch is drawn (epoch 0 is the start)
    page.locator(".st-key-train-stop button").click()
    warning = page.locator('[data-testid="stAlertContentWarning"]').filter(
        has_text="was stopped after"
    )
    warning.wait_for()
    settle(page)
    assert_healthy(page, "train after Stop")
    done = int(re.search(r"stopped after (\d+) epochs?", warning.inner_text()).group(1))
    assert 1 <= done < 30
    rows = runs_table(page)
    assert len(rows) == 1, rows
    assert rows[0]["epochs_run"] == str(done) and rows[0]["num_epochs"] == "30"
    assert rows[0]["status"] == t("status.stopped", "en")
    assert sum(chart_points(page, 0).values()) == 3 * (done + 1)  # every epoch, and epoch 0


def test_train_and_stop_clicked_in_quick_succession(live_server, new_page):
    """Impatient clicking in a real browser: every click lands, nothing breaks, and each
    run that trained an epoch is kept exactly once."""
    page = new_page()
    open_url(page, f"{live_server.url}/?epochs=3&softmax=stable")
    for _ in range(3):
        click_train(page)
        page.locator(".st-key-train-stop button").click()
    click_train(page)
    wait_text(page, "after 3 epochs")
    settle(page)
    assert_healthy(page, "train after quick Train/Stop clicks")
    rows = runs_table(page)
    numbers = [row["run"] for row in rows]
    assert len(numbers) == len(set(numbers)) >= 1  # no run twice
    assert rows[0]["status"] == t("status.done", "en")  # the last one finished
    assert all(row["status"] in (t("status.done", "en"), t("status.stopped", "en")) for row in rows)


def test_switching_to_chinese(live_server, new_page):
    page = new_page()
    open_url(page, live_server.url)
    assert h1_text(page) == t("train.title", "en")
    page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]').filter(
        has_text="中文"
    ).click()
    page.wait_for_function("""() => /[\u4e00-\u9fff]/.test(
        document.querySelector('[data-testid="stMain"] h1')?.textContent || '')""")
    settle(page)
    assert h1_text(page) == t("train.title", "zh")
    nav = page.locator('[data-testid="stSidebarNavLink"]').all_inner_texts()
    assert any(t("nav.gallery", "zh") in item for item in nav)
    assert parse_qs(urlparse(page.url).query).get("lang") == ["zh"]
    assert_healthy(page, "zh train")


def test_a_shared_link_reproduces_the_settings_and_the_run(live_server, new_page):
    page = new_page()
    open_url(page, f"{live_server.url}/?lr=1&epochs=4&batch=128&seed=7&softmax=stable")
    assert_healthy(page, "shared link")
    assert page.locator('[data-testid="stAlertContentWarning"]').count() == 0
    assert slider_value(page, "train-w-lr") == "1"
    assert slider_value(page, "train-w-epochs") == "4"
    assert slider_value(page, "train-w-batch") == "128"
    assert page.locator(".st-key-train-w-seed input").input_value() == "7"
    chosen = page.locator(
        '[class*="st-key-train-w-softmax"] [data-testid="stRadioOption"][data-selected="true"]'
    )
    assert chosen.inner_text().strip() == t("softmax.stable", "en")
    click_train(page)
    wait_text(page, "after 4 epochs")
    settle(page)
    row = runs_table(page)[0]
    assert (row["lr"], row["num_epochs"], row["batch_size"], row["seed"], row["softmax"]) == (
        "1",
        "4",
        "128",
        "7",
        "stable",
    )


def test_training_at_the_defaults_reports_its_time(live_server, new_page):
    """Prints the click-to-chart time (the figure docs/ record); asserts no wall-clock limit."""
    warm = new_page()  # the first training of a server process loads the data set
    open_url(warm, f"{live_server.url}/?epochs=1")
    click_train(warm)
    wait_text(warm, "after 1 epoch ")
    page = new_page()
    open_url(page, live_server.url)
    assert slider_value(page, "train-w-epochs") == "10"
    start = click_train(page)
    wait_text(page, "after 10 epochs")
    seconds = time.perf_counter() - start
    REPORT.append(f"click Train at the defaults (10 epochs) -> final message: {seconds:.2f} s")
    print(f"\nclick Train (10 epochs, defaults) -> final success message: {seconds:.2f} s")
    settle(page)
    assert_healthy(page, "train at the defaults")
    assert sum(chart_points(page, 0).values()) == 33  # epochs 0 to 10, three curves
    shoot(page, "en-train-after-10-epochs")


# ---- a fresh server, a server without the data set --------------------------------


def test_a_deep_link_as_the_first_visit_of_a_fresh_server(fresh_server, new_page):
    """After a (re)start the first visitor may well arrive on a shared link to a page;
    they must get the app (its navigation, language switch), not the bare page file."""
    page = new_page()
    open_url(page, f"{fresh_server.url}/overflow?lang=zh")
    assert_healthy(page, "deep link on a fresh server")
    nav = page.locator(
        '[data-testid="stSidebarNavLink"] [data-testid="stMarkdownContainer"]'
    ).all_inner_texts()
    assert [item.strip() for item in nav] == [t(f"nav.{name}", "zh") for name in PAGES], nav
    assert (
        page.locator('[data-testid="stSidebar"] [data-testid="stRadioOption"]')
        .filter(has_text="English")
        .count()
        == 1
    )  # the language switch of app.py's sidebar


def test_without_data_the_train_page_says_so(empty_server, new_page):
    page = new_page()
    open_url(page, empty_server.url)
    assert_healthy(page, "train without data")
    click_train(page)
    wait_text(page, t("data.missing.title", "en"))
    settle(page)
    assert_healthy(page, "train without data, after Train")
    assert "FASHION_MNIST_ROOT" in page.locator('[data-testid="stMain"]').inner_text()
    shoot(page, "nodata-en-train")


def test_without_data_the_gallery_says_so(empty_server, new_page):
    page = new_page()
    open_url(page, f"{empty_server.url}/gallery")
    assert_healthy(page, "gallery without data")
    message = page.get_by_text(t("data.missing.title", "en"))
    if message.count() == 0:  # the page asks for a run first: ask it to train one
        prompt = t("run.train_here", "en", epochs=0).split("(")[0].strip()
        page.locator('[data-testid="stMain"] button').filter(has_text=prompt).first.click()
    message.first.wait_for()
    settle(page)
    assert_healthy(page, "gallery without data, after asking for a run")
    shoot(page, "nodata-en-gallery")


@pytest.mark.parametrize("name", MATH_PAGES)
def test_without_data_the_math_pages_work(empty_server, new_page, name):
    page = new_page()
    open_url(page, f"{empty_server.url}/{name}?lang=zh")
    assert_healthy(page, f"{name} without data")
    assert page.get_by_text(t("data.missing.title", "zh")).count() == 0
    shoot(page, f"nodata-zh-{name}")
