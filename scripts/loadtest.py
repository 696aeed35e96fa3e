"""Load test: a class of N students opens the Train page and presses Train at once.

    .venv/bin/python scripts/loadtest.py                        # 30 sessions, 1 server
    .venv/bin/python scripts/loadtest.py --replicas 2           # 2 servers behind nginx
    .venv/bin/python scripts/loadtest.py --client browser --sessions 10
    .venv/bin/python scripts/loadtest.py --url http://127.0.0.1:8501 --sessions 10
    SOFTMAX_MAX_TRAININGS=1 .venv/bin/python scripts/loadtest.py

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
with --replicas > 1 an nginx in front (deploy/nginx.conf, sticky by cookie),
and stops everything at the end. Each server first trains once, unmeasured
(that loads the data set), unless --no-warmup. Reported: completed / failed
sessions, p50 / p95 / max seconds from click to the final message, sessions
that saw "you are number N in the queue", the servers' peak memory (VmHWM and
sampled VmRSS of the processes and their children, from /proc), and CPU
seconds of the servers, the client side and everything else during the
training phase. Every wait is bounded (--timeout per step, --deadline in all);
the exit code is 0 only when every session completed.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from scripts.local_server import (CHROMIUM_ARGS, free_port, start_streamlit,  # noqa: E402
                                  wait_healthy)

ROOT = Path(__file__).resolve().parents[1]
NGINX_SITE = ROOT / "deploy" / "nginx.conf"
TICK = os.sysconf("SC_CLK_TCK")
QUEUE_RE = re.compile(r"number (\d+) in the queue")


# ---- processes ----------------------------------------------------------------

def nginx_config(tmp: Path, listen: int, replicas: list[int]) -> Path:
    """deploy/nginx.conf with our ports, wrapped in a main config that lives in tmp."""
    site = NGINX_SITE.read_text()
    servers = "".join(f"    server 127.0.0.1:{p} max_fails=2 fail_timeout=10s;\n" for p in replicas)
    site, n = re.subn(r"(# replicas: begin\n).*?(\s*# replicas: end)",
                      lambda m: m.group(1) + servers + m.group(2).lstrip("\n"), site, flags=re.S)
    site, k = re.subn(r"^(\s*)listen\s+[^;]+;", rf"\1listen 127.0.0.1:{listen};", site, flags=re.M)
    if n != 1 or k != 1:
        raise RuntimeError(f"{NGINX_SITE}: expected one replica block and one listen line")
    (tmp / "site.conf").write_text(site)
    path = tmp / "nginx.conf"
    path.write_text(f"""
daemon off;
worker_processes 1;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log warn;
events {{ worker_connections 2048; }}
http {{
    log_format lt '$upstream_addr "$request" $status $cookie_softmax_replica';
    access_log {tmp}/access.log lt;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
    include /etc/nginx/mime.types;
    include {tmp}/site.conf;
}}
""")
    return path


def start_nginx(tmp: Path, listen: int, replicas: list[int]) -> subprocess.Popen:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    os.chmod(tmp, 0o777)  # the workers run as an unprivileged user
    conf = nginx_config(tmp, listen, replicas)
    check = subprocess.run([nginx, "-t", "-p", str(tmp), "-c", str(conf)],
                           capture_output=True, text=True)
    if check.returncode != 0:
        raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
    return subprocess.Popen([nginx, "-p", str(tmp), "-c", str(conf)],
                            stdout=subprocess.DEVNULL, stderr=open(tmp / "stderr.log", "w"))


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- /proc: memory and CPU ------------------------------------------------------

def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            kids.setdefault(int(stat.rsplit(")", 1)[1].split()[1]), []).append(int(entry))
    return kids


def tree(pids: list[int], exclude=frozenset()) -> list[int]:
    """The pids and all their descendants, minus the excluded subtrees."""
    kids, out, todo = _children(), [], [p for p in pids if p not in exclude]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(k for k in kids.get(pid, []) if k not in exclude)
    return out


def status_kb(pid: int, field: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])  # utime + stime
        except OSError:
            pass
    return total / TICK


def machine_cpu_seconds() -> float:
    """CPU seconds all cores spent busy (not idle, not iowait) since boot."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / TICK


class MemorySampler(threading.Thread):
    """The peak of the summed VmRSS of some process trees, sampled 4 times a second."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak_kb, self._done = pids, 0, threading.Event()

    def run(self):
        while not self._done.wait(0.25):
            self.peak_kb = max(self.peak_kb, sum(status_kb(p, "VmRSS") for p in tree(self.pids)))

    def finish(self) -> int:
        self._done.set()
        self.join(timeout=5)
        return self.peak_kb


# ---- a student speaking Streamlit's WebSocket protocol ----------------------------

class WsStudent:
    """One Streamlit session driven over /_stcore/stream, as the browser drives it."""

    def __init__(self, url: str, epochs: int, timeout: float):
        self.url, self.epochs, self.timeout = url, epochs, timeout
        self.query = f"epochs={epochs}"
        self.button, self.queue, self.ws = None, 0, None

    def _cookie(self) -> str:
        """GET the page like a browser; keep nginx's affinity cookie, if any."""
        with urllib.request.urlopen(f"{self.url}/?{self.query}", timeout=self.timeout) as r:
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
            open_timeout=self.timeout)
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
    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def student(self, url, args):
        return WsStudent(url, args.epochs, args.timeout)


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
        context = await self.browser.new_context(viewport={"width": 1280, "height": 900})
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
        self.browser = await self._pw.chromium.launch(executable_path=self.chromium,
                                                      args=[*CHROMIUM_ARGS, "--disable-dev-shm-usage"])
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
    clients = WsClients() if args.client == "ws" else BrowserClients(args.chromium)
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

        def snapshot():
            return (time.perf_counter(), cpu_seconds(tree(server_pids)),
                    cpu_seconds(client_pids()), machine_cpu_seconds())

        before = snapshot()
        go.set()
        await asyncio.gather(*tasks)
        after = snapshot()
        for s in students:
            try:
                await s.close()
            except Exception:  # noqa: BLE001 - closing a broken session is not a result
                pass
    wall, server, client, machine = (a - b for a, b in zip(after, before))
    return {"results": sorted(results, key=lambda r: r["session"]), "open_phase_s": open_phase,
            "train_phase_s": wall, "server_cpu_s": server, "client_cpu_s": client,
            "machine_cpu_s": machine}


# ---- report ---------------------------------------------------------------------

def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    k = (len(values) - 1) * q
    low, high = int(k), min(int(k) + 1, len(values) - 1)
    return values[low] + (values[high] - values[low]) * (k - low)


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
        "replicas": None if args.external else args.replicas,
        "max_trainings": os.environ.get("SOFTMAX_MAX_TRAININGS", f"cpu count ({os.cpu_count()})"),
        "omp_threads": os.environ.get("OMP_NUM_THREADS", "1 (app default)"),
        "epochs": args.epochs, "ramp_s": args.ramp,
        "train_p50_s": percentile(times, 0.5), "train_p95_s": percentile(times, 0.95),
        "train_max_s": max(times) if times else None,
        "open_p50_s": percentile(opens, 0.5), "open_max_s": max(opens) if opens else None,
        "queued_sessions": sum(1 for r in ok if r.get("queue")),
        "max_queue_position": max((r.get("queue") or 0 for r in ok), default=0),
        "train_phase_s": run["train_phase_s"], "server_cpu_s": run["server_cpu_s"],
        "client_cpu_s": run["client_cpu_s"], "machine_cpu_s": run["machine_cpu_s"],
        "load_average": Path("/proc/loadavg").read_text().split()[:3], **memory,
        "sessions_per_replica": spread, "errors": errors,
    }


def fmt(v, unit=""):
    return "-" if v is None else (f"{v:.2f}{unit}" if isinstance(v, float) else f"{v}{unit}")


def print_report(s: dict) -> None:
    cores, phase = os.cpu_count() or 1, s["train_phase_s"] or 1
    others = max(s["machine_cpu_s"] - s["server_cpu_s"] - s["client_cpu_s"], 0.0)
    share = lambda cpu: f"{100 * cpu / phase / cores:.0f}%"  # noqa: E731
    print(f"{s['client']} clients, {s['sessions']} sessions: completed {s['completed']}, "
          f"failed {s['failed']}  (replicas {fmt(s['replicas'])}, SOFTMAX_MAX_TRAININGS "
          f"{s['max_trainings']}, OMP_NUM_THREADS {s['omp_threads']}, epochs {s['epochs']}, "
          f"ramp {s['ramp_s']} s)")
    print(f"click -> final chart: p50 {fmt(s['train_p50_s'], ' s')}, p95 {fmt(s['train_p95_s'], ' s')},"
          f" max {fmt(s['train_max_s'], ' s')}; page ready: p50 {fmt(s['open_p50_s'], ' s')}, "
          f"max {fmt(s['open_max_s'], ' s')}")
    print(f"queue: {s['queued_sessions']} sessions waited, worst position {s['max_queue_position']}")
    print(f"training phase {fmt(s['train_phase_s'], ' s')}, CPU of the {cores} cores: server "
          f"{fmt(s['server_cpu_s'], ' s')} ({share(s['server_cpu_s'])}), client side "
          f"{fmt(s['client_cpu_s'], ' s')} ({share(s['client_cpu_s'])}), everything else "
          f"{fmt(others, ' s')} ({share(others)}); load average {' '.join(s['load_average'])}")
    if s.get("server_hwm_mb") is not None:
        print(f"server memory: peak VmHWM {s['server_hwm_mb']:.0f} MB (sum over processes), "
              f"peak sampled RSS {s['server_peak_rss_mb']:.0f} MB")
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


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--client", choices=("ws", "browser"), default="ws")
    p.add_argument("--url", help="test this running server instead of starting one")
    p.add_argument("--replicas", type=int, default=1, help="servers to start; >1 puts nginx in front")
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
    if not args.external and not os.environ.get("FASHION_MNIST_ROOT"):
        print("note: FASHION_MNIST_ROOT is not set; the servers will look in ./data", file=sys.stderr)

    procs, tmp = [], Path(tempfile.mkdtemp(prefix="softmax-loadtest-"))
    server_pids: list[int] = []
    try:
        if not args.external:
            ports = [free_port() for _ in range(args.replicas)]
            servers = [start_streamlit(port, open(tmp / f"server-{port}.log", "w")) for port in ports]
            procs += servers
            for port, proc in zip(ports, servers):
                wait_healthy(f"http://127.0.0.1:{port}", proc)
            server_pids = [proc.pid for proc in servers]
            args.replica_urls = [f"http://127.0.0.1:{port}" for port in ports]
            if args.replicas > 1:
                listen = free_port()
                nginx = start_nginx(tmp, listen, ports)
                procs.append(nginx)
                args.url = f"http://127.0.0.1:{listen}"
                wait_healthy(args.url, nginx)
            else:
                args.url = args.replica_urls[0]
        args.url = args.url.rstrip("/")
        print(f"{args.sessions} {args.client} sessions against {args.url} (logs in {tmp})", flush=True)
        sampler = MemorySampler(server_pids)
        sampler.start()
        run = asyncio.run(asyncio.wait_for(drive(args, server_pids, [p.pid for p in procs]),
                                           args.deadline))
        peak = sampler.finish()
        memory = {"server_hwm_mb": sum(status_kb(pid, "VmHWM") for pid in tree(server_pids)) / 1024,
                  "server_peak_rss_mb": peak / 1024} if server_pids else {}
        spread = replica_spread(tmp / "access.log") if len(procs) > len(server_pids) else None
        summary = summarize(run, args, memory, spread)
        print_report(summary)
        if args.json:
            print(json.dumps(summary))
        return 0 if summary["failed"] == 0 else 1
    finally:
        for proc in reversed(procs):
            stop(proc)


if __name__ == "__main__":
    sys.exit(main())
