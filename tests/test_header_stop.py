"""Streamlit's own Stop (the page header's) during a training keeps the run.

That Stop asks the script runner to stop and no new script run follows; the stop
request stays, so every later st call, st.session_state included, raises
StopException again. The run's finished epochs must still reach the store (and so the
class board), the engine's ticket must be cancelled, and nothing may be left running.
The stop is delivered the way the server delivers it: ctx.script_requests.request_stop()
from inside the script run (tests/test_queue_page.py does the same for clicks).
"""

from __future__ import annotations

import pytest
import streamlit as st
from apptest_helpers import open_app
from streamlit.runtime.scriptrunner import get_script_run_ctx
from test_page_class_board import join, start_class, table

from lib.i18n import t
from ui import context, training

QUERY = {"epochs": "20", "batch": "256", "softmax": "stable", "seed": "3"}


@pytest.fixture
def stop_after_first_epoch(monkeypatch):
    """Press the header's Stop once the running script's run has its first epoch."""
    seen = {}
    real_follow = training.follow

    def follow(cfg, data, run, on_epoch, wait_box, page):
        def on_epoch_then_stop(r):
            on_epoch(r)
            if r.epochs_run >= 1 and not seen:
                seen["epochs"] = r.epochs_run
                seen["ticket"] = st.session_state["engine.ticket"]
                get_script_run_ctx().script_requests.request_stop()

        return real_follow(cfg, data, run, on_epoch_then_stop, wait_box, page)

    monkeypatch.setattr(training, "follow", follow)
    return seen


@pytest.mark.usefixtures("real_data")
def test_the_header_stop_keeps_the_run_in_the_store_and_ends_its_training(
    stop_after_first_epoch,
):
    at = open_app(query=QUERY)
    at.button(key="train.start").click().run()
    assert not at.exception
    assert stop_after_first_epoch, "the run never trained an epoch"
    ticket = stop_after_first_epoch["ticket"]
    assert ticket.cancelled and not context.server().engine.holds(ticket)
    assert context.server().engine.load() == (0, 0)  # the sidebar's "running" drops to 0
    held = at.session_state["runs"]
    assert len(held) == 1 and held[0].status == "stopped"
    assert 1 <= held[0].epochs_run < 20
    stored = context.store().runs(at.session_state["identity"])
    assert [(r.id, r.status, r.epochs_run) for r in stored] == [
        (held[0].id, "stopped", held[0].epochs_run)
    ]


@pytest.mark.usefixtures("real_data")
def test_the_header_stop_keeps_a_class_members_run_on_the_class_board(stop_after_first_epoch):
    """Issue 18: a member's run stopped by the header's Stop is posted to the class board
    with the epochs it finished (the stopped script run can't read the membership then:
    the keeper read it before training)."""
    teacher, code, _ = start_class("header stop")
    student = join(code, "Ada")
    student.switch_page("lessons/train.py").run()
    student.query_params.update(QUERY)
    student.run()
    student.button(key="train.start").click().run()
    assert not student.exception
    assert stop_after_first_epoch, "the run never trained an epoch"
    (held,) = student.session_state["runs"]
    assert held.status == "stopped" and 1 <= held.epochs_run < 20
    # the query the board page reads (lessons/class_board.py: board_state), then its curves'
    posted = context.store().class_runs(code, history=False)
    assert [(b.run_id, b.student, b.status, b.epochs_run) for b in posted] == [
        (held.id, "Ada", "stopped", held.epochs_run)
    ]
    assert posted[0].test_acc == held.history[-1]["test_acc"]
    assert context.store().class_histories(code, [held.id]) == {held.id: held.history}
    frame = table(teacher.run())  # and the teacher's board shows it
    assert list(frame[["student", "status", "epochs_run"]].itertuples(index=False, name=None)) == [
        ("Ada", t("status.stopped", "en"), held.epochs_run)
    ]


@pytest.mark.usefixtures("real_data")
def test_a_stopped_script_run_cannot_read_the_session(stop_after_first_epoch, monkeypatch):
    """Why keeping the run reads nothing of the session: after the header's Stop, a read of
    st.session_state raises StopException (had Streamlit changed that, the test says so)."""
    raised = {}
    real_end = training.end_run

    def end_run(run, kept):
        try:
            st.session_state.get("runs")
        except BaseException as exc:  # noqa: BLE001 - the kind is what the test checks
            raised["kind"] = type(exc).__name__
        real_end(run, kept)

    monkeypatch.setattr(training, "end_run", end_run)
    at = open_app(query=QUERY)
    at.button(key="train.start").click().run()
    assert raised == {"kind": "StopException"}
