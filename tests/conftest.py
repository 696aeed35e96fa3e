"""Shared fixtures, and the rule that CI runs every test.

- `real_data`: the real Fashion-MNIST from FASHION_MNIST_ROOT; `real_slice`: a
  tenth of its training images, for a fast epoch.
- `require(kind, reason)`: a test that cannot run here (no data, no browser,
  no PostgreSQL, no MindSpore, no nginx) skips with the reason, unless
  REQUIRE_<KIND>=1 is set: then it fails. CI sets all of them.
- In CI (CI=true) a run with any skipped test fails: a skip CI did not expect
  is a test that did not run.
- Streamlit's scan of the installed packages for components, and its compile of
  each page script, run once per test process, not at every AppTest (below).
"""

import functools
import os
import tempfile

import pytest

from lib.data import DataError, load_data

# Each AppTest starts a Streamlit runtime of its own, which redoes two things that do
# not change while the tests run: it scans every installed package's metadata for
# components (0.37 s per AppTest here) and compiles each page script again, with
# Streamlit's "magic" rewrite of its syntax tree (a fifth of the script threads' time).
# Both are done once per test process instead; with another Streamlit, where these
# internals differ, the tests just run slower.
try:
    from streamlit.components.v2 import manifest_scanner
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
except ImportError:
    manifest_scanner = ScriptCache = None

if hasattr(manifest_scanner, "scan_component_manifests"):
    manifest_scanner.scan_component_manifests = functools.cache(
        manifest_scanner.scan_component_manifests
    )

if hasattr(ScriptCache, "get_bytecode"):
    _compile_once = ScriptCache.get_bytecode
    _COMPILED: dict = {}

    def _shared_bytecode(self, script_path: str):
        """A script's bytecode, compiled once per test process (per file version)."""
        path = os.path.abspath(script_path)
        key = (path, os.stat(path).st_mtime_ns)
        if key not in _COMPILED:
            _COMPILED[key] = _compile_once(self, script_path)
        return _COMPILED[key]

    ScriptCache.get_bytecode = _shared_bytecode

# The app's run store during tests: a throw-away SQLite file, never state/ in the
# repository (AppTest sessions and the e2e servers all write runs there), and never
# a database SOFTMAX_DB_URL names in the shell (an operator's real one).
_STATE = tempfile.mkdtemp(prefix="softmax-tests-")
TEST_DB_URL = f"sqlite:///{_STATE}/softmax.db"
os.environ["SOFTMAX_DB_URL"] = TEST_DB_URL


def require(kind: str, reason: str):
    """Skip with `reason`, or fail when REQUIRE_<KIND>=1 says this machine must have it."""
    if os.environ.get(f"REQUIRE_{kind.upper()}") == "1":
        pytest.fail(f"REQUIRE_{kind.upper()}=1 but {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_data():
    """Both splits on the CPU; skipped (failed with REQUIRE_DATA=1) when the files are not there."""
    if not os.environ.get("FASHION_MNIST_ROOT"):
        require("data", "FASHION_MNIST_ROOT is not set")
    try:
        return load_data(download=False)
    except DataError as exc:
        require("data", str(exc))


@pytest.fixture(scope="session")
def real_slice(real_data):
    """The first 6,000 training images (a tenth) and the whole test set: what a test
    needs to see the real data's behaviour in one fast epoch (docs/testing.md)."""
    from lib.data import FashionMNIST

    return FashionMNIST(
        real_data.X_train[:6000], real_data.y_train[:6000], real_data.X_test, real_data.y_test
    )


@pytest.fixture(scope="session")
def trained_run(real_data):
    """One epoch on the real data: a usable run, as the Train page would keep it."""
    from lib.runs import Run
    from lib.trainers import TrainConfig, train

    cfg = TrainConfig(num_epochs=1, softmax="stable", device="cpu")
    run = Run(number=1, cfg=cfg)
    for record in train(cfg, real_data):
        run.add(record)
    return run


@pytest.fixture
def no_data(monkeypatch, tmp_path):
    """A server without Fashion-MNIST: an empty data folder and no way to download."""
    folder = tmp_path / "no-data"
    monkeypatch.setenv("FASHION_MNIST_ROOT", str(folder))
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, "http://127.0.0.1:9")  # a closed port, even with internet
    for name in ("no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    return folder


def pytest_sessionfinish(session, exitstatus):
    """In CI, a skipped test fails the run: CI must run everything."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = len(reporter.stats.get("skipped", [])) if reporter else 0
    if os.environ.get("CI") == "true" and skipped and exitstatus == 0:
        reporter.write_line(
            f"CI=true: {skipped} test(s) were skipped; every test must run in CI "
            "(see the skip reasons above)",
            red=True,
        )
        session.exitstatus = 1
