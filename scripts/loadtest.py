"""Load test: a class of N students opens the Train page and presses Train at once.

    .venv/bin/python -m scripts.loadtest                        # 30 sessions, 1 server
    .venv/bin/python -m scripts.loadtest --replicas 2           # 2 servers behind nginx
    .venv/bin/python -m scripts.loadtest --replicas 2 --tls     # ... which terminates HTTPS
    .venv/bin/python -m scripts.loadtest --client browser --sessions 10
    .venv/bin/python -m scripts.loadtest --url http://127.0.0.1:8501 --sessions 10
    SOFTMAX_MAX_TRAININGS=1 .venv/bin/python -m scripts.loadtest

Not part of the pytest run. Every session opens /?epochs=10 (the book's
settings otherwise) and waits until the page is ready; then all sessions press
Train together (or spread over --ramp seconds) and wait for the final success
message, which the page writes after the last chart update. Two kinds of client:

- ws (default): each session speaks Streamlit's own protocol over the WebSocket
  /_stcore/stream, as the browser does (protobuf BackMsg / ForwardMsg): it first
  GETs the page (so nginx hands it its affinity cookie), opens the socket, asks
  for a script run with the URL's query, finds the Train button in the deltas,
  and sends the button's trigger. It costs the test machine little, so what is
  measured is the server; in a classroom each browser runs on its own laptop.
- browser: each session is a context (own cookies, own Streamlit session) in
  one headless Chromium that clicks the real button. Faithful, but 30 pages
  rendering charts on the same small machine compete with the server for CPU;
  the report shows how much CPU the client side took.

Without --url the script starts the server(s) on free loopback ports
(FASHION_MNIST_ROOT, SOFTMAX_MAX_TRAININGS and OMP_NUM_THREADS are passed on),
with --replicas > 1 or --tls an nginx in front (deploy/nginx.conf, sticky by
cookie; with --tls it terminates HTTPS with a self-signed certificate made in
the temporary folder, and the clients trust that certificate), and stops
everything at the end. Each server first trains once, unmeasured (that loads
the data set), unless --no-warmup. Reported: completed / failed sessions, p50 /
p95 / max seconds from click to the final message, sessions that saw "you are
number N in the queue", the servers' memory (the peak resident size of each
server process, from its resource usage when it exits, and the peak of their
summed resident size sampled 4 times a second), and CPU seconds of the servers,
the client side, nginx and everything else during the training phase (psutil). Every
wait is bounded (--timeout per step, --deadline in all); the exit code is 0 only
when every session completed.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import re
import shutil
import ssl
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

import psutil

from scripts.local_server import (
    CHROMIUM_ARGS,
    free_port,
    render_site,
    self_signed_cert,
    start_nginx,
    start_streamlit,
    wait_healthy,
)

QUEUE_RE = re.compile(r"number (\d+) in the queue")


# ---- processes ----------------------------------------------------------------

def stop(proc: subprocess.Popen) -> int | None:
    """Stop proc (terminate, after 15 s kill) and return its peak resident size in bytes,
    from the resource usage the kernel reports when it is reaped (None if reaped before)."""
    if proc.returncode is not None:
        return None
    proc.terminate()
    deadline = time.monotonic() + 15
    while True:
        try:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        except ChildProcessError:
            return None
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_maxrss * (1 if sys.platform == "darwin" else 1024)  # KB on Linux
        if time.monotonic() > deadline:
            proc.kill()
        time.sleep(0.05)


# ---- memory and CPU (psutil) ---------------------------------------------------------

def family(pid: int) -> list[psutil.Process]:
    """The process and all its descendants; [] once it has ended."""
    try:
        proc = psutil.Process(pid)
        return [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return []


def tree(pids: list[int], exclude=()) -> list[psutil.Process]:
    """The processes and all their descendants, minus the excluded subtrees."""
    skip = {proc.pid for pid in exclude for proc in family(pid)}
    return [proc for pid in pids for proc in family(pid) if proc.pid not in skip]


def rss(procs: list[psutil.Process]) -> int:
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error):  # it ended meanwhile
            total += proc.memory_info().rss
    return total


def cpu_seconds(procs: list[psutil.Process]) -> float:
    total = 0.0
    for proc in procs:
        with contextlib.suppress(psutil.Error):
            times = proc.cpu_times()
            total += times.user + times.system
    return total


def machine_cpu_seconds() -> float:
    """CPU seconds all cores spent busy (not idle, not waiting for I/O) since boot."""
    t = psutil.cpu_times()
    guest = getattr(t, "guest", 0) + getattr(t, "guest_nice", 0)  # already in user and nice
    return sum(t) - t.idle - getattr(t, "iowait", 0) - guest


class MemorySampler(threading.Thread):
    """The peak of the summed resident size of some process trees, sampled 4 times a second."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self._done = pids, 0, threading.Event()

    def run(self):
        while not self._done.wait(0.25):
            self.peak = max(self.peak, rss(tree(self.pids)))

    def finish(self) -> int:
        self._done.set()
        self.join(timeout=5)
        return self.peak


# ---- a student speaking Streamlit's WebSocket protocol ----------------------------

class WsStudent:
    """One Streamlit session driven over /_stcore/stream, as the browser drives it."""

    def __init__(self, url: str, epochs: int, timeout: float,
                 context: ssl.SSLContext | None = None):
        self.url, self.epochs, self.timeout = url, epochs, timeout
        self.context = context if url.startswith("https:") else None  # the TLS trust
        self.query = f"epochs={epochs}"
        self.button, self.queue, self.ws = None, 0, None

    def _cookie(self) -> str:
        """GET the page like a browser; keep nginx's affinity cookie, if any."""
        with urllib.request.urlopen(f"{self.url}/?{self.query}", timeout=self.timeout,
                                    context=self.context) as r:
            r.read()
            cookies = r.headers.get_all("Set-Cookie") or []
        return "; ".join(c.split(";", 1)[0] for c in cookies)

    def _rerun(self, trigger: str | None = None) -> bytes:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        msg = BackMsg()
        msg.rerun_script.query_string = self.query
        if trigger:
            state = msg.rerun_script.widget_states.widgets.add()
            state.id, state.trigger_value = trigger, True
        return msg.SerializeToString()

    async def _read_until(self, done) -> str:
        """Read ForwardMsgs until done(element) matches or the script run ends."""
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        while True:
            msg = ForwardMsg()
            msg.ParseFromString(await asyncio.wait_for(self.ws.recv(), self.timeout))
            kind = msg.WhichOneof("type")
            if kind == "page_info_changed":
                self.query = msg.page_info_changed.query_string  # the app rewrote the URL
            elif kind == "script_finished":
                return "finished"
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                element = msg.delta.new_element
                what = element.WhichOneof("type")
                if what == "button" and element.button.id.endswith("train.start"):
                    self.button = element.button.id
                elif what == "exception":
                    raise RuntimeError(f"exception shown: {element.exception.message[:150]}")
                elif what == "alert":
                    found = QUEUE_RE.search(element.alert.body)
                    if found:
                        self.queue = max(self.queue, int(found.group(1)))
                    verdict = done(element.alert)
                    if verdict:
                        return verdict

    async def open(self) -> None:
        import websockets

        cookie = await asyncio.to_thread(self._cookie)
        self.ws = await websockets.connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream", subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie} if cookie else None, max_size=None,
            open_timeout=self.timeout, **({"ssl": self.context} if self.context else {}))
        await self.ws.send(self._rerun())
        await self._read_until(lambda alert: None)
        if self.button is None:
            raise RuntimeError("no Train button on the page")

    async def train(self) -> None:
        def verdict(alert):
            if alert.format == alert.SUCCESS and f"after {self.epochs} epochs" in alert.body:
                return "done"
            if alert.format == alert.ERROR:
                return "error: " + alert.body[:150]
            return None

        await self.ws.send(self._rerun(trigger=self.button))
        outcome = await self._read_until(verdict)
        if outcome != "done":
            raise RuntimeError(f"no final message ({outcome})")

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


class WsClients:
    def __init__(self, context: ssl.SSLContext | None = None):
        self.context = context

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def student(self, url, args):
        return WsStudent(url, args.epochs, args.timeout, self.context)


# ---- a student in a browser --------------------------------------------------------

READY = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.dataset.testScriptState === 'notRunning'
        && document.querySelector('.st-key-train-start button') !== null;
}"""
QUEUE_WATCH = """() => {
    window.__queue = 0;
    new MutationObserver(() => {
        const m = /number (\\d+) in the queue/.exec(document.body.innerText);
        if (m) window.__queue = Math.max(window.__queue, +m[1]);
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


class BrowserStudent:
    def __init__(self, browser, url: str, epochs: int, timeout: float):
        self.browser, self.url, self.epochs, self.timeout = browser, url, epochs, timeout
        self.page, self.queue = None, 0

    async def open(self) -> None:
        # --tls: the certificate is self-signed, on loopback only: Chromium is told to accept it
        context = await self.browser.new_context(viewport={"width": 1280, "height": 900},
                                                 ignore_https_errors=True)
        self.page = await context.new_page()
        self.page.set_default_timeout(self.timeout * 1000)
        await self.page.goto(f"{self.url}/?epochs={self.epochs}")
        await self.page.wait_for_function(READY, polling=200)
        await self.page.evaluate(QUEUE_WATCH)

    async def train(self) -> None:
        page = self.page
        await page.locator(".st-key-train-start button").click()
        done = page.locator('[data-testid="stAlertContentSuccess"]').filter(
            has_text=f"after {self.epochs} epochs")
        failed = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        await done.or_(failed).first.wait_for()
        self.queue = await page.evaluate("window.__queue")
        if await failed.count():
            raise RuntimeError("page shows: " + (await failed.first.inner_text())[:150])

    async def close(self) -> None:
        if self.page is not None:
            await self.page.context.close()


class BrowserClients:
    def __init__(self, chromium: str):
        self.chromium = chromium

    async def __aenter__(self):
        from playwright.async_api import async_playwright

        self._pw = await async_playwright().start()
        self.browser = await self._pw.chromium.launch(
            executable_path=self.chromium, args=[*CHROMIUM_ARGS, "--disable-dev-shm-usage"])
        return self

    async def __aexit__(self, *exc):
        await self.browser.close()
        await self._pw.stop()
        return False

    def student(self, url, args):
        return BrowserStudent(self.browser, url, args.epochs, args.timeout)


# ---- the class -------------------------------------------------------------------

def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}".rstrip(": ")


async def session(i, student, args, opened, go, results) -> None:
    rec = {"session": i}
    results.append(rec)
    try:
        t = time.perf_counter()
        async with opened:  # at most --open-concurrency sessions load the page at once
            await student.open()
        rec["open_s"] = time.perf_counter() - t
        await go.wait()
        await asyncio.sleep(random.uniform(0, args.ramp))
        t0 = time.perf_counter()
        await student.train()
        rec["train_s"] = time.perf_counter() - t0
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the others
        rec["error"] = short(exc)
    rec["queue"] = student.queue


async def drive(args, server_pids: list[int], other_pids: list[int]) -> dict:
    clients = WsClients(args.ssl_context) if args.client == "ws" else BrowserClients(args.chromium)
    async with clients:
        if args.warmup:  # a server loads the data set at its first training: not measured
            for url in args.replica_urls or [args.url]:
                warm = clients.student(url, argparse.Namespace(**{**vars(args), "epochs": 1}))
                await warm.open()
                await warm.train()
                await warm.close()
        students = [clients.student(args.url, args) for _ in range(args.sessions)]
        opened, go, results = asyncio.Semaphore(args.open_concurrency), asyncio.Event(), []
        t_open = time.perf_counter()
        tasks = [asyncio.create_task(session(i, s, args, opened, go, results))
                 for i, s in enumerate(students)]
        while sum("open_s" in r or "error" in r for r in results) < args.sessions:
            await asyncio.sleep(0.1)
            if time.perf_counter() - t_open > args.timeout:
                break
        open_phase = time.perf_counter() - t_open

        def client_pids():  # this script, Chromium and its driver; not the servers, not nginx
            return tree([os.getpid()], exclude=set(other_pids))

        proxy_pids = [pid for pid in other_pids if pid not in server_pids]  # nginx

        def snapshot():
            return (time.perf_counter(), cpu_seconds(tree(server_pids)),
                    cpu_seconds(client_pids()), cpu_seconds(tree(proxy_pids)),
                    machine_cpu_seconds())

        before = snapshot()
        go.set()
        await asyncio.gather(*tasks)
        after = snapshot()
        for s in students:
            with contextlib.suppress(Exception):  # closing a broken session is not a result
                await s.close()
    wall, server, client, proxy, machine = (a - b for a, b in zip(after, before, strict=True))
    return {"results": sorted(results, key=lambda r: r["session"]), "open_phase_s": open_phase,
            "train_phase_s": wall, "server_cpu_s": server, "client_cpu_s": client,
            "proxy_cpu_s": proxy, "machine_cpu_s": machine}


# ---- report ---------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (q in whole percents), interpolated between the data points."""
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def summarize(run: dict, args, memory: dict, spread: dict | None) -> dict:
    results = run["results"]
    ok = [r for r in results if "train_s" in r and "error" not in r]
    times = [r["train_s"] for r in ok]
    opens = [r["open_s"] for r in results if "open_s" in r]
    errors: dict[str, int] = {}
    for r in results:
        if "error" in r:
            errors[r["error"]] = errors.get(r["error"], 0) + 1
    return {
        "client": args.client, "sessions": args.sessions, "completed": len(ok),
        "failed": args.sessions - len(ok),
        "replicas": None if args.external else args.replicas, "tls": args.tls,
        "max_trainings": os.environ.get("SOFTMAX_MAX_TRAININGS", f"cpu count ({os.cpu_count()})"),
        "omp_threads": os.environ.get("OMP_NUM_THREADS", "1 (app default)"),
        "epochs": args.epochs, "ramp_s": args.ramp,
        "train_p50_s": percentile(times, 0.5), "train_p95_s": percentile(times, 0.95),
        "train_max_s": max(times) if times else None,
        "open_p50_s": percentile(opens, 0.5), "open_max_s": max(opens) if opens else None,
        "queued_sessions": sum(1 for r in ok if r.get("queue")),
        "max_queue_position": max((r.get("queue") or 0 for r in ok), default=0),
        "train_phase_s": run["train_phase_s"], "server_cpu_s": run["server_cpu_s"],
        "client_cpu_s": run["client_cpu_s"], "proxy_cpu_s": run["proxy_cpu_s"],
        "machine_cpu_s": run["machine_cpu_s"],
        "load_average": [round(x, 2) for x in psutil.getloadavg()], **memory,
        "sessions_per_replica": spread, "errors": errors,
    }


def fmt(v, unit=""):
    return "-" if v is None else (f"{v:.2f}{unit}" if isinstance(v, float) else f"{v}{unit}")


def print_report(s: dict) -> None:
    cores, phase = psutil.cpu_count() or 1, s["train_phase_s"] or 1
    ours = s["server_cpu_s"] + s["client_cpu_s"] + s["proxy_cpu_s"]
    others = max(s["machine_cpu_s"] - ours, 0.0)
    share = lambda cpu: f"{100 * cpu / phase / cores:.0f}%"  # noqa: E731
    print(f"{s['client']} clients, {s['sessions']} sessions: completed {s['completed']}, "
          f"failed {s['failed']}  (replicas {fmt(s['replicas'])}, TLS {s['tls']}, "
          f"SOFTMAX_MAX_TRAININGS "
          f"{s['max_trainings']}, OMP_NUM_THREADS {s['omp_threads']}, epochs {s['epochs']}, "
          f"ramp {s['ramp_s']} s)")
    print(f"click -> final chart: p50 {fmt(s['train_p50_s'], ' s')}, "
          f"p95 {fmt(s['train_p95_s'], ' s')}, max {fmt(s['train_max_s'], ' s')}; "
          f"page ready: p50 {fmt(s['open_p50_s'], ' s')}, max {fmt(s['open_max_s'], ' s')}")
    print(f"queue: {s['queued_sessions']} sessions waited, "
          f"worst position {s['max_queue_position']}")
    print(f"training phase {fmt(s['train_phase_s'], ' s')}, CPU of the {cores} cores: server "
          f"{fmt(s['server_cpu_s'], ' s')} ({share(s['server_cpu_s'])}), client side "
          f"{fmt(s['client_cpu_s'], ' s')} ({share(s['client_cpu_s'])}), nginx "
          f"{fmt(s['proxy_cpu_s'], ' s')} ({share(s['proxy_cpu_s'])}), everything else "
          f"{fmt(others, ' s')} ({share(others)}); load average "
          f"{' '.join(map(str, s['load_average']))}")
    if s.get("server_peak_mb") is not None:
        each = ", ".join(f"{mb:.0f}" for mb in s["server_peak_each_mb"])
        print(f"server memory: peak resident size {s['server_peak_mb']:.0f} MB (sum of each "
              f"server's own peak: {each}), peak sampled RSS {s['server_peak_rss_mb']:.0f} MB")
    if s["sessions_per_replica"]:
        print("WebSocket sessions per replica (nginx log):", s["sessions_per_replica"])
    for error, n in s["errors"].items():
        print(f"  {n} x {error}")


def replica_spread(access_log: Path) -> dict:
    counts: dict[str, int] = {}
    if access_log.is_file():
        for line in access_log.read_text().splitlines():
            if "/_stcore/stream" in line:
                upstream = line.split()[0]
                counts[upstream] = counts.get(upstream, 0) + 1
    return counts


def start_and_drive(args, tmp: Path, procs: list, servers: list, logs) -> tuple[dict, int]:
    """Start the servers (and nginx) unless --url, run the class, return (run, sampled peak RSS).
    Every process started is appended to procs (servers also to servers) for main to stop."""
    if not args.external:
        ports = [free_port() for _ in range(args.replicas)]
        for port in ports:
            servers.append(start_streamlit(port, logs.enter_context(
                open(tmp / f"server-{port}.log", "w"))))  # noqa: SIM115 - closed by the stack
        procs += servers
        for port, proc in zip(ports, servers, strict=True):
            wait_healthy(f"http://127.0.0.1:{port}", proc)
        args.replica_urls = [f"http://127.0.0.1:{port}" for port in ports]
        args.url = args.replica_urls[0]
        if args.replicas > 1 or args.tls:
            listen = free_port()
            cert = self_signed_cert(tmp) if args.tls else None
            if cert:  # the clients trust this certificate, and only it (loopback)
                args.ssl_context = ssl.create_default_context(cafile=str(cert[0]))
            nginx = start_nginx(tmp, render_site(ports, listen, cert))
            procs.append(nginx)
            args.url = f"{'https' if cert else 'http'}://127.0.0.1:{listen}"
            wait_healthy(args.url, nginx, context=args.ssl_context)
    args.url = args.url.rstrip("/")
    print(f"{args.sessions} {args.client} sessions against {args.url} (logs in {tmp})",
          flush=True)
    sampler = MemorySampler([proc.pid for proc in servers])
    sampler.start()
    run = asyncio.run(asyncio.wait_for(
        drive(args, [proc.pid for proc in servers], [proc.pid for proc in procs]),
        args.deadline))
    return run, sampler.finish()


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--client", choices=("ws", "browser"), default="ws")
    p.add_argument("--url", help="test this running server instead of starting one")
    p.add_argument("--replicas", type=int, default=1,
                   help="servers to start; >1 puts nginx in front")
    p.add_argument("--tls", action="store_true",
                   help="nginx in front terminates HTTPS (self-signed certificate); wss clients")
    p.add_argument("--epochs", type=int, default=10)
    p.add_argument("--ramp", type=float, default=0.0,
                   help="spread the clicks uniformly over this many seconds (0: all at once)")
    p.add_argument("--open-concurrency", type=int, default=10)
    p.add_argument("--timeout", type=float, default=180, help="per session and step, seconds")
    p.add_argument("--deadline", type=float, default=900, help="the whole run, seconds")
    p.add_argument("--no-warmup", dest="warmup", action="store_false",
                   help="measure the first training too (it loads the data set)")
    p.add_argument("--chromium", default=os.environ.get("CHROMIUM") or shutil.which("chromium")
                   or "/usr/bin/chromium")
    p.add_argument("--json", action="store_true", help="print the summary as JSON too")
    args = p.parse_args(argv)
    args.external, args.replica_urls = bool(args.url), []
    if not (1 <= args.sessions <= 500 and 1 <= args.replicas <= 16 and 1 <= args.epochs <= 50):
        p.error("--sessions 1..500, --replicas 1..16, --epochs 1..50")
    if args.tls and args.external:
        p.error("--tls starts its own nginx: not with --url")
    if not args.external and not os.environ.get("FASHION_MNIST_ROOT"):
        print("note: FASHION_MNIST_ROOT is not set; the servers will look in ./data",
              file=sys.stderr)

    procs, tmp = [], Path(tempfile.mkdtemp(prefix="softmax-loadtest-"))
    servers: list[subprocess.Popen] = []
    args.ssl_context = None
    with contextlib.ExitStack() as logs:
        try:
            run, sampled = start_and_drive(args, tmp, procs, servers, logs)
        finally:
            peaks = {proc.pid: stop(proc) for proc in reversed(procs)}
    memory = {}
    if servers:
        each = [(peaks[proc.pid] or 0) / 2**20 for proc in servers]
        memory = {"server_peak_mb": sum(each), "server_peak_each_mb": each,
                  "server_peak_rss_mb": sampled / 2**20}
    spread = replica_spread(tmp / "access.log") if len(procs) > len(servers) else None
    summary = summarize(run, args, memory, spread)
    print_report(summary)
    if args.json:
        print(json.dumps(summary))
    return 0 if summary["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
