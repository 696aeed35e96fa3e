"""lib.trainer_process: the engine's turns trained in a process of their own.

A turn in a process is lib.trainers.stacked's math run elsewhere, so its records must
be the ones the same turn makes in the engine's thread: compared bit for bit (NaN
included), breakdowns and their diagnosis too. Then what only processes can do: die
(the turn fails, the engine keeps serving), be shut down, and start inside a Streamlit
server, whose __main__ is a page script that must not run again in the child.

Each TrainerProcess is a real spawned interpreter (a few seconds to import torch), so
the tests share processes where they can. The data: test_stacked's small synthetic set
(its MIX has runs that break down in epoch 1).
"""

import os
import signal
import sys
import threading
import types
from dataclasses import replace

import pytest
from helpers import collect
from test_stacked import DATA, MIX, figures

from lib.engine import Engine
from lib.trainer_process import TrainerProcess, TurnFailed
from lib.trainers import train
from lib.trainers.stacked import Cohort

POLLS = 2000  # a bound on each wait, in polls of 0.05 s (a process starts in seconds)


def records_of(engine: Engine, cfgs: list, start: bool = True) -> list[list]:
    """Every run's records; with start, all are submitted before the engine starts (so
    they make the same cohorts in any engine), which is shut down after."""
    tickets = [engine.submit(f"s{i}", c, DATA) for i, c in enumerate(cfgs)]
    if start:
        engine.start()
    out = [collect(ticket, POLLS) for ticket in tickets]
    assert not any(ticket.error for ticket in tickets), [t.error for t in tickets]
    if start:
        engine.shutdown()
    return out


@pytest.fixture(scope="module")
def process():
    process = TrainerProcess()
    yield process
    process.close()


def test_the_engine_with_processes_makes_the_records_it_makes_with_threads(monkeypatch):
    """Cohorts (one breaks down and is diagnosed in the process), another seed, and a
    torch.nn run that trains alone: the same figures and the same W, bit for bit."""
    cfgs = [*MIX, replace(MIX[0], seed=7), replace(MIX[0], framework="concise")]
    in_threads = records_of(Engine(workers=2, start=False), cfgs)

    def not_here(*args, **kwargs):
        raise AssertionError("trained in the server's process")

    monkeypatch.setattr(Cohort, "advance", not_here)  # the processes have their own
    monkeypatch.setattr("lib.trainers.concise.train_concise", not_here)
    in_processes = records_of(Engine(workers=2, start=False, processes=True), cfgs)
    assert any(r.broke_down for run in in_processes for r in run)
    for ours, theirs in zip(in_processes, in_threads):
        assert [figures(r) for r in ours] == [figures(r) for r in theirs]
        assert all(a.W.equal(b.W) or a.broke_down for a, b in zip(ours, theirs))
        assert [r.breakdown for r in ours] == [r.breakdown for r in theirs]


def test_a_cohort_turn_hands_back_its_state_and_goes_on_from_it(process):
    """Three turns in the process, the cohort kept by the caller in between, equal the
    run alone (a cohort of one is bit for bit the run alone: tests/test_stacked.py)."""
    cfg = MIX[3]
    cohort = Cohort(cfg, DATA)
    cohort.add("a", cfg)
    got = []
    while cohort.members:
        got += [record for _, record in process.turn(cohort)]
    assert cohort.epochs_done == cfg.num_epochs
    assert [figures(r) for r in got] == [figures(r) for r in train(cfg, DATA)]


def test_a_lone_run_keeps_its_trainer_in_its_process_between_turns(process):
    cfg = replace(MIX[0], framework="concise")
    got = [
        record
        for turns in range(cfg.num_epochs + 1)
        for _, record in process.lone_turn(1, "a", cfg, DATA, turns)
    ]
    assert [figures(r) for r in got] == [figures(r) for r in train(cfg, DATA)]
    other = TrainerProcess()  # a process that never made its trainer cannot go on with it
    try:
        with pytest.raises(TurnFailed, match="restarted"):
            list(other.lone_turn(2, "b", cfg, DATA, turns=1))
    finally:
        other.close()


def test_a_killed_process_fails_its_turn_and_the_next_turn_starts_a_new_one(process):
    cfg = MIX[3]
    cohort = Cohort(cfg, DATA)
    cohort.add("a", cfg)
    list(process.turn(cohort))  # epoch 0 and 1
    os.kill(process.pid, signal.SIGKILL)
    with pytest.raises(TurnFailed, match="ended"):
        list(process.turn(cohort))
    assert cohort.epochs_done == 1  # the failed turn changed nothing
    records = [record for _, record in process.turn(cohort)]  # a fresh process
    assert [r.epoch for r in records] == [2]
    assert figures(records[0]) == figures(list(train(cfg, DATA))[2])


def test_the_engine_ends_a_dead_process_s_runs_and_keeps_serving():
    engine = Engine(workers=1, processes=True)
    try:
        long = engine.submit("a", replace(MIX[3], num_epochs=200), DATA)
        assert any(long.poll(0.05) for _ in range(POLLS))  # it trains
        os.kill(engine._processes[0].pid, signal.SIGKILL)
        collect(long, POLLS)
        assert "training process ended" in long.error and not long.cancelled
        (after,) = records_of(engine, [MIX[3]], start=False)
        assert [r.epoch for r in after] == list(range(MIX[3].num_epochs + 1))
    finally:
        engine.shutdown()
    assert engine._processes[0].pid is None  # shut down with the engine


def test_a_page_script_as_main_is_not_run_again_in_the_process(tmp_path):
    """Streamlit runs each page script as __main__; spawn would run it again in the child.
    Here __main__ is a script that would kill the child: the turn still trains."""
    script = tmp_path / "page.py"
    script.write_text("raise SystemExit('a page script ran in the trainer')\n")
    page = types.ModuleType("__main__")
    page.__file__ = str(script)
    real = sys.modules["__main__"]
    sys.modules["__main__"] = page
    process = TrainerProcess()
    try:
        process.start()
        assert sys.modules["__main__"] is page  # put back as it was
        cohort = Cohort(MIX[3], DATA)
        cohort.add("a", MIX[3])
        assert [r.epoch for _, r in process.turn(cohort)] == [0, 1]
    finally:
        sys.modules["__main__"] = real
        process.close()


def test_the_engine_starts_its_processes_aside_so_the_first_page_does_not_wait(monkeypatch):
    """The first start of a training process takes seconds (the forkserver imports torch);
    the engine is made during a student's first page, so it starts them on a thread of
    its own, not on the thread that makes it."""
    callers, both = [], threading.Event()

    def start(process):
        callers.append(threading.current_thread().name)
        if len(callers) == 2:
            both.set()

    monkeypatch.setattr(TrainerProcess, "start", start)
    engine = Engine(workers=2, processes=True)
    assert both.wait(30)
    engine.shutdown()
    assert callers == ["engine-start", "engine-start"]
