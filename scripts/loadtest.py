"""Load test: a class of N students opens the Train page and presses Train at once.

    .venv/bin/python -m scripts.loadtest                        # 30 sessions, 1 server, SQLite
    .venv/bin/python -m scripts.loadtest --store off            # ... the same, nothing stored
    .venv/bin/python -m scripts.loadtest --store postgres       # SOFTMAX_TEST_PG_URL's server
    .venv/bin/python -m scripts.loadtest --replicas 2           # 2 servers behind nginx
    .venv/bin/python -m scripts.loadtest --replicas 2 --tls     # ... which terminates HTTPS
    .venv/bin/python -m scripts.loadtest --replicas 2 --store postgres --kill-replica-after 10
    .venv/bin/python -m scripts.loadtest --client browser --sessions 10
    .venv/bin/python -m scripts.loadtest --url http://127.0.0.1:8501 --sessions 10
    SOFTMAX_MAX_TRAININGS=1 .venv/bin/python -m scripts.loadtest
    .venv/bin/python -m scripts.loadtest --baseline             # ... and 3 lone students first
    .venv/bin/python -m scripts.loadtest --mix class --ramp 5   # a realistic class (ws clients)

Not part of the pytest run. Every session opens the Train page with its
settings in the URL (lib.settings.to_query: --mix identical, the default, gives
every student the defaults with --epochs; --mix class draws a realistic class
from --mix-seed, see draw_class: other learning rates from the slider, the
other softmax, another seed, torch.nn, 5-20 epochs) and waits until the page
is ready; then all sessions press Train together (or each at its own moment,
drawn uniformly in --ramp seconds) and wait for the message that says how the
run ended (done; with --mix class also broke down or diverged), which the page
writes after the last chart update and after the run was saved. Each session
also notes the first chart (epoch 0: its run's first turn in the engine) and
the waiting texts it saw (lib/i18n's, in every language): its place in the
queue in front of the engine, how many units are ahead of it in the engine,
how many classmates' runs it trained together with. With --baseline, before
the class, BASELINE_RUNS students train one after the other on the same server
(default settings, --epochs), and the report gives the class's p95 over their
median. Two kinds of client:

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

Every student (and every warm-up) carries its own identity, as a browser that
visited before does: the cookie `softmax_student=<token.version.mac>`, a new
token (lib.store.new_token) signed as the server signs identities
(lib/signing.py) with SOFTMAX_SECRET: the script sets a random one for the
servers it starts; with --url, export the server's own SOFTMAX_SECRET first, or
the server takes the cookies for forged ones and issues new identities.

Storage (--store, for the servers this script starts; SOFTMAX_DB_URL is set for them):
- sqlite (default): a new SQLite file in the run's temporary folder on disk,
  like the app's default state/softmax.db;
- shm: a new SQLite file in /dev/shm (memory-backed: the same queries, no disk);
- postgres: a new database, made for the run (and dropped after it unless
  --keep-db) on the server of --db-url or SOFTMAX_TEST_PG_URL, whose role
  may create databases (`eval "$(bash .ci/postgres.sh)"` makes one); with
  neither, or with --db-url own, a PostgreSQL server of its own for the run
  (Debian's binaries, initdb in a temporary folder, default settings, trust
  on 127.0.0.1 only), stopped and deleted at the end;
- off: the app without a database. The app has no switch for that, so the run
  points SOFTMAX_DB_URL at a SQLite path that cannot be created (its folder is
  a plain file): the store fails to open, the app runs in its degraded mode
  (lib/store/safe.py) and no query reaches any database; each finished run
  stays in the server's memory, and a retry (a failed mkdir) runs at most once
  every 5 s in a background thread. This is the baseline "without storage".
With storage on, each server times every call of lib.store.Store (a wrapper
installed before Streamlit starts, one line per call in the server's log) and
the report gives the calls' count and milliseconds, save_run's in particular.
Afterwards the script opens the database with lib.store.Store and counts each
student's runs: every run a student saw finish must be there (run number and
test accuracy as the page showed them), and nothing else; then every ws
student opens the page again with its cookie and the runs table it gets is
compared with what it saw finish.

Fault test (--kill-replica-after N, with --replicas >= 2, ws clients, storage
on; meant for postgres): once N runs have finished in the class, the replica
that holds the most students with a finished run is killed (SIGKILL). Its
students lose their WebSocket; a student whose run was training or waiting
there reconnects at once (a new page GET and WebSocket through nginx, with its
affinity and identity cookies: nginx finds the replica dead and passes the
request to a live one, see the access log line count in the report) and
presses Train again; the others reconnect when the class reloads the page at
the end. Reported: runs finished before the kill, how many of them are in the
database and listed on the reloaded pages, lost (must be 0), students that
reconnected.

Without --url the script starts the server(s) on free loopback ports
(FASHION_MNIST_ROOT, SOFTMAX_MAX_TRAININGS and OMP_NUM_THREADS are passed on),
with --replicas > 1 or --tls an nginx in front (deploy/nginx.conf, sticky by
cookie; with --tls it terminates HTTPS with a self-signed certificate made in
the temporary folder, and the clients trust that certificate), and stops
everything at the end. Each server first trains once, unmeasured (that loads
the data set), unless --no-warmup. Reported: completed / failed sessions, p50 /
p95 / max seconds from click to the final message (and the training's own
seconds that the message states), the same per group with --mix class
(default seed: the cohort runs; other seed; torch.nn), click -> first chart,
sessions that waited in the queue or in the engine, the servers' memory (the
peak resident size of each server process, from its resource usage when it
exits; the peak of their summed resident size sampled 4 times a second; and
the peak of their summed proportional set size, training processes included,
sampled once a second),
and CPU seconds of the servers, the client side, nginx and everything else
during the training phase (psutil). Every wait is bounded (--timeout per
step, --deadline in all); the exit code is 0 only when every session completed
and, with storage on, every run was found.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import functools
import itertools
import json
import os
import random
import re
import secrets
import shutil
import ssl
import statistics
import string
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import psutil

from lib.config import APP_LIMITS, TrainConfig, app_allowed, fields
from lib.i18n import LANGS, STRINGS
from lib.settings import to_query
from scripts.local_server import (
    CHROMIUM_ARGS,
    free_port,
    render_site,
    self_signed_cert,
    start_nginx,
    start_streamlit,
    wait_healthy,
)
from scripts.postgres import PgCluster, drop_database, new_database_at


class Template:
    """Reads an app text (lib/i18n's `key`, in every language) back from a page.

    Each str.format field becomes a named group: Template("train.done").search(body)
    gives {"number": "7", "acc": "0.8123", ...} or None.
    """

    def __init__(self, key: str):
        self.key = key
        self.patterns = [re.compile(self.source(STRINGS[key][lang]), re.S) for lang in LANGS]

    @staticmethod
    def source(text: str, named: bool = True) -> str:
        """A regular expression for `text` with each field as a group (unnamed: for the
        browser's JavaScript, which writes named groups differently)."""
        parts, seen = [], set()
        pieces = list(string.Formatter().parse(text))
        for i, (literal, field, _spec, _conv) in enumerate(pieces):
            parts.append(re.escape(literal))
            if field is None:
                continue
            last = i == len(pieces) - 1
            anything = ".+" if last else ".+?"  # a last field takes the rest
            if named and field.isidentifier() and field not in seen:
                parts.append(f"(?P<{field}>{anything})")
                seen.add(field)
            else:
                parts.append(f"({anything})")
        return "".join(parts)

    def search(self, text: str) -> dict | None:
        for pattern in self.patterns:
            found = pattern.search(text)
            if found:
                return found.groupdict()
        return None

    def js_sources(self) -> list[str]:
        return [self.source(STRINGS[self.key][lang], named=False) for lang in LANGS]


QUEUE = Template("train.queue")  # the queue in front of the engine (lib/slots.py) is full
ENGINE_WAIT = Template("train.engine_wait")  # waiting in the engine for a turn
TOGETHER = Template("train.together")  # training in a cohort with {n} classmates' runs
TOGETHER_ONE = Template("train.together.one")
# how a run ends (lessons/train.py's verdict): done, broke down (naive softmax), diverged,
# saturated
DONE = Template("train.done")  # the run's number, accuracy and own seconds
DONE_ONE = Template("train.done.one")  # ... after 1 epoch (no epochs field)
BREAKDOWN = Template("train.breakdown")
DIVERGED = Template("train.diverged")
SATURATED = Template("train.saturated")  # a stable run at a large lr (its first sentence)
STUDENT_COOKIE = "softmax_student"  # ui.COOKIE: the browser's identity
AFFINITY_COOKIE = "softmax_replica"  # deploy/nginx.conf's sticky cookie
STORE_MARK = "loadtest-store-call"  # a timed Store call in a server's log
STORE_LINE = re.compile(rf"^{STORE_MARK} (\w+) ([\d.]+)$", re.M)
STORE_DOWN = "database unavailable"  # lib/store/safe.py's warning when the store fails
# scripts/local_server.nginx_config's log format
ACCESS_LINE = re.compile(r'^(.*?) "(\S+) (\S+) [^"]*" (\d+) (\S+) (\S+)$')


# ---- the class: who trains what, and when they press Train ------------------------

# --mix class: the share of students who change a setting from its default
MIX_SHARES = {"lr": 0.4, "softmax": 0.2, "seed": 0.1, "framework": 0.1}
MIX_EPOCHS = (5, 20)  # each student's epochs, drawn uniformly (both ends included)
MIX_FRAMEWORK = "concise"  # the torch.nn runs: they train alone in the engine
GROUPS = ("default seed", "other seed", "torch.nn")  # how the report splits the class


@dataclass(frozen=True)
class Plan:
    """One student's settings, and when they press Train (seconds after the class starts)."""

    cfg: TrainConfig
    delay: float

    @property
    def query(self) -> str:
        """The page's URL query for these settings (as a shared link writes them)."""
        return urllib.parse.urlencode(to_query(self.cfg))

    @property
    def group(self) -> str:
        """default seed: trains in a cohort with the class; other seed and torch.nn: alone."""
        if self.cfg.framework != TrainConfig().framework:
            return GROUPS[2]
        return GROUPS[0] if self.cfg.seed == TrainConfig().seed else GROUPS[1]


def draw_class(n: int, mix: str, epochs: int, ramp: float, seed: int) -> list[Plan]:
    """The class, drawn from random.Random(seed): the same seed, the same class.

    identical: every student at the defaults with `epochs`. class: each setting of
    MIX_SHARES is changed for round(share * n) students picked at random (the picks
    are independent): lr to another of the Train page's slider values (uniformly),
    softmax to the variant that is not the default, seed to another of the app's
    seeds, framework to torch.nn; every student's epochs are drawn from MIX_EPOCHS.
    Each click comes at a uniform random time in [0, ramp].
    """
    rng, default = random.Random(seed), TrainConfig()
    changed = {
        name: set(rng.sample(range(n), round(share * n))) for name, share in MIX_SHARES.items()
    }
    lrs = [lr for lr in APP_LIMITS["lr"].values if lr != default.lr]
    softmax = app_allowed(next(f for f in fields(TrainConfig) if f.name == "softmax")).values
    other_softmax = next(v for v in softmax if v != default.softmax)
    seeds = APP_LIMITS["seed"]
    plans = []
    for i in range(n):
        if mix == "identical":
            cfg = TrainConfig(num_epochs=epochs)
        else:
            other_seed = rng.randint(int(seeds.low), int(seeds.high) - 1)
            cfg = TrainConfig(
                lr=rng.choice(lrs) if i in changed["lr"] else default.lr,
                num_epochs=rng.randint(*MIX_EPOCHS),
                softmax=other_softmax if i in changed["softmax"] else default.softmax,
                seed=other_seed + (other_seed >= default.seed)
                if i in changed["seed"]
                else default.seed,
                framework=MIX_FRAMEWORK if i in changed["framework"] else default.framework,
            )
        plans.append(Plan(cfg, rng.uniform(0, ramp)))
    return plans


def acc_text(acc) -> str:
    """A test accuracy as the page writes it (4 decimals), for comparing runs."""
    return "nan" if acc is None or acc != acc else f"{float(acc):.4f}"


# ---- processes ----------------------------------------------------------------


def stop(proc: subprocess.Popen) -> int | None:
    """Stop proc (terminate, after 15 s kill) and return its peak resident size in bytes,
    from the resource usage the kernel reports when it is reaped (None if reaped before)."""
    if proc.returncode is not None:
        return None
    with contextlib.suppress(ProcessLookupError):  # it may have been killed already
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


# ---- the store: which database, timing its calls, counting what it holds ------------


def time_store_calls() -> None:
    """In a server process, before Streamlit starts: log the wall time of every public
    lib.store.Store call, one `loadtest-store-call <name> <ms>` line on stderr each."""
    from lib.store.db import Store

    def timed(name, call):
        @functools.wraps(call)
        def wrapper(*args, **kwargs):
            t = time.perf_counter()
            try:
                return call(*args, **kwargs)
            finally:
                print(
                    f"{STORE_MARK} {name} {1000 * (time.perf_counter() - t):.3f}",
                    file=sys.stderr,
                    flush=True,
                )

        return wrapper

    for name, call in list(vars(Store).items()):
        if callable(call) and not name.startswith("_") and name != "close":
            setattr(Store, name, timed(name, call))


# The prelude imports lib.store, and with it torch, before app.py caps torch's threads
# (OMP_NUM_THREADS=1 unless set): it caps them first, or the server measured here would
# train with as many threads per training as there are cores, unlike a real one.
SERVER_PRELUDE = (
    "import os\n"
    "os.environ.setdefault('OMP_NUM_THREADS', '1')\n"
    "import scripts.loadtest\n"
    "scripts.loadtest.time_store_calls()"
)


def log_sizes(tmp: Path) -> dict[Path, int]:
    """The servers' logs and their sizes now, to read one phase of them later."""
    return {log: log.stat().st_size for log in tmp.glob("server-*.log")}


def store_calls(start: dict[Path, int], end: dict[Path, int]) -> tuple[dict, int]:
    """({call: {calls, total_ms, p50_ms, p95_ms, max_ms}}, STORE_DOWN warnings) from
    the servers' logs between two log_sizes()."""
    times: dict[str, list[float]] = {}
    down = 0
    for log, offset in start.items():
        with open(log, "rb") as f:
            f.seek(offset)
            text = f.read(end.get(log, offset) - offset).decode(errors="replace")
        down += text.count(STORE_DOWN)
        for name, ms in STORE_LINE.findall(text):
            times.setdefault(name, []).append(float(ms))
    return {
        name: {
            "calls": len(ms),
            "total_ms": sum(ms),
            "p50_ms": percentile(ms, 0.5),
            "p95_ms": percentile(ms, 0.95),
            "max_ms": max(ms),
        }
        for name, ms in sorted(times.items())
    }, down


def own_postgres(cleanup: contextlib.ExitStack) -> str:
    """A PostgreSQL server for this run only (scripts/postgres.py: initdb in a temporary
    folder, default settings, trust on 127.0.0.1 and a free port); its superuser's URL.
    cleanup stops it and deletes the folder."""
    try:
        cluster = PgCluster.start()
    except RuntimeError as exc:
        raise SystemExit(f"--store postgres: no SOFTMAX_TEST_PG_URL, and {exc}") from None
    cleanup.callback(cluster.destroy)
    return cluster.admin_url


def shown_url(url: str | None) -> str | None:
    """The URL without its password, for the report."""
    if not url:
        return url
    import sqlalchemy as sa

    return sa.make_url(url).render_as_string(hide_password=True)


def prepare_store(args, tmp: Path, cleanup: contextlib.ExitStack) -> str:
    """The SOFTMAX_DB_URL for the servers, per --store; cleanup removes what was made."""
    if args.store == "sqlite":
        return f"sqlite:///{tmp / 'softmax.db'}"
    if args.store == "shm":
        folder = Path(tempfile.mkdtemp(prefix="softmax-loadtest-", dir="/dev/shm"))
        cleanup.callback(shutil.rmtree, folder, ignore_errors=True)
        return f"sqlite:///{folder / 'softmax.db'}"
    if args.store == "off":
        blocker = tmp / "no-database"  # a file where the database's folder should be
        blocker.write_text("the load test's --store off: no database can be made here\n")
        return f"sqlite:///{blocker / 'softmax.db'}"
    admin = args.db_url or os.environ.get("SOFTMAX_TEST_PG_URL") or "own"
    if admin == "own":
        admin = own_postgres(cleanup)
    url = new_database_at(admin, prefix="loadtest_")
    if not args.keep_db:
        cleanup.callback(drop_database, admin, url)
    return url


def check_store(url: str, students: list, warmups: list) -> dict:
    """Open the database with lib.store.Store and compare each student's stored runs
    (number, test accuracy) with the runs the student saw finish."""
    import sqlalchemy as sa

    from lib.store import Store
    from lib.store.schema import runs as runs_table

    store = Store(url)
    try:
        stored = [
            {
                (r.number, acc_text(r.history[-1]["test_acc"] if r.history else None))
                for r in store.runs(s.token)
            }
            for s in students
        ]
        warm = sum(store.count_runs(s.token) for s in warmups)
        with store.engine.connect() as conn:
            rows = conn.execute(sa.select(sa.func.count()).select_from(runs_table)).scalar()
    finally:
        store.close()
    seen = [set(s.finished) for s in students]
    return {
        "rows": rows,
        "warmup_runs": warm,
        "stored": stored,
        "seen_total": sum(len(s) for s in seen),
        "found": sum(len(s & d) for s, d in zip(seen, stored, strict=True)),
        "lost": sum(len(s - d) for s, d in zip(seen, stored, strict=True)),
        "extra": sum(len(d - s) for s, d in zip(seen, stored, strict=True)),
        "students_equal": sum(s == d for s, d in zip(seen, stored, strict=True)),
    }


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


def pss(procs: list[psutil.Process]) -> int:
    """The summed proportional set size: a page that k of the processes map counts 1/k in
    each (the server and its training processes share the data and torch's libraries, which
    summed resident sizes count again in every process). 0 where the OS does not tell."""
    total = 0
    for proc in procs:
        with contextlib.suppress(psutil.Error, AttributeError):  # ended; no pss here
            total += proc.memory_full_info().pss
    return total


class MemorySampler(threading.Thread):
    """The peaks of the summed resident size (4 times a second) and of the summed
    proportional set size (once a second: reading it costs more) of some process trees."""

    def __init__(self, pids: list[int]):
        super().__init__(daemon=True)
        self.pids, self.peak, self.peak_pss, self._done = pids, 0, 0, threading.Event()

    def run(self):
        for tick in itertools.count():
            if self._done.wait(0.25):
                return
            procs = tree(self.pids)
            self.peak = max(self.peak, rss(procs))
            if tick % 4 == 0:
                self.peak_pss = max(self.peak_pss, pss(procs))

    def finish(self) -> tuple[int, int]:
        self._done.set()
        self.join(timeout=5)
        return self.peak, self.peak_pss


# ---- a student speaking Streamlit's WebSocket protocol ----------------------------


def table_rows(dataframe) -> list[tuple[int, str]] | None:
    """(run, test accuracy) of each row, when a Dataframe element is the Train page's
    runs table (columns run, test_acc, status); None for any other table."""
    import pyarrow as pa

    data = dataframe.arrow_data.data
    if not data:
        return None
    table = pa.ipc.open_stream(data).read_all()
    if not {"run", "test_acc", "status"} <= set(table.column_names):
        return None
    return [
        (int(n), acc_text(a))
        for n, a in zip(table["run"].to_pylist(), table["test_acc"].to_pylist(), strict=True)
    ]


class WsStudent:
    """One Streamlit session driven over /_stcore/stream, as the browser drives it.

    `jar` holds its cookies: its identity (when given a token) and nginx's
    affinity cookie once a page answer set it; both go with every request.
    """

    def __init__(
        self,
        url: str,
        plan: Plan,
        timeout: float,
        context: ssl.SSLContext | None = None,
        token: str | None = None,
        cookie: str | None = None,
    ):
        """token: the student's identity, sent signed as the server signs it; cookie: a
        raw identity cookie instead (scripts/attack.py sends forged ones)."""
        self.url, self.plan, self.timeout, self.token = url, plan, timeout, token
        self.epochs = plan.cfg.num_epochs
        self.context = context if url.startswith("https:") else None  # the TLS trust
        value = cookie if cookie is not None else identity_cookie(token) if token else None
        self.jar = {STUDENT_COOKIE: value} if value else {}
        self.query = plan.query
        self.button, self.queue, self.ws, self.reader = None, 0, None, None
        self.ahead = None  # the most runs ahead in the engine's waiting message (None: not seen)
        self.together = 0  # the most classmates' runs it trained together with
        self.first_at = None  # perf_counter when its first chart came (epoch 0 drawn)
        self.ending = None  # how its latest run ended: done, breakdown, diverged
        self.ended_number = None  # the run's number, when it broke down or diverged
        self.finished: list[tuple[int, str]] = []  # (run, test accuracy) seen finish
        self.run_seconds: list[float] = []  # each finished run's own seconds
        self.table: list[tuple[int, str]] | None = None  # the runs table last shown

    def _cookie_header(self) -> str:
        return "; ".join(f"{name}={value}" for name, value in self.jar.items())

    def _get_page(self) -> None:
        """GET the page like a browser, with the jar; keep the cookies the answer sets."""
        request = urllib.request.Request(
            f"{self.url}/?{self.query}", headers={"Cookie": self._cookie_header()}
        )
        with urllib.request.urlopen(request, timeout=self.timeout, context=self.context) as r:
            r.read()
            for cookie in r.headers.get_all("Set-Cookie") or []:
                name, _, value = cookie.split(";", 1)[0].partition("=")
                self.jar[name.strip()] = value.strip()

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
                elif what == "dataframe":
                    rows = table_rows(element.dataframe)
                    if rows is not None:
                        self.table = rows
                elif what == "exception":
                    raise RuntimeError(f"exception shown: {element.exception.message[:150]}")
                elif what == "progress" and self.first_at is None:
                    self.first_at = time.perf_counter()  # the first record is drawn
                elif what == "markdown":  # a caption: training together
                    self._together(element.markdown.body)
                elif what == "alert":
                    self._waiting(element.alert.body)
                    verdict = done(element.alert)
                    if verdict:
                        return verdict

    def _waiting(self, body: str) -> None:
        """Keep the worst place seen in the queue and in the engine's waiting message."""
        found = QUEUE.search(body)
        if found:
            self.queue = max(self.queue, int(found["ahead"]))
        found = ENGINE_WAIT.search(body)
        if found:
            self.ahead = max(self.ahead or 0, int(found["ahead"]))
        self._together(body)

    def _together(self, body: str) -> None:
        found = TOGETHER.search(body) or TOGETHER_ONE.search(body)
        if found:
            self.together = max(self.together, int(found.get("n", 1)))

    def _ended(self, alert) -> str | None:
        """'done' when `alert` says how the run ended (the run is kept in self.finished
        when its accuracy is in the text: train.done); 'error: ...' for any other error."""
        done = None
        if alert.format == alert.SUCCESS:
            one = DONE_ONE.search(alert.body)
            done = DONE.search(alert.body) or (one and {**one, "epochs": "1"})
        if done and int(done["epochs"]) == self.epochs:
            self.ending = "done"
            self.finished.append((int(done["number"]), acc_text(float(done["acc"]))))
            self.run_seconds.append(float(done["seconds"]))
            return "done"
        endings = (("breakdown", BREAKDOWN), ("diverged", DIVERGED), ("saturated", SATURATED))
        for ending, template in endings:
            found = template.search(alert.body)
            if found:
                self.ending, self.ended_number = ending, int(found["number"])
                return "done"
        if alert.format == alert.ERROR:
            return "error: " + alert.body[:150]
        return None

    async def open(self) -> None:
        """Load the page in a new session (after a reload or a lost connection too)."""
        import websockets

        self.button, self.table = None, None
        await asyncio.to_thread(self._get_page)
        self.ws = await websockets.connect(
            self.url.replace("http", "ws", 1) + "/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": self._cookie_header()} if self.jar else None,
            max_size=None,
            open_timeout=self.timeout,
            **({"ssl": self.context} if self.context else {}),
        )
        await self.ws.send(self._rerun())
        await self._read_until(lambda alert: None)
        if self.button is None:
            raise RuntimeError("no Train button on the page")

    async def train(self) -> float:
        """Press Train and read until the run's final message; its perf_counter time.

        A run that broke down or diverged says so without its accuracy: the runs
        table the page draws next gives it (for the count in the database)."""
        self.first_at, self.ending = None, None
        await self.ws.send(self._rerun(trigger=self.button))
        outcome = await self._read_until(self._ended)
        at = time.perf_counter()
        if outcome != "done":
            raise RuntimeError(f"no final message ({outcome})")
        if self.ending != "done":
            self.table = None
            await self._read_until(lambda alert: None)  # to the end of the script run
            rows = dict(self.table or [])
            if self.ended_number not in rows:
                raise RuntimeError(
                    f"run #{self.ended_number} ({self.ending}) not in the runs table"
                )
            self.finished.append((self.ended_number, rows[self.ended_number]))
        self.reader = asyncio.create_task(self._read_on())
        return at

    async def _read_on(self) -> None:
        """After the final message, keep reading (and dropping) what the server sends, as a
        browser tab does: a client that stops reading stalls its connection, whose
        keepalive pings then go unanswered and the client closes it after ~40 s."""
        with contextlib.suppress(Exception):
            while True:
                await self.ws.recv()

    async def alive(self) -> bool:
        """Whether the session's connection still stands (the server side did not close it)."""
        from websockets.protocol import State

        if self.ws is None:
            return False
        if self.reader is not None:
            return not self.reader.done()
        return self.ws.state is State.OPEN

    async def close(self) -> None:
        if self.reader is not None:
            self.reader.cancel()
            self.reader = None
        if self.ws is not None:
            await self.ws.close()


class WsClients:
    def __init__(self, context: ssl.SSLContext | None = None):
        self.context = context

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        return False

    def student(self, url, plan, args, token=None):
        return WsStudent(url, plan, args.timeout, self.context, token)


# ---- a student in a browser --------------------------------------------------------

READY = """() => {
    const app = document.querySelector('[data-testid="stApp"]');
    return app && app.dataset.testScriptState === 'notRunning'
        && document.querySelector('.st-key-train-start button') !== null;
}"""
# The worst place seen in the queue and among the engine's waiting runs; the texts'
# patterns (QUEUE's and ENGINE_WAIT's, in every language) come as the argument.
QUEUE_WATCH = """([queue, engine]) => {
    window.__queue = 0;
    window.__ahead = null;
    const worst = (sources, now) => {
        for (const source of sources) {
            const m = new RegExp(source).exec(document.body.innerText);
            if (m) return Math.max(now || 0, +m[1]);
        }
        return now;
    };
    new MutationObserver(() => {
        window.__queue = worst(queue, window.__queue);
        window.__ahead = worst(engine, window.__ahead);
    }).observe(document.body, {subtree: true, childList: true, characterData: true});
}"""


class BrowserStudent:
    def __init__(self, browser, url: str, plan: Plan, timeout: float, token: str | None):
        self.browser, self.url, self.plan, self.timeout = browser, url, plan, timeout
        self.epochs = plan.cfg.num_epochs
        self.token, self.page, self.queue, self.ahead = token, None, 0, None
        self.together, self.first_at = 0, None  # not read from a browser
        self.finished: list[tuple[int, str]] = []
        self.run_seconds: list[float] = []

    async def open(self) -> None:
        # --tls: the certificate is self-signed, on loopback only: Chromium is told to accept it
        context = await self.browser.new_context(
            viewport={"width": 1280, "height": 900}, ignore_https_errors=True
        )
        if self.token:  # a browser that visited before: its identity cookie
            await context.add_cookies(
                [{"name": STUDENT_COOKIE, "value": identity_cookie(self.token), "url": self.url}]
            )
        self.page = await context.new_page()
        self.page.set_default_timeout(self.timeout * 1000)
        await self.page.goto(f"{self.url}/?{self.plan.query}")
        await self.page.wait_for_function(READY, polling=200)
        await self.page.evaluate(QUEUE_WATCH, [QUEUE.js_sources(), ENGINE_WAIT.js_sources()])

    async def train(self) -> float:
        page = self.page
        await page.locator(".st-key-train-start button").click()
        done = page.locator('[data-testid="stAlertContentSuccess"]').filter(
            has_text=f"after {self.epochs} epochs"
        )
        failed = page.locator('[data-testid="stException"], [data-testid="stAlertContentError"]')
        await done.or_(failed).first.wait_for()
        at = time.perf_counter()
        self.queue = await page.evaluate("window.__queue")
        self.ahead = await page.evaluate("window.__ahead")
        if await failed.count():
            raise RuntimeError("page shows: " + (await failed.first.inner_text())[:150])
        found = DONE.search(await done.first.inner_text())
        if found:
            self.finished.append((int(found["number"]), acc_text(float(found["acc"]))))
            self.run_seconds.append(float(found["seconds"]))
        return at

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
            executable_path=self.chromium, args=[*CHROMIUM_ARGS, "--disable-dev-shm-usage"]
        )
        return self

    async def __aexit__(self, *exc):
        await self.browser.close()
        await self._pw.stop()
        return False

    def student(self, url, plan, args, token=None):
        return BrowserStudent(self.browser, url, plan, args.timeout, token)


# ---- the class -------------------------------------------------------------------


def short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return f"{type(exc).__name__}: {text}".rstrip(": ")


async def session(i, student, args, opened, go, results, killed: asyncio.Event) -> None:
    """One student: open the page, wait for the class to start, train once.

    In the fault test a student whose replica was killed (its training fails
    after the kill) reconnects through nginx and trains again, at most twice.
    """
    rec = {"session": i, "group": student.plan.group}
    results.append(rec)
    try:
        t = time.perf_counter()
        async with opened:  # at most --open-concurrency sessions load the page at once
            await student.open()
        rec["open_s"] = time.perf_counter() - t
        await go.wait()
        await asyncio.sleep(student.plan.delay)
        t0 = time.perf_counter()
        for attempt in range(3):
            try:
                ended = await student.train()
                break
            except Exception as exc:  # noqa: BLE001 - decided below
                if not killed.is_set() or attempt == 2:
                    raise
                rec.setdefault("interrupted", short(exc))
                with contextlib.suppress(Exception):
                    await student.close()
                await student.open()  # reconnect through nginx
                rec["reconnects"] = rec.get("reconnects", 0) + 1
        rec["train_s"] = ended - t0  # from the first click to the final message
        if student.first_at is not None:  # from the first click to the first chart
            rec["first_s"] = student.first_at - t0
        rec["ending"] = getattr(student, "ending", None) or "done"
    except Exception as exc:  # noqa: BLE001 - every failure is counted, none stops the others
        rec["error"] = short(exc)
    rec["queue"], rec["ahead"], rec["together"] = student.queue, student.ahead, student.together


def student_replicas(access_log: Path, students: list[WsStudent]) -> dict[int, str]:
    """Which replica (host:port) each student's page GET was hashed to, from nginx's log:
    the hash key logged for a first visit is the affinity cookie it handed out."""
    upstream_of = {}
    if access_log.is_file():
        for line in access_log.read_text().splitlines():
            found = ACCESS_LINE.match(line)
            if found and found.group(2) == "GET" and found.group(3) == "/":
                upstream_of.setdefault(found.group(6), found.group(1).split(",")[-1].strip())
    keys = {i: getattr(s, "jar", {}).get(AFFINITY_COOKIE) for i, s in enumerate(students)}
    return {i: upstream_of[key] for i, key in keys.items() if key in upstream_of}


def passed_on(access_log: Path, offset: int) -> dict:
    """From byte `offset` of nginx's log: requests nginx passed to a second replica after
    the first failed ($upstream_addr lists both), and answers 502 / 504."""
    lines = []
    if access_log.is_file():
        with open(access_log, "rb") as f:
            f.seek(offset)
            lines = f.read().decode(errors="replace").splitlines()
    matches = [m for m in map(ACCESS_LINE.match, lines) if m]
    return {
        "requests": len(matches),
        "passed_on": sum("," in m.group(1) for m in matches),
        "passed_on_websocket": sum(
            "," in m.group(1) and "/_stcore/stream" in m.group(3) for m in matches
        ),
        "bad_gateway": sum(m.group(4) in ("502", "504") for m in matches),
    }


async def kill_replica(
    args, students, replicas: dict[str, subprocess.Popen], killed: asyncio.Event
) -> dict:
    """Once --kill-replica-after runs have finished, SIGKILL the replica that holds the most
    students with a finished run; what the class looked like at that moment."""
    while sum(len(s.finished) for s in students) < args.kill_after:
        await asyncio.sleep(0.05)
    where = student_replicas(args.access_log, students)
    with_runs = Counter(where[i] for i, s in enumerate(students) if s.finished and i in where)
    victim = max(sorted(replicas), key=lambda addr: with_runs.get(addr, 0))
    log_offset = args.access_log.stat().st_size if args.access_log.is_file() else 0
    cpu = cpu_seconds(family(replicas[victim].pid))  # its CPU so far: none is read after
    replicas[victim].kill()  # SIGKILL
    killed.set()
    at = time.perf_counter()
    on_victim = [i for i, addr in where.items() if addr == victim]
    return {
        "victim": victim,
        "at": at,
        "log_offset": log_offset,
        "where": where,
        "cpu": cpu,
        "finished_before": {i: list(s.finished) for i, s in enumerate(students)},
        "students_on_victim": on_victim,
        "students_per_replica": dict(Counter(where.values())),
    }


async def reload_all(students: list[WsStudent], args) -> list[dict]:
    """Every student opens the page again with its cookies (a reload: a new session),
    after checking whether its old connection still stands. The runs table it gets
    is kept in student.table."""
    gate = asyncio.Semaphore(args.open_concurrency)

    async def one(student):
        rec = {}
        async with gate:
            try:
                rec["alive"] = await student.alive() if student.ws is not None else False
                with contextlib.suppress(Exception):
                    await student.close()
                await student.open()
            except Exception as exc:  # noqa: BLE001 - counted
                rec["error"] = short(exc)
        return rec

    return await asyncio.gather(*(one(s) for s in students))


async def drive(args, servers: list[subprocess.Popen], other_pids: list[int]) -> dict:
    from lib.store import new_token

    server_pids = [proc.pid for proc in servers]
    clients = WsClients(args.ssl_context) if args.client == "ws" else BrowserClients(args.chromium)
    async with clients:
        warmups = []
        if args.warmup:  # a server loads the data set at its first training: not measured
            for url in args.replica_urls or [args.url]:
                warm = clients.student(url, Plan(TrainConfig(num_epochs=1), 0), args, new_token())
                await warm.open()
                await warm.train()
                await warm.close()
                warmups.append(warm)
        alone = await lone_students(clients, args) if args.baseline else []
        warmups += [student for student, _ in alone]  # their runs are stored too
        plans = draw_class(args.sessions, args.mix, args.epochs, args.ramp, args.mix_seed)
        students = [clients.student(args.url, plan, args, new_token()) for plan in plans]
        opened, go, killed, results = (
            asyncio.Semaphore(args.open_concurrency),
            asyncio.Event(),
            asyncio.Event(),
            [],
        )
        t_open = time.perf_counter()
        tasks = [
            asyncio.create_task(session(i, s, args, opened, go, results, killed))
            for i, s in enumerate(students)
        ]
        while sum("open_s" in r or "error" in r for r in results) < args.sessions:
            await asyncio.sleep(0.1)
            if time.perf_counter() - t_open > args.timeout:
                break
        open_phase = time.perf_counter() - t_open

        def client_pids():  # this script, Chromium and its driver; not the servers, not nginx
            return tree([os.getpid()], exclude=set(other_pids))

        proxy_pids = [pid for pid in other_pids if pid not in server_pids]  # nginx

        def snapshot():
            return (
                time.perf_counter(),
                cpu_seconds(tree(server_pids)),
                cpu_seconds(client_pids()),
                cpu_seconds(tree(proxy_pids)),
                machine_cpu_seconds(),
            )

        killer = None
        args.logs_at_go = log_sizes(args.tmp)
        before = snapshot()
        go.set()
        if args.kill_after:
            replicas = {
                url.split("//", 1)[1]: proc
                for url, proc in zip(args.replica_urls, servers, strict=True)
            }
            killer = asyncio.create_task(kill_replica(args, students, replicas, killed))
        await asyncio.gather(*tasks)
        after = snapshot()
        args.logs_at_end = log_sizes(args.tmp)
        fault = None
        if killer is not None:
            if killer.done():
                fault = killer.result()
                fault["at"] -= before[0]
                after = (after[0], after[1] + fault["cpu"], *after[2:])
            else:
                killer.cancel()
        reloads = None
        if args.client == "ws" and args.store != "off":
            reloads = await reload_all(students, args)
        for s in students:
            with contextlib.suppress(Exception):  # closing a broken session is not a result
                await s.close()
    wall, server, client, proxy, machine = (a - b for a, b in zip(after, before, strict=True))
    return {
        "results": sorted(results, key=lambda r: r["session"]),
        "open_phase_s": open_phase,
        "train_phase_s": wall,
        "server_cpu_s": server,
        "client_cpu_s": client,
        "proxy_cpu_s": proxy,
        "machine_cpu_s": machine,
        "students": students,
        "warmups": warmups,
        "fault": fault,
        "reloads": reloads,
        "alone": [rec for _, rec in alone],
    }


BASELINE_RUNS = 3  # --baseline: lone students, one after the other; the median is the baseline


async def lone_students(clients, args) -> list[tuple]:
    """--baseline: BASELINE_RUNS students, one at a time on the idle server, each with the
    default settings and --epochs: (student, {train_s, first_s}) from click to final message
    and to the first chart, measured as the class's are."""
    from lib.store import new_token

    out = []
    for _ in range(BASELINE_RUNS):
        student = clients.student(
            args.url, Plan(TrainConfig(num_epochs=args.epochs), 0), args, new_token()
        )
        await student.open()
        t0 = time.perf_counter()
        ended = await student.train()
        rec = {"train_s": ended - t0}
        if student.first_at is not None:
            rec["first_s"] = student.first_at - t0
        await student.close()
        out.append((student, rec))
    return out


# ---- report ---------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float | None:
    """The q-quantile (q in whole percents), interpolated between the data points."""
    if len(values) < 2:
        return values[0] if values else None
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def storage_summary(run: dict, ok: list[dict], db: dict | None, calls: dict, down: int) -> dict:
    """What the store did and holds: its calls' times, and the runs found afterwards."""
    students, reloads = run["students"], run["reloads"]
    out: dict = {"store_calls": calls, "store_down_warnings": down}
    save = calls.get("save_run")
    clicked = sum(r["train_s"] for r in ok)
    if save and clicked:  # every save is on some student's click -> final message path
        out["save_share_of_wait"] = save["total_ms"] / 1000 / clicked
    if db is not None:
        out["db"] = {k: v for k, v in db.items() if k != "stored"}
        out["db"]["expected_rows"] = db["seen_total"] + len(run["warmups"])
    if reloads is not None:
        tables = [set(s.table) if s.table is not None else set() for s in students]
        seen = [set(s.finished) for s in students]
        out["reload"] = {
            "students": len(reloads),
            "errors": sum("error" in r for r in reloads),
            "listed": sum(len(t) for t in tables),
            "students_listing_exactly_their_runs": sum(
                t == s for t, s in zip(tables, seen, strict=True)
            ),
        }
    fault = run["fault"]
    if fault is not None:
        before = {i: set(v) for i, v in fault["finished_before"].items()}
        victim = set(fault["students_on_victim"])
        stored = db["stored"] if db is not None else [set()] * len(students)
        tables = [set(s.table or ()) for s in students]
        dead_at_reload = {i for i, r in enumerate(reloads or []) if r.get("alive") is False}
        during = {r["session"] for r in run["results"] if r.get("reconnects")}
        reopened = {i for i, r in enumerate(reloads or []) if "error" not in r}
        back = (dead_at_reload | during) & reopened
        out["fault"] = {
            "victim": fault["victim"],
            "killed_at_s": fault["at"],
            "students_per_replica": fault["students_per_replica"],
            "students_on_victim": len(victim),
            "finished_before_kill": sum(len(v) for v in before.values()),
            "finished_before_kill_on_victim": sum(len(before[i]) for i in victim),
            "found_in_db": sum(len(before[i] & stored[i]) for i in before),
            "listed_on_reload": sum(len(before[i] & tables[i]) for i in before),
            "lost": sum(len(before[i] - stored[i]) for i in before),
            "lost_on_victim": sum(len(before[i] - stored[i]) for i in victim),
            "reconnected_during_class": len(during),
            "reconnected_at_reload": len(dead_at_reload),
            "students_back": len(back),
            "interrupted_runs": sum(1 for r in run["results"] if "interrupted" in r),
            "interrupted_then_completed": sum(
                1 for r in run["results"] if "interrupted" in r and "error" not in r
            ),
            "nginx_after_kill": passed_on(fault["access_log"], fault["log_offset"]),
        }
    return out


def spread_of(values: list[float], name: str) -> dict:
    """{name_p50_s, name_p95_s, name_max_s} of some seconds (None where there are none)."""
    return {
        f"{name}_p50_s": percentile(values, 0.5),
        f"{name}_p95_s": percentile(values, 0.95),
        f"{name}_max_s": max(values) if values else None,
    }


def group_stats(results: list[dict]) -> dict:
    """Per group of GROUPS (those with sessions): sessions, completed, click -> final message
    and click -> first chart (the wait for a turn) p50 / p95 / max, and how the runs ended."""
    out = {}
    for group in GROUPS:
        mine = [r for r in results if r.get("group") == group]
        if not mine:
            continue
        ok = [r for r in mine if "train_s" in r and "error" not in r]
        out[group] = {
            "sessions": len(mine),
            "completed": len(ok),
            **spread_of([r["train_s"] for r in ok], "train"),
            **spread_of([r["first_s"] for r in ok if "first_s" in r], "first"),
            "endings": dict(Counter(r.get("ending", "done") for r in ok)),
        }
    return out


def baseline(alone: list[dict], class_p95: float | None, epochs: int) -> dict | None:
    """--baseline: the lone students' times, their median, and the class's p95 over it."""
    if not alone:
        return None
    median = statistics.median(r["train_s"] for r in alone)
    firsts = [r["first_s"] for r in alone if "first_s" in r]
    return {
        "epochs": epochs,
        "runs_s": [r["train_s"] for r in alone],
        "median_s": median,
        "first_median_s": statistics.median(firsts) if firsts else None,
        "class_p95_over_alone": class_p95 / median if class_p95 is not None and median else None,
    }


def summarize(run: dict, args, memory: dict, spread: dict | None, storage: dict) -> dict:
    results = run["results"]
    ok = [r for r in results if "train_s" in r and "error" not in r]
    times = [r["train_s"] for r in ok]
    opens = [r["open_s"] for r in results if "open_s" in r]
    own = [sec for s in run["students"] for sec in s.run_seconds]
    errors: dict[str, int] = {}
    for r in results:
        if "error" in r:
            errors[r["error"]] = errors.get(r["error"], 0) + 1
    return {
        "client": args.client,
        "sessions": args.sessions,
        "completed": len(ok),
        "failed": args.sessions - len(ok),
        "replicas": None if args.external else args.replicas,
        "tls": args.tls,
        "store": args.store,
        "db_url": shown_url(args.db_in_use),
        "max_trainings": os.environ.get("SOFTMAX_MAX_TRAININGS", f"cpu count ({os.cpu_count()})"),
        "omp_threads": os.environ.get("OMP_NUM_THREADS", "1 (app default)"),
        "epochs": args.epochs if args.mix == "identical" else "{}-{}".format(*MIX_EPOCHS),
        "mix": args.mix,
        "mix_seed": args.mix_seed,
        "ramp_s": args.ramp,
        **spread_of(times, "train"),
        **spread_of([r["first_s"] for r in ok if "first_s" in r], "first"),
        "groups": group_stats(results),
        "alone": baseline(run.get("alone") or [], percentile(times, 0.95), args.epochs),
        "run_p50_s": percentile(own, 0.5),
        "run_p95_s": percentile(own, 0.95),
        "open_p50_s": percentile(opens, 0.5),
        "open_max_s": max(opens) if opens else None,
        "queued_sessions": sum(1 for r in ok if r.get("queue")),
        "max_queue_position": max((r.get("queue") or 0 for r in ok), default=0),
        "engine_waited_sessions": sum(1 for r in ok if r.get("ahead") is not None),
        "max_ahead": max((r.get("ahead") or 0 for r in ok), default=0),
        "max_together": max((r.get("together") or 0 for r in ok), default=0),
        "train_phase_s": run["train_phase_s"],
        "server_cpu_s": run["server_cpu_s"],
        "client_cpu_s": run["client_cpu_s"],
        "proxy_cpu_s": run["proxy_cpu_s"],
        "machine_cpu_s": run["machine_cpu_s"],
        "load_average": [round(x, 2) for x in psutil.getloadavg()],
        **memory,
        "sessions_per_replica": spread,
        "errors": errors,
        **storage,
    }


def fmt(v, unit=""):
    return "-" if v is None else (f"{v:.2f}{unit}" if isinstance(v, float) else f"{v}{unit}")


def print_storage(s: dict) -> None:
    calls = s.get("store_calls") or {}
    if calls:
        print(
            "store calls (ms, wall time in the server):",
            "; ".join(
                f"{name} {c['calls']}x p50 {c['p50_ms']:.1f} p95 {c['p95_ms']:.1f} "
                f"max {c['max_ms']:.1f} total {c['total_ms']:.0f}"
                for name, c in calls.items()
            ),
        )
    if "save_share_of_wait" in s:
        print(
            f"save_run's total time / the sessions' total click -> final time: "
            f"{100 * s['save_share_of_wait']:.2f} %"
        )
    if s.get("store_down_warnings"):
        print(f"  the servers' logs say '{STORE_DOWN}' {s['store_down_warnings']} times")
    if "db" in s:
        d = s["db"]
        print(
            f"database afterwards: {d['rows']} runs (expected {d['expected_rows']}: "
            f"{d['seen_total']} seen finish + {d['warmup_runs']} warm-ups and lone students); "
            f"seen and "
            f"found {d['found']}, lost {d['lost']}, extra {d['extra']}; students whose "
            f"stored runs equal what they saw: {d['students_equal']}/{s['sessions']}"
        )
    if "reload" in s:
        r = s["reload"]
        print(
            f"reloaded pages: {r['students']} ({r['errors']} failed), runs listed "
            f"{r['listed']}, students listing exactly the runs they saw finish: "
            f"{r['students_listing_exactly_their_runs']}"
        )
    if "fault" in s:
        f, n = s["fault"], s["fault"]["nginx_after_kill"]
        print(
            f"fault: killed {f['victim']} (SIGKILL) {f['killed_at_s']:.1f} s after the "
            f"clicks; students per replica {f['students_per_replica']}, "
            f"{f['students_on_victim']} on the killed one"
        )
        print(
            f"  runs finished before the kill: {f['finished_before_kill']} "
            f"({f['finished_before_kill_on_victim']} on the killed replica); found in the "
            f"database afterwards {f['found_in_db']}, listed on the reloaded pages "
            f"{f['listed_on_reload']}, lost {f['lost']} ({f['lost_on_victim']} of the "
            f"killed replica's)"
        )
        print(
            f"  students reconnected: {f['reconnected_during_class']} during the class "
            f"(their training was cut: {f['interrupted_runs']} runs, then "
            f"{f['interrupted_then_completed']} completed on the live replica), "
            f"{f['reconnected_at_reload']} at the reload; {f['students_back']} back"
        )
        print(
            f"  nginx after the kill: {n['requests']} requests, {n['passed_on']} passed on "
            f"to the live replica after the dead one refused ({n['passed_on_websocket']} "
            f"WebSockets), {n['bad_gateway']} answered 502/504"
        )


def print_groups(s: dict) -> None:
    """The class by group (with --mix class), and the lone students of --baseline."""
    if s["mix"] != "identical":
        for group, g in s["groups"].items():
            endings = ", ".join(f"{n} {e}" for e, n in sorted(g["endings"].items()))
            print(
                f"  {group}: {g['completed']}/{g['sessions']} ({endings}); click -> final "
                f"p50 {fmt(g['train_p50_s'], ' s')}, p95 {fmt(g['train_p95_s'], ' s')}, "
                f"max {fmt(g['train_max_s'], ' s')}; click -> first chart p50 "
                f"{fmt(g['first_p50_s'], ' s')}, p95 {fmt(g['first_p95_s'], ' s')}, "
                f"max {fmt(g['first_max_s'], ' s')}"
            )
    a = s["alone"]
    if a:
        runs = ", ".join(f"{sec:.2f}" for sec in a["runs_s"])
        print(
            f"one student alone, before the class ({a['epochs']} epochs, the other settings "
            f"default): click -> final {runs} s, median {fmt(a['median_s'], ' s')} "
            f"(first chart {fmt(a['first_median_s'], ' s')}); the class's p95 / alone: "
            f"{fmt(a['class_p95_over_alone'], 'x')}"
        )


def print_report(s: dict) -> None:
    cores, phase = psutil.cpu_count() or 1, s["train_phase_s"] or 1
    ours = s["server_cpu_s"] + s["client_cpu_s"] + s["proxy_cpu_s"]
    others = max(s["machine_cpu_s"] - ours, 0.0)
    share = lambda cpu: f"{100 * cpu / phase / cores:.0f}%"  # noqa: E731
    print(
        f"{s['client']} clients, {s['sessions']} sessions: completed {s['completed']}, "
        f"failed {s['failed']}  (replicas {fmt(s['replicas'])}, TLS {s['tls']}, store "
        f"{s['store']} {s['db_url'] or ''}, SOFTMAX_MAX_TRAININGS "
        f"{s['max_trainings']}, OMP_NUM_THREADS {s['omp_threads']}, epochs {s['epochs']}, "
        f"mix {s['mix']} (seed {s['mix_seed']}), ramp {s['ramp_s']} s)"
    )
    print(
        f"click -> final chart: p50 {fmt(s['train_p50_s'], ' s')}, "
        f"p95 {fmt(s['train_p95_s'], ' s')}, max {fmt(s['train_max_s'], ' s')}; "
        f"the training itself: p50 {fmt(s['run_p50_s'], ' s')}, "
        f"p95 {fmt(s['run_p95_s'], ' s')}; "
        f"page ready: p50 {fmt(s['open_p50_s'], ' s')}, max {fmt(s['open_max_s'], ' s')}"
    )
    print(
        f"click -> first chart (the wait for a turn): p50 {fmt(s['first_p50_s'], ' s')}, "
        f"p95 {fmt(s['first_p95_s'], ' s')}, max {fmt(s['first_max_s'], ' s')}"
    )
    print(
        f"queue in front of the engine: {s['queued_sessions']} sessions waited, worst position "
        f"{s['max_queue_position']}; engine: {s['engine_waited_sessions']} sessions saw "
        f"the engine's waiting message, worst {s['max_ahead']} ahead; most classmates "
        f"trained together: {s['max_together']}"
    )
    print_groups(s)
    print(
        f"training phase {fmt(s['train_phase_s'], ' s')}, CPU of the {cores} cores: server "
        f"{fmt(s['server_cpu_s'], ' s')} ({share(s['server_cpu_s'])}), client side "
        f"{fmt(s['client_cpu_s'], ' s')} ({share(s['client_cpu_s'])}), nginx "
        f"{fmt(s['proxy_cpu_s'], ' s')} ({share(s['proxy_cpu_s'])}), everything else "
        f"{fmt(others, ' s')} ({share(others)}); load average "
        f"{' '.join(map(str, s['load_average']))}"
    )
    if s.get("server_peak_mb") is not None:
        each = ", ".join("killed" if mb is None else f"{mb:.0f}" for mb in s["server_peak_each_mb"])
        print(
            f"server memory: peak resident size {s['server_peak_mb']:.0f} MB (sum of each "
            f"server's own peak: {each}), peak sampled RSS {s['server_peak_rss_mb']:.0f} MB, "
            f"peak sampled PSS {s['server_peak_pss_mb']:.0f} MB (with training processes)"
        )
    if s["sessions_per_replica"]:
        print("students per replica (nginx log):", s["sessions_per_replica"])
    print_storage(s)
    for error, n in s["errors"].items():
        print(f"  {n} x {error}")


def start_and_drive(
    args, tmp: Path, procs: list, servers: list, logs
) -> tuple[dict, tuple[int, int]]:
    """Start the servers (and nginx) unless --url, run the class, return (run, sampled
    peaks: (RSS, PSS)).
    Every process started is appended to procs (servers also to servers) for main to stop."""
    if not args.external:
        ports = [free_port() for _ in range(args.replicas)]
        env = {**os.environ, "SOFTMAX_DB_URL": args.db_in_use}
        for port in ports:
            servers.append(
                start_streamlit(
                    port,
                    logs.enter_context(open(tmp / f"server-{port}.log", "w")),  # noqa: SIM115
                    env=env,
                    prelude=SERVER_PRELUDE,
                )
            )
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
    print(
        f"{args.sessions} {args.client} sessions against {args.url}, store {args.store} "
        f"(logs in {tmp})",
        flush=True,
    )
    sampler = MemorySampler([proc.pid for proc in servers])
    sampler.start()
    run = asyncio.run(
        asyncio.wait_for(drive(args, servers, [proc.pid for proc in procs]), args.deadline)
    )
    if run["fault"] is not None:
        run["fault"]["access_log"] = args.access_log
    return run, sampler.finish()


def parse_args(argv=None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sessions", type=int, default=30)
    p.add_argument("--client", choices=("ws", "browser"), default="ws")
    p.add_argument("--url", help="test this running server instead of starting one")
    p.add_argument(
        "--replicas", type=int, default=1, help="servers to start; >1 puts nginx in front"
    )
    p.add_argument(
        "--tls",
        action="store_true",
        help="nginx in front terminates HTTPS (self-signed certificate); wss clients",
    )
    p.add_argument(
        "--store",
        choices=("sqlite", "shm", "postgres", "off"),
        help="the servers' database (default sqlite; see the module docstring)",
    )
    p.add_argument(
        "--db-url",
        help="--store postgres: a server and a role that may create "
        "databases (default: SOFTMAX_TEST_PG_URL; 'own': start one for the run)",
    )
    p.add_argument(
        "--keep-db",
        action="store_true",
        help="--store postgres: keep the run's database (it is dropped otherwise)",
    )
    p.add_argument(
        "--kill-replica-after",
        dest="kill_after",
        type=int,
        default=0,
        metavar="N",
        help="fault test: SIGKILL a replica once N runs have finished",
    )
    p.add_argument(
        "--epochs",
        type=int,
        default=10,
        help="every student's epochs (--mix identical) and the lone students' (--baseline)",
    )
    p.add_argument(
        "--mix",
        choices=("identical", "class"),
        default="identical",
        help="identical: every student at the defaults; class: a realistic class (other lr, "
        "softmax, seed, torch.nn, epochs 5-20 for some students: see draw_class)",
    )
    p.add_argument(
        "--mix-seed",
        type=int,
        default=0,
        help="seeds the random draw of the class (settings and click times)",
    )
    p.add_argument(
        "--baseline",
        action="store_true",
        help=f"before the class, {BASELINE_RUNS} lone students one after the other on the same "
        "server (default settings, --epochs): the class's p95 over their median",
    )
    p.add_argument(
        "--ramp",
        type=float,
        default=0.0,
        help="spread the clicks uniformly over this many seconds (0: all at once)",
    )
    p.add_argument("--open-concurrency", type=int, default=10)
    p.add_argument("--timeout", type=float, default=180, help="per session and step, seconds")
    p.add_argument("--deadline", type=float, default=900, help="the whole run, seconds")
    p.add_argument(
        "--no-warmup",
        dest="warmup",
        action="store_false",
        help="measure the first training too (it loads the data set)",
    )
    p.add_argument(
        "--chromium",
        default=os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium",
    )
    p.add_argument("--json", action="store_true", help="print the summary as JSON too")
    args = p.parse_args(argv)
    args.external, args.replica_urls = bool(args.url), []
    if not (1 <= args.sessions <= 500 and 1 <= args.replicas <= 16 and 1 <= args.epochs <= 50):
        p.error("--sessions 1..500, --replicas 1..16, --epochs 1..50")
    if args.external and (args.tls or args.store or args.kill_after):
        p.error("--tls, --store and --kill-replica-after start their own servers: not with --url")
    if not args.external:
        args.store = args.store or "sqlite"
    if args.kill_after and (args.replicas < 2 or args.client != "ws" or args.store == "off"):
        p.error("--kill-replica-after needs --replicas 2 or more, ws clients and a store")
    if args.mix != "identical" and args.client != "ws":
        p.error("--mix class needs ws clients (they read how each run ended)")
    if args.ramp < 0:
        p.error("--ramp: seconds, 0 or more")
    if args.kill_after < 0:
        p.error("--kill-replica-after: a number of runs, 1 or more")
    return args


def identity_cookie(token: str) -> str:
    """The identity cookie of a browser that visited before: its token, signed by the server."""
    from lib.server_settings import ServerSettings
    from lib.signing import Signer, server_key

    return Signer(server_key(ServerSettings.from_env())).sign("cookie", token, 0)


def main(argv=None) -> int:
    args = parse_args(argv)
    # the servers this script starts inherit it: the students' cookies are signed with it
    os.environ.setdefault("SOFTMAX_SECRET", secrets.token_urlsafe(32))
    if not args.external and not os.environ.get("FASHION_MNIST_ROOT"):
        print(
            "note: FASHION_MNIST_ROOT is not set; the servers will look in ./data", file=sys.stderr
        )

    procs, tmp = [], Path(tempfile.mkdtemp(prefix="softmax-loadtest-"))
    servers: list[subprocess.Popen] = []
    args.ssl_context, args.access_log, args.db_in_use = None, tmp / "access.log", None
    args.tmp, args.logs_at_go, args.logs_at_end = tmp, {}, {}
    with contextlib.ExitStack() as cleanup:
        if not args.external:
            args.db_in_use = prepare_store(args, tmp, cleanup)
        with contextlib.ExitStack() as logs:
            try:
                run, sampled = start_and_drive(args, tmp, procs, servers, logs)
            finally:
                peaks = {proc.pid: stop(proc) for proc in reversed(procs)}
        stored = args.db_in_use and args.store != "off"
        db = check_store(args.db_in_use, run["students"], run["warmups"]) if stored else None
    memory = {}
    if servers:
        each = [
            None if peaks[proc.pid] is None else peaks[proc.pid] / 2**20 for proc in servers
        ]  # None: killed, its usage not reported
        memory = {
            "server_peak_mb": sum(mb or 0 for mb in each),
            "server_peak_each_mb": each,
            "server_peak_rss_mb": sampled[0] / 2**20,
            "server_peak_pss_mb": sampled[1] / 2**20,
        }
    spread = None
    if len(procs) > len(servers):  # nginx in front: which replica each student's page went to
        spread = dict(Counter(student_replicas(args.access_log, run["students"]).values()))
    calls, _ = store_calls(args.logs_at_go, args.logs_at_end)  # the training phase
    _, down = store_calls(dict.fromkeys(log_sizes(tmp), 0), log_sizes(tmp))  # all of it
    summary = summarize(
        run,
        args,
        memory,
        spread,
        storage_summary(
            run, [r for r in run["results"] if "train_s" in r and "error" not in r], db, calls, down
        ),
    )
    print_report(summary)
    if args.json:
        print(json.dumps(summary))
    return 0 if passed(summary) else 1


def passed(s: dict) -> bool:
    """Every session completed and, with storage on, every run seen finish was found."""
    db, reload, fault = s.get("db"), s.get("reload"), s.get("fault")
    return (
        s["failed"] == 0
        and (db is None or (db["lost"] == 0 and db["students_equal"] == s["sessions"]))
        and (reload is None or reload["students_listing_exactly_their_runs"] == s["sessions"])
        and (fault is None or fault["lost"] == 0)
    )


if __name__ == "__main__":
    sys.exit(main())
