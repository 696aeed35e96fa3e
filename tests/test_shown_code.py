"""The code a page shows is the code that ran: every function in a page's
"show the code" expander was actually called while the page made its result.

Each page runs once under a profiler that records every Python function
called (ui.context.show_code notes what it showed in session_state["_shown_code"]).
"""

import sys
import threading
from contextlib import contextmanager

import pytest
import streamlit as st
from apptest_helpers import open_app

from lib.trainers import train
from ui import context


@contextmanager
def calls():
    """The code objects of every Python function called meanwhile, in any thread."""
    seen = set()

    def profile(frame, event, arg):
        if event == "call":
            seen.add(frame.f_code)

    threading.setprofile(profile)
    sys.setprofile(profile)
    try:
        yield seen
    finally:
        sys.setprofile(None)
        threading.setprofile(None)


def resolve(name: str):
    """'lib.softmax.softmax_naive' -> the function object."""
    module, _, qualname = name.rpartition(".")
    while module not in sys.modules:  # a method: Class.method
        module, _, outer = module.rpartition(".")
        qualname = f"{outer}.{qualname}"
    obj = sys.modules[module]
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def shown_but_not_called(at, seen, shown=None) -> list[str]:
    shown = at.session_state["_shown_code"] if shown is None else shown
    assert shown, "the page showed no code"
    missing = []
    for name in shown:
        obj = resolve(name)
        if isinstance(obj, type):  # a class: the method that runs it (or builds it)
            obj = vars(obj).get("forward") or vars(obj).get("construct") or vars(obj)["__init__"]
        code = getattr(obj, "__code__", None)
        if code is None or code not in seen:
            missing.append(name)
    return missing


def run_page(page, runs=None, query=None, action=None):
    st.cache_data.clear()  # a cached result would hide the call that made it
    with calls() as seen:
        at = open_app(page=page, runs=runs, query=query)
        if action:
            action(at)
    assert not at.exception
    return at, seen


def click(key):
    return lambda at: at.button(key=key).click().run()


@pytest.mark.parametrize(
    "query", [{"epochs": "1", "softmax": "stable"}, {"epochs": "1", "softmax": "naive", "lr": "1"}]
)
def test_train_page_shows_what_trained(real_data, query, monkeypatch):
    # a new engine, started under the profiler, so its training threads are watched too;
    # they train in this process here (the profiler cannot see into a training process,
    # which runs these same functions: tests/test_trainer_process.py)
    monkeypatch.setenv("SOFTMAX_TRAIN_PROCESSES", "0")
    context.server().engine.shutdown()
    context.server.clear()
    at, seen = run_page("train", query=query, action=click("train.start"))
    shown = at.session_state["_shown_code"]
    assert "lib.trainers.stacked.stacked_loss" in shown  # the engine trained it in a cohort
    # The chapter's functions come first: what the same run calls when trained alone
    # (tests/test_stacked.py checks the numbers agree); the stacked ones ran on the page.
    cfg = at.session_state["runs"][-1].cfg
    with calls() as alone:
        list(train(cfg, real_data))
    not_run = shown_but_not_called(at, seen)
    assert shown_but_not_called(at, alone, shown=not_run) == []
    assert not [name for name in not_run if ".stacked." in name]
    if query["softmax"] == "naive":  # the breakdown's replay is shown when it ran
        assert "lib.trainers.loop.replay" in shown and "lib.softmax.softmax_naive" in shown
    else:
        assert "lib.softmax.softmax_naive" not in shown


@pytest.mark.parametrize("page", ["overflow", "cross_entropy"])
def test_math_pages(page):
    at, seen = run_page(page)
    assert shown_but_not_called(at, seen) == []


@pytest.mark.parametrize("page", ["per_class", "gallery", "decisions"])
def test_result_pages(real_data, trained_run, page):
    at, seen = run_page(page, runs=[trained_run])
    assert shown_but_not_called(at, seen) == []
