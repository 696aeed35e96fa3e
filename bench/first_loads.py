"""First loads: how long a new tab waits for its first page, on a warm server.

Starts the app (serve.py, as deployed) on the real data with a throw-away store,
trains one short run in a browser (so the result pages have a run to show), then opens
each page in a NEW TAB of that browser (a fresh Streamlit session of the same student)
ROUNDS times. The first round warms the server (its process-wide caches); the figure
is the median of the later rounds: from the request to the moment the page's script
run is over (the app root says "notRunning").

Then "Next minibatch" on /minibatch (--clicks N per round, 0 to skip): each round opens
/minibatch in a new tab and clicks N times; a click's figure runs from the click until
the page's step counter shows the new step and that script run is over. The first click
of a tab is shown apart from its later clicks; "cold" is round 1, "warm" the median of
the later rounds.

--app-dir DIR serves another checkout of the app (an older commit, for a before/after
with this script): the server process starts in DIR, so it runs DIR's serve.py, lib
and .streamlit/config.toml on this venv's packages.

    FASHION_MNIST_ROOT=../shared/data .venv/bin/python bench/first_loads.py [--rounds 4]
        [--clicks 3] [--app-dir /tmp/fl-before]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from lib.i18n import STRINGS  # noqa: E402
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
# The step counter above the minibatch's images, as drawn (English, the app's default
# language; its markdown's ** drawn as bold): "SGD steps taken from the start: 3."
STEPS = STRINGS["minibatch.counter"]["en"].split("{steps}")[0].replace("*", "")
COUNTER = f"""n => document.querySelector('[data-testid="stMain"]')
    ?.innerText.includes({json.dumps(STEPS)} + n + ".")"""


def run_over(page, start: float, what: str, ready=lambda: True) -> float:
    """The moment the page's script run was over ("notRunning" for CALM_S, counted once
    `ready()` holds), waiting at most 120 s after `start`."""
    done_at = None
    while True:
        state = page.evaluate(STATE)
        now = time.perf_counter()
        if state == "notRunning/CONNECTED" and ready():
            done_at = done_at or now
            if now - done_at >= CALM_S:
                return done_at
        else:
            done_at = None
        if now - start > 120:
            raise RuntimeError(f"{what}: still running after 120 s")
        page.wait_for_timeout(25)


def first_load(context, url: str) -> float:
    """Seconds from a new tab's request to the end of its first script run."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(url)
    done_at = run_over(page, start, url)
    page.close()
    return done_at - start


def script_runs(path: str) -> list[float]:
    """The server's script runs so far (seconds each, in order), from its log."""
    with open(path) as lines:
        return [float(line.split()[2]) for line in lines if line.startswith("SCRIPT_RUN")]


def next_clicks(context, url: str, clicks: int, log_path: str) -> list[tuple[float, float]]:
    """/minibatch in a new tab, then `clicks` clicks on Next minibatch: for each click,
    (seconds from the click until step n is drawn and its script run is over, the
    server's script run(s) after the click)."""
    page = context.new_page()
    start = time.perf_counter()
    page.goto(f"{url}/minibatch")
    run_over(page, start, "/minibatch", lambda: page.evaluate(COUNTER, 0))
    out = []
    for n in range(1, clicks + 1):
        seen = len(script_runs(log_path))
        start = time.perf_counter()
        page.locator(".st-key-minibatch-next button").click()
        done_at = run_over(
            page, start, f"Next minibatch {n}", lambda n=n: page.evaluate(COUNTER, n)
        )
        out.append((done_at - start, sum(script_runs(log_path)[seen:])))
    page.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--pages", nargs="*", default=[p.name for p in PAGES])
    parser.add_argument("--profile", help="a folder for a cProfile of every script run")
    parser.add_argument("--clicks", type=int, default=3, help="Next minibatch clicks a round")
    parser.add_argument("--app-dir", help="serve the app of this checkout (default: this one)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    folder = tempfile.mkdtemp(prefix="first-loads-")
    env = dict(os.environ, SOFTMAX_DB_URL=f"sqlite:///{folder}/store.db")
    if args.profile:
        os.makedirs(args.profile, exist_ok=True)
        env["FIRST_LOADS_PROFILE"] = os.path.abspath(args.profile)
    prelude = PRELUDE
    if args.app_dir:  # the server starts in that checkout: its serve.py, lib and config
        app_dir = os.path.abspath(args.app_dir)
        if not os.path.isfile(os.path.join(app_dir, "serve.py")):
            parser.error(f"--app-dir {app_dir}: no serve.py there")
        prelude = f"import os, sys\nos.chdir({app_dir!r})\nsys.path.insert(0, {app_dir!r})\n"
        prelude += PRELUDE
        if env.get("FASHION_MNIST_ROOT"):  # a relative data folder is relative to here
            env["FASHION_MNIST_ROOT"] = os.path.abspath(env["FASHION_MNIST_ROOT"])
    log_path = f"{folder}/server.log"
    port, log = free_port(), open(log_path, "w")  # noqa: SIM115
    proc = start_streamlit(port, log, env, prelude=prelude)
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
            runs = script_runs(log_path)  # the page visits' runs, before any click
            clicked = [next_clicks(context, url, args.clicks, log_path) for _ in range(args.rounds)]
            browser.close()
    finally:
        proc.terminate()
        proc.wait()
    log.close()
    server = {name: [] for name in args.pages}  # the server's script runs, in visit order
    names = [name for _ in range(args.rounds) for name in args.pages]
    for name, seconds in zip(names, runs[-len(names) :], strict=False):
        server[name].append(seconds)
    rows = [(name, times[name], server[name]) for name in args.pages]
    if args.clicks:  # first clicks of each round's tab, then its later clicks
        for label, part in (("1st click", slice(0, 1)), ("later clicks", slice(1, None))):
            browser_s = [[b for b, _ in one[part]] for one in clicked]
            server_s = [[s for _, s in one[part]] for one in clicked]
            if browser_s[0]:
                rows.append((f"Next minibatch, {label}", *per_round(browser_s, server_s)))
    print("| page | in the browser: cold | warm | the server's script run: cold | warm |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, ran in rows:
        ran = ran or [float("nan")]
        print(
            f"| {name} | {seconds[0]:.2f} s | {statistics.median(seconds[1:] or seconds):.2f} s "
            f"| {ran[0]:.2f} s | {statistics.median(ran[1:] or ran):.2f} s |"
        )


def per_round(browser_s: list[list[float]], server_s: list[list[float]]):
    """Clicks by round -> (browser, server) lists as the page rows have them: round 1's
    median first ("cold"), then every click of the later rounds ("warm" is their median)."""
    first = [statistics.median(browser_s[0])] + [s for one in browser_s[1:] for s in one]
    ran = [statistics.median(server_s[0])] + [s for one in server_s[1:] for s in one]
    return first, ran


if __name__ == "__main__":
    main()
