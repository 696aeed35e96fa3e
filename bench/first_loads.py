"""First loads: how long a new tab waits for its first page, on a warm server.

Starts the app (serve.py, as deployed) on the real data with a throw-away store,
trains one short run in a browser (so the result pages have a run to show), then opens
each page in a NEW TAB of that browser (a fresh Streamlit session of the same student)
ROUNDS times. The first round warms the server (its process-wide caches); the figure
is the median of the later rounds: from the request to the moment the page's script
run is over (the app root says "notRunning").

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python bench/first_loads.py [--rounds 4]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.pages import PAGES  # noqa: E402
from scripts.local_server import (  # noqa: E402
    CHROMIUM_ARGS,
    free_port,
    start_streamlit,
    wait_healthy,
)

STATE = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    const h1 = document.querySelector('[data-testid="stMain"] h1');
    return app && h1 ? app.dataset.testScriptState + '/' + app.dataset.testConnectionState : '';
}"""
CALM_S = 0.6  # "notRunning" must hold this long (a page may start a second run)
# Run in the server before Streamlit starts: time every script run on the server (and,
# with --profile DIR, keep a cProfile of each) in a log line "SCRIPT_RUN <page> <seconds>".
PRELUDE = """
import cProfile, os, time, itertools
from streamlit.runtime.scriptrunner import script_runner as _sr
_real, _n = _sr.ScriptRunner._run_script, itertools.count()
_dir = os.environ.get('FIRST_LOADS_PROFILE')
def _timed(self, rerun_data):
    prof = cProfile.Profile() if _dir else None
    name = rerun_data.page_name or 'main'
    start = time.perf_counter()
    if prof: prof.enable()
    try:
        return _real(self, rerun_data)
    finally:
        if prof:
            prof.disable()
            prof.dump_stats(os.path.join(_dir, f'{next(_n):03d}-{name}.prof'))
        print('SCRIPT_RUN', name, f'{time.perf_counter() - start:.3f}', flush=True)
_sr.ScriptRunner._run_script = _timed
"""


def first_load(context, url: str) -> float:
    """Seconds from a new tab's request to the end of its first script run."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    done_at = None
    while True:
        state = page.evaluate(STATE)
        now = time.perf_counter()
        if state == "notRunning/CONNECTED":
            done_at = done_at or now
            if now - done_at >= CALM_S:
                break
        else:
            done_at = None
        if now - start > 120:
            raise RuntimeError(f"{url}: still running after 120 s")
        page.wait_for_timeout(25)
    page.close()
    return done_at - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pages", nargs="*", default=[p.name for p in PAGES])
    parser.add_argument("--profile", help="a folder for a cProfile of every script run")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = tempfile.mkdtemp(prefix="first-loads-")
    env = dict(os.environ, SOFTMAX_DB_URL=f"sqlite:///{folder}/store.db")
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        env["FIRST_LOADS_PROFILE"] = os.path.abspath(args.profile)
    port, log = free_port(), open(f"{folder}/server.log", "w")  # noqa: SIM115
    proc = start_streamlit(port, log, env, prelude=PRELUDE)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, 60)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=shutil.which("chromium"), args=CHROMIUM_ARGS
            )
            context = browser.new_context(viewport={"width": 1280, "height": 720})
            context.set_default_timeout(180_000)  # the server's very first run loads the data
            page = context.new_page()
            page.goto(f"{url}/?epochs=1&softmax=stable")
            page.locator(".st-key-train-start button").click()
            page.get_by_text("Epoch 1 of 1").first.wait_for(timeout=120_000)
            page.wait_for_timeout(1500)
            page.close()
            times = {name: [] for name in args.pages}
            for _ in range(args.rounds):
                for name in args.pages:
                    spec = next(p for p in PAGES if p.name == name)
                    times[name].append(first_load(context, f"{url}/{spec.url}"))
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    log.close()
    server = {name: [] for name in args.pages}  # the server's script runs, in visit order
    with open(f"{folder}/server.log") as lines:
        runs = [line.split() for line in lines if line.startswith("SCRIPT_RUN")]
    names = [name for _ in range(args.rounds) for name in args.pages]
    for name, (_, _, seconds) in zip(names, runs[-len(names) :], strict=False):
        server[name].append(float(seconds))
    print("| page | in the browser: cold | warm | the server's script run: cold | warm |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds in times.items():
        ran = server[name] or [float("nan")]
        print(
            f"| {name} | {seconds[0]:.2f} s | {statistics.median(seconds[1:]):.2f} s "
            f"| {ran[0]:.2f} s | {statistics.median(ran[1:] or ran):.2f} s |"
        )


if __name__ == "__main__":
    main()
