"""Reading and driving the app's page in a real browser (Playwright), for every
browser test: wait for a script run to end, follow the sidebar, read charts and the
runs table, take screenshots (to artifacts/screenshots/).

How the checks read the page (Streamlit 1.67):
- a script run is over when the app root says data-test-script-state="notRunning";
- an exception is an element with data-testid="stException" (it is still drawn,
  redacted, with client.showErrorDetails = "none");
- charts are Vega-Lite drawn as SVG: every point of a line is a
  path in a g.mark-symbol whose aria-label reads "epoch: 3; ... curve: test acc",
  so the points per curve can be counted exactly;
- st.dataframe draws on a canvas but keeps an accessible table[role=grid] with
  the same cells, which is where the runs table is read.
"""

from __future__ import annotations

import json
import re
import time
from collections import Counter

from lib.i18n import STRINGS, t

from .conftest import SHOTS

SETTLE_S = 90  # the slowest script run we wait for (a page that measures live)


def settle(page, timeout: float = SETTLE_S) -> None:
    """Wait until the script run is over: 'notRunning' on three checks in a row."""
    deadline, calm = time.monotonic() + timeout, 0
    while calm < 3:
        assert time.monotonic() < deadline, f"the app was still running after {timeout} s"
        state = page.evaluate("""() => {
            const app = document.querySelector('[data-testid="stApp"]');
            return app ? app.dataset.testScriptState + '/' + app.dataset.testConnectionState : '';
        }""")
        calm = calm + 1 if state == "notRunning/CONNECTED" else 0
        page.wait_for_timeout(200)


H1_TEXT = """() => document.querySelector('[data-testid="stMain"] h1')?.textContent ?? null"""


def open_url(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector('[data-testid="stApp"]')
    settle(page)


def click_nav(page, title: str) -> None:
    """Follow a sidebar link and wait for the new page (its own title) to be drawn."""
    link = page.locator('[data-testid="stSidebarNavLink"]').filter(
        has=page.get_by_text(title, exact=True)
    )
    assert link.count() == 1, f"no sidebar link titled {title!r}"
    here, before = link.get_attribute("aria-current") == "page", page.evaluate(H1_TEXT)
    link.click()
    if not here:  # every page has its own title: wait until the old one is gone
        page.wait_for_function(
            f"() => ({H1_TEXT})() !== {json.dumps(before)}", timeout=SETTLE_S * 1000
        )
    settle(page)


def assert_healthy(page, where: str) -> None:
    """No exception box, and a visible page title (h1)."""
    boxes = page.locator('[data-testid="stException"]')
    assert boxes.count() == 0, f"{where}: exception shown: {boxes.first.inner_text()[:500]}"
    h1 = page.locator('[data-testid="stMain"] h1').first
    assert h1.count() == 1 and h1.is_visible(), f"{where}: no visible page title (h1)"


def h1_text(page) -> str:
    return page.locator('[data-testid="stMain"] h1').first.inner_text().strip()


def shoot(page, name: str) -> None:
    """A screenshot of the whole page (the main area scrolls, so grow the viewport)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(document.body.scrollHeight,
        ...[...document.querySelectorAll('[data-testid="stMain"], [data-testid="stMain"] *')]
            .filter(e => e.scrollHeight > e.clientHeight + 1).map(e => e.scrollHeight))""")
    page.set_viewport_size(
        {"width": size["width"], "height": min(max(height, size["height"]), 9000)}
    )
    page.wait_for_timeout(600)  # charts re-fit to the new size
    page.screenshot(path=str(SHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def click_train(page) -> float:
    page.locator(".st-key-train-start button").click()
    return time.perf_counter()


def wait_text(page, text: str, timeout: float = 60) -> None:
    page.get_by_text(text).first.wait_for(timeout=timeout * 1000)


def chart_points(page, index: int = 0) -> Counter:
    """Points per curve in the index-th Vega-Lite chart on the page."""
    points = (
        page.locator('[data-testid="stVegaLiteChart"]')
        .nth(index)
        .locator('g.mark-symbol path[role="graphics-symbol"]')
    )
    labels = points.evaluate_all("els => els.map(e => e.getAttribute('aria-label'))")
    return Counter(
        m.group(1).strip()
        for m in (re.search(r"curve: ([^;]+)", label or "") for label in labels)
        if m
    )


def runs_table(page, lang: str = "en") -> list[dict]:
    """The rows of the runs table, keyed by the summary's field names (lr, epochs_run …)."""
    # :visible: the charts' data tables wait, hidden, in collapsed expanders above it
    grid = page.locator('[data-testid="stDataFrame"]:visible table[role="grid"]').first
    rows = grid.evaluate("""g => {
        const heads = [...g.querySelectorAll('thead th')].map(th => th.textContent.trim());
        return [...g.querySelectorAll('tbody tr')].map(tr => Object.fromEntries(
            [...tr.querySelectorAll('td')].map((td, i) => [heads[i], td.textContent.trim()])));
    }""")
    fields = {
        t(key, lang): key.removeprefix("train.col.")
        for key in STRINGS
        if key.startswith("train.col.")
    }
    return [{fields.get(k, k): v for k, v in row.items()} for row in rows]


def slider_value(page, key: str) -> str:
    return page.locator(f'.st-key-{key} [data-testid="stSliderThumbValue"]').inner_text().strip()
