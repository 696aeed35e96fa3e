"""What a page runs in: the server's settings and resources (device, data set, run
store), the session's tab and address, and showing code or user text."""

from __future__ import annotations

import functools
import inspect
import re
from contextlib import suppress
from dataclasses import dataclass

import streamlit as st
import torch

from lib import pages
from lib.data import DataError, FashionMNIST, SharedData, data_root, device_label, pick_device
from lib.engine import Engine
from lib.server_settings import ServerSettings
from lib.slots import TrainingSlots, usable_cpus
from lib.store import SafeStore, Store, StoreError
from lib.text import plain
from ui import lang

LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]", "")

# ---- the server process -----------------------------------------------------


def settings() -> ServerSettings:
    """The operator's SOFTMAX_* settings (read at each call: cheap, and a test may set one)."""
    return ServerSettings.from_env()


@dataclass(frozen=True)
class Server:
    """What one server process shares between all its sessions."""

    device: torch.device
    engine: Engine  # trains the runs, a class's together (lib/engine.py)
    slots: TrainingSlots  # places for runs in the engine; the queue in front of it
    measure_slots: TrainingSlots  # the pages that measure (many classes), one per thread
    max_steps: int  # the largest run allowed: epochs x minibatches


@st.cache_resource
def server() -> Server:
    """Once per process: pick the device, start the training engine and its queue.

    torch's thread count is capped by OMP_NUM_THREADS, set in app.py before
    torch is imported: torch.set_num_threads() called from a script thread
    made training ~40x slower here.
    """
    config = settings()
    workers = config.max_trainings or max(usable_cpus(), 1)
    return Server(
        device=pick_device("auto"),
        engine=Engine(
            workers, max_waiting=config.max_in_training, processes=config.train_processes
        ),
        slots=TrainingSlots(config.max_in_training, max_waiting=config.max_waiting),
        measure_slots=TrainingSlots(workers, max_waiting=config.max_waiting),
        max_steps=config.max_steps,
    )


def load() -> tuple[int, int]:
    """(runs training, runs waiting) on this server: in the engine, and in the queue before it."""
    training, waiting = server().engine.load()
    return training, waiting + server().slots.load()[1]


def device() -> torch.device:
    return server().device


def device_name() -> str:
    """The device in the session's language ('cpu · 2 threads', 'CPU · 2 个线程')."""
    return device_text(device_label(device()))


CPU_THREADS = re.compile(r"cpu · (\d+) threads?")


def device_text(label: str) -> str:
    """A device label (lib.data.device_label, as runs keep it) in the session's language."""
    found = CPU_THREADS.fullmatch(label)
    if found is None:
        return label  # a GPU's name
    n = int(found.group(1))
    return lang.tr("device.cpu.one" if n == 1 else "device.cpu", n=n)


@st.cache_resource(show_spinner=False)
def store() -> SafeStore:
    """The run store of this process (SOFTMAX_DB_URL; SQLite under state/ by default).

    SafeStore keeps the app working when the database is down: runs wait in
    memory and are saved once it is back.
    """
    config = settings()
    safe = SafeStore(lambda: Store(config.db_url))
    if safe.available:  # once per process: forget what is past retention
        with suppress(StoreError):
            safe.purge(config.retention_days)
    return safe


def storage_notice() -> None:
    """Retry saving what waits in memory; say so while the database is unreachable."""
    if not store().flush():
        st.warning(lang.tr("store.down"), icon=":material/cloud_off:")


# ---- this session: its machine, its tab, its address ------------------------------


def is_local() -> bool:
    """The page was asked for on this very machine (so its operator is the one reading)."""
    if settings().hosted:
        return False
    host = (st.context.headers.get("Host") or "").rsplit(":", 1)[0] if st.context.headers else ""
    return host in LOCAL_HOSTS


def session_active() -> bool:
    """False once the student's tab is closed (its session disconnected)."""
    from streamlit.runtime import Runtime
    from streamlit.runtime.scriptrunner import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is None or not Runtime.exists():
        return True  # AppTest, or no server: nobody to lose
    return Runtime.instance().is_active_session(ctx.session_id)


def page_address() -> str | None:
    """This page's address in the student's browser (None where there is none, as in tests)."""
    try:
        return st.context.url
    except Exception:  # no browser session behind this script run
        return None


def app_url(page: str) -> str:
    """The app's address, ending in "/", seen from the page at URL path `page`
    ("" for the default page): links handed out start here, proxy prefix and all."""
    return pages.app_url(page_address(), page)


# ---- the data set -----------------------------------------------------------------


@st.cache_resource(show_spinner=False)
def shared_data(root: str, device_str: str) -> SharedData:
    """One loader per data folder and device: one read-only copy for every session."""
    return SharedData(root, torch.device(device_str))


def get_data() -> FashionMNIST | None:
    """The shared Fashion-MNIST, or None after saying it is missing.

    Students on a hosted server get one short line; the folder and the full fix
    are in the server's log, and on the page only when it runs on localhost.
    """
    try:
        with st.spinner(lang.tr("data.loading")):
            return shared_data(str(data_root()), str(device())).get()
    except DataError as exc:
        st.error(lang.tr("data.missing.title"))
        if is_local():
            folder = f"{data_root().resolve()}/FashionMNIST/raw/"
            st.markdown(lang.tr("data.missing.fix"))
            st.code(folder, language=None)
            with st.expander(lang.tr("data.missing.detail")):
                st.code(str(exc), language=None, wrap_lines=True)
        else:
            st.info(lang.tr("data.missing.hosted"))
        return None


# ---- showing code and user text ------------------------------------------------------


def show_code(*objects, note: str | tuple[str, ...] | None = None) -> None:
    """An expander with the source of the lib functions that made the result.

    note: the key (or keys) of the text that comes before the code.
    """
    st.session_state["_shown_code"] = [f"{o.__module__}.{o.__qualname__}" for o in objects]
    with st.expander(lang.tr("code.expander")):
        for key in (note,) if isinstance(note, str) else note or ():
            st.markdown(lang.tr(key))
        for obj in objects:
            st.code(source(obj), language="python")


@functools.cache
def source(obj) -> str:
    """A function's source, read from its file once per process (the same for everyone)."""
    return inspect.getsource(obj)


def show_plain(value, limit: int = 40) -> None:
    """User-supplied text, as plain text in a code box (never markdown or HTML)."""
    st.code(plain(value, limit), language=None)
