"""Training with a place in the server's queue: wait, train, always give the place back."""

from __future__ import annotations

import math
import time
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner_utils.exceptions import RerunException, StopException

from lib.config import TrainConfig
from lib.runs import Run
from lib.slots import AlreadyQueued, QueueFull
from lib.trainers import run_device, train
from ui import context, identity, lang, runs


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
    """Leave the queue (the Stop button, a page switch)."""
    pending = st.session_state.pop("pending", None)
    if pending:
        context.server().slots.leave(pending["ticket"])


def pending_config(page: str) -> TrainConfig | None:
    """The settings of a training that was waiting on `page` when a click interrupted it."""
    pending = st.session_state.get("pending")
    if pending and pending["page"] == page and context.server().slots.holds(pending["ticket"]):
        return pending["cfg"]
    return None


@contextmanager
def training_slot(wait_box, page: str, request, queue_key: str = "train.queue"):
    """Wait for a server slot, showing the place; always give the slot back.

    `request` is what the page needs to resume the work after a click
    (pending_config returns it): a TrainConfig, a measurement's config.

    A click while waiting keeps the place: Streamlit stops this script run
    (StopException with runner.fastReruns, RerunException without) and the next
    run resumes the place (see pending_config); a place that no run resumes is
    dropped when its lease ends. Stop, a page switch or a closed tab give it back
    at once. Raises QueueFull or AlreadyQueued when no place can be had.
    """
    slots = context.server().slots
    owner = identity.student_id()
    pending = st.session_state.get("pending")
    ticket, stored, started = None, False, False
    try:
        if pending and pending["page"] == page and slots.holds(pending["ticket"]):
            ticket = pending["ticket"]
        else:
            cancel_pending()
            # This tab's previous place, if its run is still stopping (a fast rerun
            # runs the new script while the old one winds down): ours to replace.
            ticket = slots.join(owner, replace=st.session_state.get("slot.ticket"))
        st.session_state["slot.ticket"] = ticket
        # Every Streamlit call, this write included, is where a click or a stop can
        # land: from the join on, the finally below gives the place back unless kept.
        st.session_state["pending"] = {"page": page, "cfg": request, "ticket": ticket}
        stored = True
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
            wait_box.info(lang.tr(queue_key, ahead=slots.ahead(ticket) + 1))
            time.sleep(0.2)
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


def in_slot(work, wait_box, page: str, request, queue_key: str = "train.queue") -> bool:
    """Run work() while holding a server slot; False (after saying why) when it could not.

    Every caller that trains or measures goes through here, so no caller can
    leak a place: training_slot gives it back whatever happens.
    """
    try:
        with training_slot(wait_box, page, request, queue_key):
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
    """Train in this session: wait for a server slot, keep every epoch in the session.

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
    number = max((r.number for r in runs.runs()), default=0) + 1
    run = Run(number=number, cfg=cfg, device=run_device(cfg))

    def work():
        runs.runs().append(run)
        for record in train(cfg, data):
            run.add(record)
            on_epoch(run)
            if not context.session_active():
                break  # the tab is gone: keep what was trained

    try:
        if not in_slot(work, wait_box, page, cfg):
            return None
    finally:
        if run.status == "running":
            run.status = "stopped"
        if not run.trained and run in runs.runs():
            runs.runs().remove(run)  # no epoch finished: nothing to keep
        elif run.trained:
            runs.save(run)  # once, when the run ends or is interrupted
    return run
