"""Training with a place in the server's queue: wait, train, always give the place back.

A run takes a place (the queue in front of the engine, lib/slots.py), then is
submitted to the engine (lib/engine.py), which trains it in turns, together
with the classmates' runs that share its seed and batch size, and hands this
session its records epoch by epoch. The pages that measure (many classes) take
a place of their own kind, one per training thread, and measure in the session.
"""

from __future__ import annotations

import math
import time
from contextlib import contextmanager, suppress

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from lib.config import TrainConfig
from lib.engine import Ticket
from lib.runs import Run
from lib.slots import AlreadyQueued, QueueFull
from lib.trainers import run_device
from ui import classroom, context, identity, lang, runs

# A waiting session asks for news (and redraws its place) at most once a second,
# then less often while nothing changes: 62 sessions redrawing every 0.2 s slowed
# the trainings 4x. A click while waiting lands within POLL_MAX_S.
POLL_S = 1.0
POLL_MAX_S = 2.0
POLL_GROWTH = 1.5
# While classmates train in the same cohort, a student's live chart is redrawn at most
# once per DRAW_GAP_S (its records all arrive; a redraw shows every epoch so far):
# 30 charts redrawn after every epoch cost the server more than the training itself
# (docs/load.md). While more than RUNS_PER_GAP runs train on the server, the gap grows
# with them (30 runs: 3 s): redrawing was 70 % of the sessions' work in a mixed class,
# and the sessions share the server's two cores and its GIL with the training threads.
# A run that trains alone on a quiet server is redrawn after every epoch.
DRAW_GAP_S = 1.0
RUNS_PER_GAP = 10


def paced(previous: float, changed: bool) -> float:
    """The next wait between polls: POLL_S after a change, else longer, up to POLL_MAX_S."""
    return POLL_S if changed else min(previous * POLL_GROWTH, POLL_MAX_S)


def _slots(kind: str):
    server = context.server()
    return server.slots if kind == "train" else server.measure_slots


class TabClosed(Exception):
    """The student's tab went away while waiting in the queue."""


def steps(cfg: TrainConfig, n: int = 60_000) -> int:
    """Minibatch steps of a run: its epochs times the minibatches of one epoch."""
    return cfg.num_epochs * math.ceil(n / cfg.batch_size)


def release_elsewhere(page: str) -> None:
    """Give back a waiting place kept for another page (the student moved on)."""
    pending = st.session_state.get("pending")
    if pending and pending["page"] != page:
        cancel_pending()


def cancel_pending() -> None:
    """Leave the queue and the engine (the Stop button, a page switch)."""
    pending = st.session_state.pop("pending", None)
    if pending:
        _slots(pending["kind"]).leave(pending["ticket"])
    waiting = st.session_state.pop("engine.pending", None)
    if waiting:
        waiting["ticket"].cancel()
    training = st.session_state.get("engine.ticket")
    if training is not None:  # its script run is stopping: the sidebar counts it no more
        training.cancel()


def _engine_ticket(page: str) -> Ticket | None:
    """This tab's run that waits in the engine for `page` (a click interrupted its wait)."""
    waiting = st.session_state.get("engine.pending")
    if waiting and waiting["page"] == page and context.server().engine.holds(waiting["ticket"]):
        return waiting["ticket"]
    return None


def pending_config(page: str) -> TrainConfig | None:
    """The settings of a training that was waiting on `page` when a click interrupted it."""
    pending = st.session_state.get("pending")
    if pending and pending["page"] == page and _slots(pending["kind"]).holds(pending["ticket"]):
        return pending["cfg"]
    ticket = _engine_ticket(page)
    return ticket.cfg if ticket else None


@contextmanager
def training_slot(wait_box, page: str, request, queue_key: str = "train.queue", kind="train"):
    """Wait for a server slot, showing the place; always give the slot back.

    `request` is what the page needs to resume the work after a click
    (pending_config returns it): a TrainConfig, a measurement's config.

    A click while waiting keeps the place: Streamlit stops this script run
    (StopException with runner.fastReruns, RerunException without) and the next
    run resumes the place (see pending_config); a place that no run resumes is
    dropped when its lease ends. Stop, a page switch or a closed tab give it back
    at once. Raises QueueFull or AlreadyQueued when no place can be had.
    `kind`: "train" (a place for a run in the engine) or "measure".
    """
    slots = _slots(kind)
    owner = identity.student_id()
    pending = st.session_state.get("pending")
    ticket, stored, started = None, False, False
    try:
        if (
            pending
            and pending["page"] == page
            and pending["kind"] == kind
            and slots.holds(pending["ticket"])
        ):
            ticket = pending["ticket"]
        else:
            cancel_pending()
            # This tab's previous place, if its run is still stopping (a fast rerun
            # runs the new script while the old one winds down): ours to replace.
            ticket = slots.join(owner, replace=st.session_state.get("slot.ticket"))
        st.session_state["slot.ticket"] = ticket
        # Every Streamlit call, this write included, is where a click or a stop can
        # land: from the join on, the finally below gives the place back unless kept.
        st.session_state["pending"] = {
            "page": page,
            "cfg": request,
            "ticket": ticket,
            "kind": kind,
        }
        stored = True
        pace, last_ahead = POLL_S, None
        while True:
            try:
                if slots.try_start(ticket):
                    break
            except KeyError:  # the place expired while this run stalled
                ticket = slots.join(owner)
                st.session_state["pending"]["ticket"] = ticket
                continue
            if not context.session_active():
                raise TabClosed
            # Redrawn on every pass on purpose: each st call is where a click or
            # Stop interrupts this loop.
            ahead = slots.ahead(ticket)
            wait_box.info(lang.tr(queue_key, ahead=ahead + 1))
            pace = paced(pace, changed=ahead != last_ahead)
            last_ahead = ahead
            time.sleep(pace)
        started = True
        st.session_state.pop("pending", None)
        wait_box.empty()
        yield
    except (RerunException, StopException):
        if stored and not started:
            ticket = None  # a click while waiting: the next run resumes it
        raise
    finally:
        if ticket is not None:
            slots.leave(ticket)  # (a stale "pending" is harmless: holds() is False)


def in_slot(
    work, wait_box, page: str, request, queue_key: str = "train.queue", kind: str = "train"
) -> bool:
    """Run work() while holding a server slot; False (after saying why) when it could not.

    Every caller that trains or measures goes through here, so no caller can
    leak a place: training_slot gives it back whatever happens.
    """
    try:
        with training_slot(wait_box, page, request, queue_key, kind):
            work()
        return True
    except QueueFull:
        st.error(lang.tr("train.queue_full"))
    except AlreadyQueued:
        st.warning(lang.tr("train.queue_elsewhere"))
    except TabClosed:
        pass
    return False


def refused(cfg: TrainConfig) -> str | None:
    """Why this run may not start on this server (None when it may)."""
    max_steps = context.server().max_steps
    if steps(cfg) > max_steps:
        return lang.tr("train.too_long", steps=steps(cfg), max_steps=max_steps)
    return None


def run_training(cfg: TrainConfig, on_epoch, wait_box, page: str = "train") -> Run | None:
    """Train in this session's name: a place, then the engine; keep every epoch in the session.

    on_epoch(run) is called after each epoch (the page draws there). Whatever
    interrupts the loop, the epochs done so far stay in the session's runs.
    """
    why_not = refused(cfg)
    if why_not:
        st.error(why_not)
        return None
    data = context.get_data()
    if data is None:
        return None
    run = Run(number=runs.next_number(), cfg=cfg, device=run_device(cfg))
    kept = runs.keeper()  # read now: after the header's Stop, the session can't be read
    try:
        if not in_slot(
            lambda: follow(cfg, data, run, on_epoch, wait_box, page), wait_box, page, cfg
        ):
            return None
    finally:
        end_run(run, kept)
    return run


def end_run(run: Run, kept: runs.Keeper) -> None:
    """Keep what was trained, however the run ended: done, broken down, the page's Stop,
    a click, a page switch, or Streamlit's own Stop in the page header (which leaves the
    script run stopped: every st call then raises StopException, so this makes none
    unless a message must be shown, and that one may be lost)."""
    if run.status == "running":
        run.status = "stopped"
    if not run.trained:
        if run in kept.held:
            kept.held.remove(run)  # no epoch finished: nothing to keep
        return
    problem = runs.keep(run, kept)  # once, when the run ends or is interrupted
    with suppress(StopException):  # stopped: a message can't be shown now
        if problem is not None:
            runs.tell(problem)
        else:
            classroom.run_not_posted(kept.class_code)  # a closed class: saved, not posted


def follow(cfg: TrainConfig, data, run: Run, on_epoch, wait_box, page: str) -> None:
    """Hand the run to the engine (or resume its ticket) and keep its records as they come.

    A click before the first record keeps the ticket for the next script run
    (the place in the engine survives, as a place in the queue does); after it,
    a click or Stop ends the run, which keeps what was trained.
    """
    engine = context.server().engine
    ticket = _engine_ticket(page)
    if ticket is None or ticket.cfg != cfg:
        ticket = engine.submit(
            identity.student_id(), cfg, data, replace=st.session_state.get("engine.ticket")
        )
    st.session_state["engine.ticket"] = ticket
    st.session_state["engine.pending"] = {"page": page, "ticket": ticket}
    pace, drawn, undrawn = POLL_S, float("-inf"), False
    try:
        while not ticket.finished or not ticket.records.empty():
            records = ticket.poll(DRAW_GAP_S if undrawn else pace)  # returns when a record comes
            pace = paced(pace, changed=bool(records))
            if records and run not in runs.runs():
                st.session_state.pop("engine.pending", None)
                runs.runs().append(run)
            for record in records:
                run.add(record)
            undrawn = undrawn or bool(records)
            drawing = undrawn and due(drawn, ticket, engine.load()[0])
            if drawing:
                on_epoch(run)
                drawn, undrawn = time.monotonic(), False
            # While waiting, redrawn on every pass on purpose: each st call is where a click
            # or Stop lands. While training, the chart's redraw is that call.
            if drawing or not run.trained:
                show_status(wait_box, ticket, started=run.trained)
            if not context.session_active():
                break  # the tab is gone: keep what was trained
        if undrawn:
            on_epoch(run)  # the last records came as the run ended
    except (RerunException, StopException):
        if not run.trained and engine.holds(ticket):
            ticket = None  # a click while waiting: the next script run resumes it
        raise
    finally:
        if ticket is not None:
            ticket.cancel()  # first: a no-op when it finished; no st call before it
            with suppress(StopException):  # the header's Stop: the session can't be read
                st.session_state.pop("engine.pending", None)
    if ticket.error and not ticket.cancelled:
        st.warning(lang.tr("train.engine_ended"))


def draw_gap(training: int) -> float:
    """Seconds between two redraws of a live chart while `training` runs train here."""
    return DRAW_GAP_S * max(1.0, training / RUNS_PER_GAP)


def due(drawn: float, ticket: Ticket, training: int) -> bool:
    """Whether the live chart is redrawn now: after every epoch of a run that trains alone
    while at most RUNS_PER_GAP runs train, else once per draw_gap; always at the end."""
    if ticket.finished or time.monotonic() - drawn >= draw_gap(training):
        return True
    return ticket.status().together == 0 and training <= RUNS_PER_GAP


def show_status(wait_box, ticket: Ticket, started: bool) -> None:
    """Waiting: how many start before this run; training: how many train with it."""
    status = ticket.status()
    one = ".one" if status.together == 1 else ""
    if not started:
        together = lang.tr(f"train.together_soon{one}", n=status.together)
        wait = lang.tr("train.engine_wait", ahead=status.ahead)
        wait_box.info(f"{wait} {together}" if status.together else wait)
    elif status.together and not ticket.finished:
        wait_box.caption(lang.tr(f"train.together{one}", n=status.together))
    else:
        wait_box.empty()
