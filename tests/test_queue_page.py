"""The training queue as a page meets it (AppTest): a place, reruns, Stop, a page switch,
one training per student, a full queue, the step budget, and stops that must not leak.

AppTest runs the script in this process, so every session shares the one queue of
`ui.context.server()` (a process-wide cache_resource). A test makes the server busy by holding
every slot itself (`busy`), watches the waiting session from a thread beside the run
(`beside`), and lets it go by giving the slots back. A click or a stop that lands while
the script runs is delivered the way the server delivers one: a request to the script
runner, which raises StopException (runner.fastReruns: a new run follows at once) or
RerunException at the script's next Streamlit call.

The `slots` fixture stretches the queue's lease for the test, so a place nobody gave back
stays visible instead of expiring, and gives back every ticket taken during the test, so
none survives into the next one (the assertions about leaks are made before that).
"""

from __future__ import annotations

import threading
import time
from contextlib import contextmanager

import pytest
import streamlit as st
from apptest_helpers import open_app, texts
from streamlit import config
from streamlit.runtime.scriptrunner import RerunData, get_script_run_ctx

from lib.i18n import t
from ui import context, identity, lang, training

needs_data = pytest.mark.usefixtures("real_data")  # fails, not skips, under REQUIRE_DATA=1
WAIT_S = 90  # the longest we wait for something the script run should do
QUERY = {"epochs": "1", "softmax": "stable", "seed": "5"}  # a short run for the tests that train
STUDENT = "test.student"  # session_state key: the name a test gives a session's student
FAST_RERUNS = config.get_option("runner.fastReruns")  # how a click during a run arrives


# ---- the shared queue, watched ----------------------------------------------------


@pytest.fixture(autouse=True)
def named_students(monkeypatch):
    """A session's student is the name the test put under STUDENT (else the app's own
    identity): the queue keys places by ui.identity.student_id(), however the app knows
    the student."""
    real = identity.student_id
    monkeypatch.setattr(identity, "student_id", lambda: st.session_state.get(STUDENT) or real())


@pytest.fixture
def slots(monkeypatch):
    """The server's queue, empty; records every join (and can act right after one)."""
    queue = context.server().slots
    assert queue.load() == (0, 0), f"a ticket survived an earlier test: {queue.load()}"
    real_join = queue.join
    queue.joins = []  # (owner, ticket) of every join that got a place
    queue.attempts = []  # owners of every join asked for, refused or not
    queue.after_join = None

    def join(owner, replace=None):
        queue.attempts.append(owner)
        ticket = real_join(owner, replace=replace)
        queue.joins.append((owner, ticket))
        if queue.after_join:
            queue.after_join(owner, ticket)
        return ticket

    monkeypatch.setattr(queue, "join", join)
    monkeypatch.setattr(queue, "lease_s", 3600.0)  # a forgotten place must not expire unseen
    try:
        yield queue
    finally:
        for _, ticket in queue.joins:
            queue.leave(ticket)
        for name in ("joins", "attempts", "after_join"):
            delattr(queue, name)


@pytest.fixture
def busy(slots):
    """Every slot of the server taken by someone else; `busy.free()` gives them back."""
    tickets = []
    for i in range(slots.capacity):
        tickets.append(slots.join(f"busy-{i}"))
        assert slots.try_start(tickets[-1])

    class Busy:
        @staticmethod
        def free():
            for ticket in tickets:
                slots.leave(ticket)

    try:
        yield Busy
    finally:
        Busy.free()


def wait_for(condition, what: str, stop: threading.Event | None = None) -> None:
    """Poll until condition() is true; fail after WAIT_S, or as soon as `stop` is set."""
    deadline = time.monotonic() + WAIT_S
    while not condition():
        if stop is not None and stop.is_set():
            raise AssertionError(f"the script run ended before: {what}")
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {WAIT_S} s: {what}")
        time.sleep(0.05)


@contextmanager
def beside(scenario, finally_do):
    """Run scenario(run_over) in a thread while the body runs the app; then re-raise
    what it raised. finally_do() runs when the scenario ends however it ends (give the
    slots back there, so a failing scenario cannot leave the script waiting)."""
    errors, run_over = [], threading.Event()

    def body():
        try:
            scenario(run_over)
        except BaseException as exc:  # noqa: BLE001 - reported in the test's thread
            errors.append(exc)
        finally:
            finally_do()

    thread = threading.Thread(target=body, daemon=True)
    thread.start()
    try:
        yield
    finally:
        run_over.set()
        thread.join(WAIT_S + 5)
    if errors:
        raise errors[0]
    assert not thread.is_alive(), "the scenario beside the run did not finish"


def ticket_of(slots, owner: str) -> int | None:
    tickets = [ticket for who, ticket in slots.joins if who == owner]
    return tickets[-1] if tickets else None


def waiting(slots, owner: str, place: int = 1) -> bool:
    """True while owner holds a waiting place with `place - 1` waiting in front of it.
    Only while `busy` holds every slot: a place held then cannot be running."""
    ticket = ticket_of(slots, owner)
    return (
        ticket is not None
        and slots.holds(ticket)
        and slots.load()[0] == slots.capacity
        and slots.ahead(ticket) == place - 1
    )


def request(kind: str, **rerun) -> None:
    """From inside the script run: a click (rerun with RerunData fields) or a stop arrives,
    as the server delivers it; it is raised at the script's next Streamlit call."""
    ctx = get_script_run_ctx()
    if kind == "stop":
        ctx.script_requests.request_stop()
    else:
        rerun.setdefault("query_string", ctx.query_string)
        rerun.setdefault("page_script_hash", ctx.page_script_hash)
        ctx.script_requests.request_rerun(RerunData(**rerun))


def page_hash(url_path: str) -> str:
    """From inside the script run: the script hash of the page at /url_path."""
    pages = get_script_run_ctx().pages_manager.get_pages()
    return next(h for h, info in pages.items() if info.get("url_pathname") == url_path)


@pytest.fixture
def hooks(monkeypatch):
    """Calls into the waiting loop: ui.context.session_active (asked on every pass while waiting)
    and ui.training.training_slot (entered once per script run that takes or resumes a place)."""

    class Hooks:
        on_wait = None  # called on each pass of the waiting loop, in the script thread
        entries = 0  # script runs that entered training_slot
        passes: list[int] = []  # the entry each waiting pass belonged to
        closed = False  # the tab is gone: session_active() says False

    real_slot = training.training_slot

    def session_active():
        Hooks.passes.append(Hooks.entries)
        if Hooks.on_wait:
            Hooks.on_wait()
        return not Hooks.closed

    def training_slot(*args, **kwargs):
        Hooks.entries += 1
        return real_slot(*args, **kwargs)

    Hooks.passes = []
    monkeypatch.setattr(context, "session_active", session_active)
    monkeypatch.setattr(training, "training_slot", training_slot)
    return Hooks


def enabled(button):
    """The Stop button as the page draws it while a run waits (it is disabled at rest, when a
    test prepares its click; its widget id is its key, so the prepared click is the same)."""
    button.proto.disabled = False
    return button


def prepared(at, click, undo):
    """The widget states AppTest would send for `click` (made now, sent later by a test)."""
    click()
    states = at._tree.get_widget_states()
    undo()
    return states


def click_while_waiting(
    at, slots, hooks, busy, owner, click, rerun, before_click=None, after_click=None
):
    """Press Train on a busy server, and while the session waits, `click` — delivered the
    way this server delivers a click during a script run (runner.fastReruns):

    - fast reruns (Streamlit's default, and .streamlit/config.toml): the waiting run is
      stopped at its next Streamlit call, and the click starts a new run at once;
      AppTest: the stop, then the next at.run() with click() applied;
    - otherwise: RerunException at the next Streamlit call of the same run, with
      rerun() (RerunData fields, made inside the script run) as the click's data.

    before_click() runs beside the waiting run just before the click; after_click(run_over)
    beside the click's run; then the busy slots are given back."""
    clicked = threading.Event()

    def deliver():
        if not clicked.is_set():
            clicked.set()
            if FAST_RERUNS:
                request("stop")
            else:
                request("rerun", **rerun())

    def waiting_run(run_over):
        wait_for(lambda: waiting(slots, owner), "the session waits", run_over)
        if before_click:
            before_click()
        hooks.on_wait = deliver
        if not FAST_RERUNS:
            wait_for(clicked.is_set, "the click is delivered", run_over)
            if after_click:
                after_click(run_over)

    if FAST_RERUNS:
        with beside(waiting_run, lambda: None):
            at.button(key="train.start").click().run()
        assert clicked.is_set()
        with beside(after_click or (lambda run_over: None), busy.free):
            click().run()
    else:
        with beside(waiting_run, busy.free):
            at.button(key="train.start").click().run()


# ---- a place in the queue ----------------------------------------------------------


@needs_data
def test_a_busy_server_shows_place_one_and_trains_when_the_slot_frees(
    slots, busy, hooks, monkeypatch
):
    shown = []
    real_tr = lang.tr
    monkeypatch.setattr(lang, "tr", lambda key, **f: shown.append((key, f)) or real_tr(key, **f))
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-first"
    seen = {}

    def scenario(run_over):
        wait_for(lambda: waiting(slots, "queue-first", place=1), "the session waits", run_over)
        wait_for(lambda: ("train.queue", {"ahead": 1}) in shown, "'number 1' shown", run_over)
        seen["load"] = slots.load()

    with beside(scenario, busy.free):
        at.button(key="train.start").click().run()
    assert not at.exception
    assert seen["load"] == (slots.capacity, 1)
    run = at.session_state["runs"][-1]
    assert run.status == "done" and run.epochs_run == 1
    assert slots.load() == (0, 0)
    assert "pending" not in at.session_state


@needs_data
def test_a_click_while_waiting_keeps_the_place(slots, busy, hooks):
    """The student changes the seed while waiting: the same ticket is resumed in front of
    someone who came later, and the run trains with the settings of the Train click."""
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-click"
    seed_changed = prepared(
        at,
        lambda: at.number_input(key="train.w.seed").set_value(99),
        lambda: at.number_input(key="train.w.seed").set_value(5),
    )
    seen = {}

    def before_click():
        seen["later"] = slots.join("queue-later")  # someone else queues behind it

    def after_click(run_over):
        wait_for(
            lambda: hooks.entries == 2 and hooks.passes[-1] == 2,
            "the click's run waits again",
            run_over,
        )
        seen["ahead"] = (slots.ahead(ticket_of(slots, "queue-click")), slots.ahead(seen["later"]))
        seen["load"] = slots.load()
        slots.leave(seen["later"])

    click_while_waiting(
        at,
        slots,
        hooks,
        busy,
        "queue-click",
        click=lambda: at.number_input(key="train.w.seed").set_value(99),
        rerun=lambda: {"widget_states": seed_changed},
        before_click=before_click,
        after_click=after_click,
    )
    assert not at.exception
    assert [who for who, _ in slots.joins if who == "queue-click"] == ["queue-click"]  # one ticket
    assert seen["ahead"] == (0, 1)  # still first, the later one still behind
    assert seen["load"] == (slots.capacity, 2)
    assert at.number_input(key="train.w.seed").value == 99  # the click itself took effect
    run = at.session_state["runs"][-1]
    assert run.status == "done" and run.cfg.seed == 5  # the settings the student queued with
    assert slots.load() == (0, 0) and "pending" not in at.session_state


@needs_data
def test_stop_while_waiting_gives_the_place_back(slots, busy, hooks):
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-stop"
    stop_clicked = prepared(at, lambda: enabled(at.button(key="train.stop")).click(), at.run)
    seen = {}

    def after_click(run_over):
        wait_for(
            lambda: not slots.holds(ticket_of(slots, "queue-stop")),
            "the place is given back",
            run_over,
        )
        seen["after"] = slots.load()

    click_while_waiting(
        at,
        slots,
        hooks,
        busy,
        "queue-stop",
        click=lambda: enabled(at.button(key="train.stop")).click(),
        rerun=lambda: {"widget_states": stop_clicked},
        before_click=lambda: seen.update(before=slots.load()),
        after_click=after_click,
    )
    assert not at.exception
    assert seen["before"] == (slots.capacity, 1) and seen["after"] == (slots.capacity, 0)
    assert not at.session_state["runs"]  # nothing trained
    assert "pending" not in at.session_state and slots.load() == (0, 0)


@needs_data
def test_a_page_switch_while_waiting_gives_the_place_back(slots, busy, hooks):
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-switch"
    seen = {}

    def after_click(run_over):
        wait_for(
            lambda: not slots.holds(ticket_of(slots, "queue-switch")),
            "the place is given back",
            run_over,
        )
        seen["after"] = slots.load()

    click_while_waiting(
        at,
        slots,
        hooks,
        busy,
        "queue-switch",
        click=lambda: at.switch_page("lessons/cross_entropy.py"),
        rerun=lambda: {"page_script_hash": page_hash("cross_entropy")},
        after_click=after_click,
    )
    assert not at.exception
    assert at.title[0].value == t("cross_entropy.title", "en")  # the other page ran
    assert seen["after"] == (slots.capacity, 0)
    assert "pending" not in at.session_state and slots.load() == (0, 0)


# ---- stops that land at the worst moment ------------------------------------------------


@needs_data
@pytest.mark.parametrize("when", ["right_after_join", "first_wait"])
def test_a_stop_right_after_entering_the_queue_leaks_nothing(slots, busy, hooks, when):
    """A stop that no new run follows (the session ends, Streamlit's own Stop) lands just
    after the place was taken: at the very next Streamlit call (a session_state write), or
    on the first waiting pass. A place no run knows of is given back at once; a waiting
    place may be kept for the next run, but no longer than the queue's lease."""
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-stopped"
    stopped = threading.Event()

    def stop_once(*_):
        if not stopped.is_set():
            stopped.set()
            request("stop")

    if when == "right_after_join":
        slots.after_join = lambda owner, ticket: owner == "queue-stopped" and stop_once()
    else:
        hooks.on_wait = stop_once
    at.button(key="train.start").click().run()
    assert stopped.is_set() and ticket_of(slots, "queue-stopped") is not None
    if when == "right_after_join":
        assert slots.load() == (slots.capacity, 0), "a place no run can resume was kept"
    else:
        slots.lease_s = 1.0  # (the fixture puts the real lease back)
        wait_for(lambda: slots.load() == (slots.capacity, 0), "the place is dropped")
    busy.free()
    assert slots.load() == (0, 0)


@needs_data
def test_a_click_right_after_entering_the_queue_leaks_nothing(slots, busy, hooks):
    """A click on another control lands just after the place was taken (before the page
    noted it): no place is left behind, and the student's next Train works."""
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-clicked"
    seed_changed = prepared(
        at,
        lambda: at.number_input(key="train.w.seed").set_value(99),
        lambda: at.number_input(key="train.w.seed").set_value(5),
    )
    clicked = threading.Event()

    def click_once(owner, ticket):
        if owner == "queue-clicked" and not clicked.is_set():
            clicked.set()
            if FAST_RERUNS:
                request("stop")
            else:
                request("rerun", widget_states=seed_changed)

    slots.after_join = click_once
    at.button(key="train.start").click().run()
    assert clicked.is_set() and not at.exception
    if FAST_RERUNS:  # the click's own run
        at.number_input(key="train.w.seed").set_value(99).run()
        assert not at.exception
    assert slots.load() == (slots.capacity, 0), "a place was left behind"
    busy.free()
    at.button(key="train.start").click().run()  # the student's next Train works
    assert not at.exception and t("train.queue_elsewhere", "en") not in texts(at)
    assert at.session_state["runs"][-1].status == "done"
    assert slots.load() == (0, 0)


@needs_data
def test_a_tab_closed_while_waiting_gives_the_place_back(slots, busy, hooks):
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-closed"

    def scenario(run_over):
        wait_for(lambda: waiting(slots, "queue-closed"), "the session waits", run_over)
        hooks.closed = True

    with beside(scenario, lambda: None):
        at.button(key="train.start").click().run()
    assert not at.exception and not at.session_state["runs"]
    assert slots.load() == (slots.capacity, 0)
    busy.free()
    assert slots.load() == (0, 0)


# ---- limits -------------------------------------------------------------------------------


@needs_data
def test_one_training_per_student_across_tabs(slots, busy, hooks):
    """Tab A of a student waits; tab B of the same student is refused with a message and
    takes no second place; when A's tab closes, nothing is left."""
    tab_a, tab_b = open_app(query=QUERY), open_app(query=QUERY)
    tab_a.session_state[STUDENT] = tab_b.session_state[STUDENT] = "same"
    a_done = threading.Event()

    def run_a():
        try:
            tab_a.button(key="train.start").click().run()
        finally:
            a_done.set()

    thread_a = threading.Thread(target=run_a, daemon=True)
    thread_a.start()
    try:
        wait_for(lambda: waiting(slots, "same"), "tab A waits", a_done)
        tab_b.button(key="train.start").click().run()
        assert not tab_b.exception
        assert [w.value for w in tab_b.warning] == [t("train.queue_elsewhere", "en")]
        assert slots.attempts.count("same") == 2 and len(slots.joins) == slots.capacity + 1
        assert slots.load() == (slots.capacity, 1)  # A's place only
    finally:
        hooks.closed = True  # A's tab goes away
        thread_a.join(WAIT_S)
    assert not thread_a.is_alive()
    busy.free()
    assert slots.load() == (0, 0)


@needs_data
def test_a_full_queue_says_so_and_takes_no_place(slots):
    others = [slots.join(f"full-{i}") for i in range(slots.max_waiting)]
    assert slots.load() == (0, slots.max_waiting)
    at = open_app(query=QUERY)
    at.session_state[STUDENT] = "queue-full"
    at.button(key="train.start").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [t("train.queue_full", "en")]
    assert slots.attempts[-1] == "queue-full" and ticket_of(slots, "queue-full") is None
    assert slots.load() == (0, slots.max_waiting) and not at.session_state["runs"]
    for ticket in others:
        slots.leave(ticket)
    assert slots.load() == (0, 0)


def test_a_run_over_the_step_budget_is_refused_before_queueing(slots):
    at = open_app(query={"epochs": "50", "batch": "32"})
    steps = 50 * 1875  # 50 epochs of 60,000 / 32 minibatches
    assert steps > context.server().max_steps
    at.button(key="train.start").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        t("train.too_long", "en", steps=steps, max_steps=context.server().max_steps)
    ]
    assert slots.attempts == [] and slots.load() == (0, 0)
    assert not at.session_state["runs"]
