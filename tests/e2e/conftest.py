"""Fixtures for the browser tests: real Streamlit servers and one headless Chromium.

- `live_server`: the app on the real Fashion-MNIST (FASHION_MNIST_ROOT); the
  tests that need it are skipped when the variable is unset.
- `empty_server`: the app on an empty data folder, to see the missing-data message.
- every test here carries the `browser` marker: deselected by default, run with
  `-m browser` or `-m ""` (docs/testing.md).
- `browser` / `new_page`: Debian's Chromium driven by Playwright. When either is
  missing the tests are skipped with the reason, unless REQUIRE_BROWSER=1
  (CI sets it): then they fail (tests/conftest.py: require).

Both servers listen on 127.0.0.1 on a free port chosen at run time and are
stopped at the end of the session. Their logs go to artifacts/e2e-*.log, the
screenshots to artifacts/screenshots/ (both printed at the end of the run).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import require

from scripts.local_server import CHROMIUM_ARGS, free_port, start_streamlit, wait_healthy

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
SHOTS = ARTIFACTS / "screenshots"
HEALTH_TIMEOUT = 60  # seconds for a fresh server to answer /_stcore/health
REPORT: list[str] = []  # lines printed at the end of the run (timings, folders)


def chromium_path() -> str | None:
    path = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    return path if os.path.isfile(path) and os.access(path, os.X_OK) else None


class StreamlitServer:
    """`streamlit run app.py` on a loopback port, with its own environment and log."""

    def __init__(self, name: str, env: dict):
        self.name, self.port = name, free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        ARTIFACTS.mkdir(exist_ok=True)
        self.log_path = ARTIFACTS / f"e2e-server-{name}.log"
        self._log = open(self.log_path, "w")  # noqa: SIM115 - open while the server runs
        self.proc = start_streamlit(self.port, self._log, env)

    def log_tail(self, chars: int = 3000) -> str:
        self._log.flush()
        return self.log_path.read_text(errors="replace")[-chars:]

    def wait_healthy(self, timeout: float = HEALTH_TIMEOUT) -> None:
        try:
            wait_healthy(self.url, self.proc, timeout)
        except RuntimeError as exc:
            tail = self.log_tail()
            self.stop()
            raise RuntimeError(f"the {self.name} server: {exc}:\n{tail}") from None

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


def _server(name: str, env: dict):
    server = StreamlitServer(name, env)
    try:
        server.wait_healthy()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    REPORT.append(f"{name} server: {server.url} (log {server.log_path})")
    return server


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium; skipped (or failed under REQUIRE_BROWSER=1) when missing."""
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        sync_playwright, reason = (
            None,
            "playwright for Python is not installed (pip install playwright)",
        )
    path = chromium_path()
    if reason is None and path is None:
        reason = "Chromium was not found (apt-get install chromium, or set CHROMIUM=/path)"
    if reason:
        require("browser", reason)
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def live_server(browser):
    """The app on the real data; skipped when FASHION_MNIST_ROOT is unset."""
    if not os.environ.get("FASHION_MNIST_ROOT"):
        require("data", "FASHION_MNIST_ROOT is not set")
    server = _server("data", dict(os.environ))
    yield server
    server.stop()


def no_data_env(folder) -> dict:
    """An empty data folder; downloads go to a closed local port, so the data set
    stays missing even on a CI machine with internet."""
    dead = f"http://127.0.0.1:{free_port()}"
    return dict(
        os.environ,
        FASHION_MNIST_ROOT=str(folder),
        http_proxy=dead,
        https_proxy=dead,
        HTTP_PROXY=dead,
        HTTPS_PROXY=dead,
        no_proxy="",
        NO_PROXY="",
    )


@pytest.fixture(scope="session")
def empty_server(browser, tmp_path_factory):
    """The app on an empty data folder."""
    server = _server("no-data", no_data_env(tmp_path_factory.mktemp("no-data")))
    yield server
    server.stop()


@pytest.fixture
def fresh_server(browser, tmp_path):
    """A server process that has not run a script yet (no data: it starts fast)."""
    server = _server("fresh", no_data_env(tmp_path))
    yield server
    server.stop()


@pytest.fixture
def new_page(browser):
    """A fresh browser context (so a fresh Streamlit session) per call."""
    contexts = []

    def make(url: str | None = None, width: int = 1400, height: int = 1000):
        context = browser.new_context(
            viewport={"width": width, "height": height}, accept_downloads=True
        )
        context.set_default_timeout(60_000)
        contexts.append(context)
        page = context.new_page()
        if url:
            page.goto(url)
        return page

    yield make
    for context in contexts:
        context.close()


def pytest_collection_modifyitems(config, items):
    """Every test in this folder is in the `browser` tier (deselected by default)."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


def pytest_terminal_summary(terminalreporter):
    if REPORT or SHOTS.is_dir():
        terminalreporter.section("end-to-end")
        for line in REPORT:
            terminalreporter.write_line(line)
        if SHOTS.is_dir():
            terminalreporter.write_line(f"screenshots: {SHOTS}")
