"""lib.engine.Engine: the server's trainer, which trains a class's runs together.

Small synthetic data (tests/helpers.py) so every test runs in the fast tier;
the engine's workers are real threads.
"""

import threading

import pytest
import torch
from helpers import FakeClock, collect, synthetic

from lib.config import TrainConfig
from lib.engine import CATCH_UP, MAX_SHARES, Engine, Status, _Unit
from lib.slots import AlreadyQueued, QueueFull
from lib.trainers import train

DATA = synthetic(n_train=600, n_test=100)


def cfg(**kw):
    return TrainConfig(**{"batch_size": 64, "num_epochs": 2, "device": "cpu", **kw})


@pytest.fixture
def engine():
    engine = Engine(workers=2)
    yield engine
    engine.shutdown()


def test_each_run_gets_its_own_records_as_if_alone(engine):
    cfgs = [cfg(lr=0.1), cfg(lr=0.03, softmax="stable"), cfg(lr=0.1, num_epochs=3)]
    tickets = [engine.submit(f"s{i}", c, DATA) for i, c in enumerate(cfgs)]
    for c, ticket in zip(cfgs, tickets):
        got, alone = collect(ticket), list(train(c, DATA))
        assert [r.epoch for r in got] == list(range(c.num_epochs + 1))
        assert float((got[-1].W - alone[-1].W).abs().max()) <= 1e-5
        assert round(got[-1].test_acc, 3) == round(alone[-1].test_acc, 3)
    assert engine.load() == (0, 0)


def test_runs_of_one_seed_wait_together_and_train_as_one_cohort():
    engine = Engine(workers=1, start=False)  # nobody trains until start(): all arrive first
    tickets = [engine.submit(f"s{i}", cfg(lr=lr), DATA) for i, lr in enumerate((0.1, 0.3, 1.0))]
    lone = engine.submit("other-seed", cfg(seed=7), DATA)
    assert [t.status().together for t in tickets] == [2, 2, 2]
    assert lone.status().together == 0 and lone.status().ahead == 1 and lone.status().waiting
    assert engine.load() == (0, 4)
    engine.start()
    try:
        for ticket in [*tickets, lone]:
            assert collect(ticket)[-1].epoch >= 1
    finally:
        engine.shutdown()


def test_a_nan_in_one_run_leaves_the_others_untouched(engine):
    broken = engine.submit("a", cfg(lr=1e3, softmax="naive"), DATA)
    fine = engine.submit("b", cfg(lr=0.1, softmax="stable"), DATA)
    records = collect(broken)
    assert records[-1].breakdown is not None
    assert records[-1].breakdown.cause == list(train(cfg(lr=1e3), DATA))[-1].breakdown.cause
    got, alone = collect(fine), list(train(cfg(lr=0.1, softmax="stable"), DATA))
    assert torch.isfinite(got[-1].W).all()
    assert float((got[-1].W - alone[-1].W).abs().max()) <= 1e-6


def test_stop_takes_one_run_out_and_the_others_go_on(engine):
    stopped = engine.submit("a", cfg(num_epochs=50), DATA)
    other = engine.submit("b", cfg(num_epochs=3), DATA)
    while not stopped.poll(0.05):  # wait for its first record
        pass
    stopped.cancel()
    assert stopped.finished and stopped.cancelled
    got = collect(other)
    assert [r.epoch for r in got] == [0, 1, 2, 3]
    alone = list(train(cfg(num_epochs=3), DATA))
    assert float((got[-1].W - alone[-1].W).abs().max()) <= 1e-6


def test_torch_nn_runs_train_alone_through_the_same_turns(engine):
    concise = engine.submit("a", cfg(framework="concise"), DATA)
    scratch = engine.submit("b", cfg(), DATA)
    assert concise.status().together == 0
    got = collect(concise)
    assert [r.epoch for r in got] == [0, 1, 2]
    assert torch.equal(got[-1].W, list(train(cfg(framework="concise"), DATA))[-1].W)
    assert collect(scratch)[-1].epoch == 2


def step(engine: Engine):
    """One turn, as a training thread takes it (for tests that drive the engine by hand)."""
    with engine._lock:
        unit = engine._next_unit()
        if unit is None:
            return None
        unit.busy = True
    engine._turn(unit)
    return unit


def test_a_big_cohort_goes_more_often_but_a_lone_run_is_not_starved(monkeypatch):
    """Every turn "takes" one second of the engine's clock: a cohort of ten runs is
    served MAX_SHARES times as often as a lone run, which still gets its turns."""
    clock = FakeClock()
    real_advance = _Unit.advance

    def advance(unit, process=None):
        clock.now += 1.0
        yield from real_advance(unit, process)

    monkeypatch.setattr(_Unit, "advance", advance)
    engine = Engine(workers=1, clock=clock, lease_s=1e9, start=False)  # nobody polls here
    big = [engine.submit(f"s{i}", cfg(num_epochs=30), DATA) for i in range(10)]
    lone = engine.submit("lone", cfg(seed=3, num_epochs=3), DATA)
    lone_unit, order = engine._unit_of(lone), []
    while (unit := step(engine)) is not None:
        order.append("lone" if unit is lone_unit else "big")
    assert order.count("lone") == 3 and order.count("big") == 30
    lone_turns = [i for i, who in enumerate(order) if who == "lone"]
    gaps = [b - a - 1 for a, b in zip(lone_turns, lone_turns[1:])]  # big turns in between
    assert gaps == [MAX_SHARES, MAX_SHARES]  # the cohort's 10 runs count as MAX_SHARES
    assert lone_turns[0] <= 1  # it starts at once, level with the cohort
    assert all(t.finished for t in [*big, lone]) and engine.load() == (0, 0)


def test_a_late_cohort_catches_up_and_merges_with_the_class():
    """A run that comes while its classmates are in epoch 2 trains first (they wait, as
    nothing else is there) until it is at their epoch; then the two train as one, and it
    still gets exactly its own records."""
    engine = Engine(workers=1, start=False)
    early = engine.submit("early", cfg(lr=0.1, num_epochs=6), DATA)
    step(engine), step(engine)  # epochs 0-1, then 2
    late = engine.submit("late", cfg(lr=0.3, num_epochs=6), DATA)
    first, second = engine._unit_of(early), engine._unit_of(late)
    assert first is not second and first.cohort.epochs_done == 2
    assert step(engine) is second and step(engine) is second  # catching up: epochs 0-1, 2
    assert first.cohort.epochs_done == 2 and second.cohort.epochs_done == 2
    merged = step(engine)
    assert engine._unit_of(early) is merged is engine._unit_of(late)
    assert late.status().together == 1 and merged.cohort.epochs_done == 3
    while step(engine) is not None:
        pass
    for ticket in (early, late):
        got, alone = collect(ticket), list(train(ticket.cfg, DATA))
        assert [r.epoch for r in got] == list(range(7))
        assert float((got[-1].W - alone[-1].W).abs().max()) <= 1e-5


def test_a_cohort_far_ahead_does_not_wait_for_a_late_one():
    engine = Engine(workers=1, start=False)
    early = engine.submit("early", cfg(lr=0.1, num_epochs=20), DATA)
    for _ in range(CATCH_UP + 1):
        step(engine)
    late = engine.submit("late", cfg(lr=0.3, num_epochs=20), DATA)
    assert not engine._catching_up(engine._unit_of(early))
    engine._unit_of(late).service = engine._unit_of(early).service + 1  # the early one is due
    assert step(engine) is engine._unit_of(early)  # it trains on; the two stay apart


def test_one_place_per_student_and_a_queue_cap():
    engine = Engine(workers=1, max_waiting=2, start=False)
    first = engine.submit("s", cfg(), DATA)
    with pytest.raises(AlreadyQueued):
        engine.submit("s", cfg(), DATA)  # a second tab
    again = engine.submit("s", cfg(lr=0.3), DATA, replace=first)  # the same tab, Train again
    assert first.finished and not engine.holds(first) and engine.holds(again)
    engine.submit("t", cfg(), DATA)
    with pytest.raises(QueueFull):
        engine.submit("u", cfg(), DATA)
    engine.shutdown()


def test_a_vanished_tab_gives_its_place_back():
    clock = FakeClock()
    engine = Engine(workers=1, lease_s=15, clock=clock, start=False)
    ticket = engine.submit("s", cfg(), DATA)
    clock.now += 16  # nobody polled for longer than the lease
    engine.submit("t", cfg(), DATA)  # any call looks at the leases
    assert ticket.finished and ticket.cancelled and not engine.holds(ticket)
    engine.shutdown()


def test_shutdown_ends_every_ticket_and_keeps_what_was_trained():
    engine = Engine(workers=1)
    ticket = engine.submit("s", cfg(num_epochs=200), DATA)
    while not ticket.poll(0.05):
        pass
    engine.shutdown()
    assert ticket.finished and ticket.error and not ticket.cancelled
    assert engine.load() == (0, 0)
    with pytest.raises(QueueFull):
        engine.submit("t", cfg(), DATA)


def test_a_failing_turn_ends_its_runs_and_the_engine_keeps_serving(engine, monkeypatch):
    bad = engine.submit("a", cfg(framework="concise"), DATA)
    bad_unit = engine._unit_of(bad)

    def explode():
        raise RuntimeError("device lost")
        yield

    bad_unit.records = explode()  # its trainer, as if made at its first turn
    collect(bad)
    assert bad.error and "device lost" in bad.error
    assert collect(engine.submit("b", cfg(), DATA))[-1].epoch == 2


def test_a_class_with_one_setting_is_one_cohort_of_one_lane():
    """Students with the same settings add no work: they all join the first cohort."""
    engine = Engine(workers=2, start=False)
    tickets = [engine.submit(f"s{i}", cfg(lr=0.1), DATA) for i in range(6)]
    tickets.append(engine.submit("other", cfg(lr=0.3), DATA))
    unit = engine._unit_of(tickets[0])
    assert all(engine._unit_of(t) is unit for t in tickets[:6])
    assert unit.cohort.width() == 1 and tickets[0].status().together == 5
    engine.start()
    try:
        last = [collect(t)[-1] for t in tickets]
        assert len({r.test_acc for r in last[:6]}) == 1 and last[6].epoch == 2
    finally:
        engine.shutdown()


def test_workers_must_be_positive():
    with pytest.raises(ValueError):
        Engine(workers=0, start=False)
    assert threading.active_count() >= 1


def test_a_class_of_six_settings_fills_one_cohort_per_training_thread():
    engine = Engine(workers=2, start=False)
    lrs = [0.01, 0.03, 0.1, 0.3, 0.05, 0.2]
    tickets = [engine.submit(f"s{i}", cfg(lr=lr), DATA) for i, lr in enumerate(lrs)]
    units = {id(engine._unit_of(t)) for t in tickets}
    assert len(units) == 2 and [t.status().together for t in tickets] == [2] * 6
    engine.start()
    try:
        for ticket in tickets:
            assert collect(ticket)[-1].epoch == 2
    finally:
        engine.shutdown()


def test_a_class_stays_one_cohort_while_lone_runs_keep_the_other_threads_busy():
    """Two lone runs (another seed, torch.nn) are work for both threads already; six
    settings of the class then make one wide cohort, not two narrow ones that would each
    pay an epoch's fixed cost."""
    engine = Engine(workers=2, start=False)
    lone = [
        engine.submit("seed", cfg(seed=7), DATA),
        engine.submit("nn", cfg(framework="concise"), DATA),
    ]
    lrs = [0.01, 0.03, 0.1, 0.3, 0.05, 0.2]
    tickets = [engine.submit(f"s{i}", cfg(lr=lr), DATA) for i, lr in enumerate(lrs)]
    assert len({id(engine._unit_of(t)) for t in tickets}) == 1
    assert engine._unit_of(tickets[0]).cohort.width() == 6
    engine.start()
    try:
        for ticket in tickets + lone:
            assert collect(ticket)[-1].epoch == 2
    finally:
        engine.shutdown()


class _FakeTicket:
    def __init__(self, finished=False, together=0):
        self.finished, self._together = finished, together

    def status(self):
        return Status(False, 0, self._together)


def test_a_live_chart_is_redrawn_every_epoch_alone_and_at_most_once_a_gap_in_a_cohort(
    monkeypatch,
):
    from ui import training

    now = [100.0]
    monkeypatch.setattr(training.time, "monotonic", lambda: now[0])
    just_drawn = now[0] - training.DRAW_GAP_S / 10
    few, many = training.RUNS_PER_GAP, 3 * training.RUNS_PER_GAP
    assert training.due(just_drawn, _FakeTicket(together=0), few)  # alone: every epoch
    assert not training.due(just_drawn, _FakeTicket(together=12), few)  # with classmates: wait
    assert training.due(now[0] - training.DRAW_GAP_S, _FakeTicket(together=12), few)
    assert training.due(just_drawn, _FakeTicket(finished=True, together=12), many)  # the end
    # a busy server: the gap grows with the runs training (30 runs: 3 gaps), alone too
    assert training.draw_gap(many) == 3 * training.DRAW_GAP_S
    assert not training.due(just_drawn, _FakeTicket(together=0), many)
    assert not training.due(now[0] - 2 * training.DRAW_GAP_S, _FakeTicket(together=12), many)
    assert training.due(now[0] - 3 * training.DRAW_GAP_S, _FakeTicket(together=0), many)


def test_lone_runs_spread_over_the_training_processes_and_stay_in_theirs():
    """A torch.nn run's trainer cannot travel: it stays in the process of its first turn
    (its home), and a new one goes to a process that holds no more of them than the
    others. Plain objects stand for the processes: only the choice is tested here."""
    engine = Engine(workers=2, start=False)
    a, b = engine._processes = [object(), object()]
    first, second = (engine.submit(f"s{i}", cfg(framework="concise"), DATA) for i in range(2))
    unit = engine._next_unit(a)
    assert unit is engine._unit_of(first)
    unit.home, unit.busy = a, True  # as its first turn in a's process does
    assert engine._next_unit(a) is None  # a holds one lone run, b none: the next waits for b
    assert engine._next_unit(b) is engine._unit_of(second)
    unit.busy = False
    assert engine._next_unit(b) is engine._unit_of(second)  # first stays in a
    assert engine._next_unit(a) is unit
