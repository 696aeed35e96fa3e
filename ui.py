"""The few Streamlit helpers every page shares.

Language, the show-code expander, the shared data set (one copy per server),
the server-wide training queue, and the student's runs in session_state.
"""
from __future__ import annotations

import inspect
import os
import time

import streamlit as st
import torch

from lib.data import DataError, data_root, device_label, load_data, pick_device
from lib.i18n import LANGS, normalize_lang, t
from lib.results import predict_test_set
from lib.runs import Run
from lib.slots import TrainingSlots
from lib.train import TrainConfig, train

LANG_NAMES = {"en": "English", "zh": "中文"}


# ---- language ---------------------------------------------------------------

def lang() -> str:
    """The session's language: from ?lang= on first visit, then the sidebar switch."""
    if "lang" not in st.session_state:
        st.session_state["lang"] = normalize_lang(st.query_params.get("lang"))
    return st.session_state["lang"]


def tr(key: str, **fields) -> str:
    """The text of `key` in the session's language."""
    return t(key, lang(), **fields)


def language_switch() -> None:
    """Sidebar radio; the choice is mirrored into ?lang= so links keep it."""
    lang()
    st.sidebar.radio(t("sidebar.language", lang()), LANGS, key="lang",
                     format_func=LANG_NAMES.get, horizontal=True)
    st.query_params["lang"] = st.session_state["lang"]


# ---- the server process -----------------------------------------------------

@st.cache_resource
def server() -> dict:
    """Once per process: pick the device, make the training queue.

    torch's thread count is capped by OMP_NUM_THREADS, set in app.py before
    torch is imported: torch.set_num_threads() called from a script thread
    made training ~40x slower here.
    """
    capacity = int(os.environ.get("SOFTMAX_MAX_TRAININGS", os.cpu_count() or 1))
    return {"device": pick_device("auto"), "slots": TrainingSlots(max(capacity, 1))}


def device() -> torch.device:
    return server()["device"]


def device_name() -> str:
    return device_label(device())


@st.cache_resource(show_spinner=False)
def _shared_data(root: str, device_str: str):
    # One read-only copy for every session; never modify these tensors in place.
    return load_data(root, device=torch.device(device_str))


def get_data():
    """The shared Fashion-MNIST, or None after showing how to fix a missing data set."""
    root = data_root()
    try:
        with st.spinner(tr("data.loading")):
            return _shared_data(str(root), str(device()))
    except DataError as exc:
        st.error(tr("data.missing.title"))
        st.markdown(tr("data.missing.fix", folder=f"{root.resolve()}/FashionMNIST/raw/"))
        with st.expander(tr("data.missing.detail")):
            st.code(str(exc), language=None, wrap_lines=True)
        return None


# ---- showing code -----------------------------------------------------------

def show_code(*objects) -> None:
    """An expander with the source of the lib functions that made the result."""
    with st.expander(tr("code.expander")):
        for obj in objects:
            st.code(inspect.getsource(obj), language="python")


# ---- the student's runs -----------------------------------------------------

def runs() -> list[Run]:
    return st.session_state.setdefault("runs", [])


def settle_interrupted_runs() -> None:
    """A run still 'running' at the start of a script run was interrupted: keep it, stopped."""
    for run in runs():
        if run.status == "running":
            run.status = "stopped"


def trained_runs() -> list[Run]:
    return [r for r in runs() if r.trained]


def status_text(run: Run) -> str:
    return tr(f"status.{run.status}")


def run_training(cfg: TrainConfig, on_epoch, wait_box) -> Run | None:
    """Train in this session: wait for a server slot, keep every epoch in the session.

    on_epoch(run) is called after each epoch (the page draws there). Whatever
    interrupts the loop, the epochs done so far stay in the session's runs.
    """
    data = get_data()
    if data is None:
        return None
    run = Run(number=len(runs()) + 1, cfg=cfg)
    runs().append(run)
    slots: TrainingSlots = server()["slots"]
    ticket = slots.enter()
    try:
        while not slots.try_start(ticket):
            # Redrawn on every pass on purpose: each st call is where a Stop click or a
            # closed tab interrupts this loop (and the finally below frees the place).
            wait_box.info(tr("train.queue", ahead=slots.ahead(ticket) + 1))
            time.sleep(0.2)
        wait_box.empty()
        for record in train(cfg, data):
            run.add(record)
            on_epoch(run)
    finally:
        slots.leave(ticket)
        if run.status == "running":
            run.status = "stopped"
        if not run.history:
            runs().remove(run)  # nothing was trained: nothing to keep
    return run


def pick_run(key: str) -> Run | None:
    """A select box over the trained runs (latest first); None when there are none.

    The options are run numbers, not Run objects: Streamlit copies a widget's
    value and compares old and new with ==, which a Run's tensors cannot answer.
    The labels are made now, in the session's language (AppTest calls
    format_func outside the script run).
    """
    by_number = {r.number: r for r in reversed(trained_runs())}
    if not by_number:
        return None
    labels = {n: f"{r.name} · {status_text(r)}" for n, r in by_number.items()}
    number = st.selectbox(tr("run.picker"), list(labels), key=key, format_func=labels.get)
    return by_number.get(number)


def require_run(key: str, epochs: int = 5) -> Run | None:
    """The chosen usable run; or a prompt with a button that trains one right here."""
    run = pick_run(key)
    if run is None:
        st.info(tr("run.none"))
        if st.button(tr("run.train_here", epochs=epochs), key=f"{key}.train", type="primary"):
            bar = st.progress(0.0)
            cfg = TrainConfig(num_epochs=epochs, softmax="stable")
            done = run_training(cfg, lambda r: bar.progress(len(r.history) / epochs), st.empty())
            if done is not None:
                st.rerun()
        return None
    if not run.usable:
        st.warning(tr("run.diverged_unusable"))
        return None
    return run


def run_on_test_set(key: str):
    """(data, run, predictions on the 10,000 test images) for the chosen run.

    None after showing why not: no data set, no trained run yet, or a run
    that diverged. The weights are moved to the data's device first.
    """
    data = get_data()
    run = require_run(key) if data is not None else None
    if run is None:
        return None
    return data, run, predict_test_set(run.W, run.b, data)
