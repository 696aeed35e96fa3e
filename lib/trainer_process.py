"""A training thread's own process: its turns run there, outside the server's GIL.

Why. Python runs one thread's bytecode at a time (the GIL). A turn of a cohort
is hundreds of small torch calls, each dispatched from Python, so two training
threads in one process get in each other's way, and the sessions that draw
students' live charts get in the way of both. Measured on the 2-core machine
(bench/live_redraws.py, docs/benchmarks.md, 2026-12-06): two threads, each training
a cohort for 4 epochs, took 1.25 s, and 2.68 s while 30 sessions redrew live charts;
the same in two training processes 1.02 s, and 1.31 s beside the same sessions.

So each of the engine's training threads (lib/engine.py) can hand its turns to a
process of its own. A cohort stays the engine's: its state (every member's W and b,
the generator, the epochs done; lib.trainers.stacked.Cohort.__getstate__) goes to the
process for the turn, the records come back one by one as the process makes them,
and the new state comes back at the end of the turn, so any thread's process can
train its next turn. A run that trains alone (torch.nn, MindSpore) is a trainer that
cannot travel (a generator), so it stays in the process of its first turn. The math
is the trainers', unchanged: the same records as a turn in the thread.

The data (Fashion-MNIST, ~220 MB) goes once per process, in shared memory
(torch.multiprocessing), not copied. Records and states are pickled by value
(a cohort of 12 lanes is ~0.4 MB; an epoch takes ~0.7 s).

    process = TrainerProcess()
    for run_id, record in process.turn(cohort):  # as cohort.advance(), elsewhere
        ...
    process.close()

A process comes from multiprocessing's forkserver (see START), which imports this
module, not the parent's __main__ (see _without_main).

A process that dies (killed, out of memory) fails the turn it was in with a
TurnFailed; the next turn starts a fresh one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import pickle
import sys
import threading
import traceback
import types
from collections.abc import Iterator

import torch
import torch.multiprocessing  # noqa: F401  (registers the shared-memory pickling of tensors)

from lib.config import TrainConfig
from lib.data import FashionMNIST
from lib.trainers.contract import EpochRecord, trainer
from lib.trainers.stacked import Cohort

# How a process starts. Not fork: it would copy the server's threads and their locks.
# forkserver: one fresh interpreter imports torch and this module once, then forks each
# training process from itself, so they share those pages (measured: the server and two
# training processes took 1359 MB of memory in all, PSS, against 1610 MB with spawn,
# where each imports torch again). spawn where there is no forkserver.
START = "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
if START == "forkserver":
    multiprocessing.get_context(START).set_forkserver_preload([__name__])
_MAIN_SWAP = threading.Lock()  # one child start at a time: _without_main swaps a global


class TurnFailed(RuntimeError):
    """The process could not train the turn (an error there, or it died)."""


class TrainerProcess:
    """One child process that trains one engine thread's turns (cohorts' and lone runs'),
    one at a time."""

    def __init__(self):
        self._proc = None
        self._conn = None
        self._data: dict[int, FashionMNIST] = {}  # what the live process holds, by id
        self._sending = threading.Lock()  # a drop() may come while a turn is being sent
        self._starting = threading.RLock()  # the engine's early start, a turn, a close

    def turn(self, cohort: Cohort) -> Iterator[tuple[object, EpochRecord]]:
        """cohort.advance() in the process: (run_id, record) as they come; the cohort
        takes the trained state when the turn ends. TurnFailed if it cannot."""
        state = yield from self._exchange(cohort.source, ("turn", pickle.dumps(cohort)))
        cohort.take_state(state)

    def lone_turn(
        self, key: int, run_id, cfg: TrainConfig, data: FashionMNIST, turns: int
    ) -> Iterator[tuple[object, EpochRecord]]:
        """The next record of a run that trains alone (lib.trainers.trainer(cfg.framework)),
        whose trainer this process keeps between turns under `key`; `turns`: how many
        turns it had (0: make its trainer here)."""
        yield from self._exchange(data, ("lone", (key, run_id, cfg, turns)))

    def drop(self, key: int) -> None:
        """The lone run `key` is over: its trainer here goes."""
        conn = self._conn
        if conn is not None:
            with contextlib.suppress(OSError), self._sending:
                conn.send(("drop", None, key))

    def start(self) -> None:
        """Start the process unless it runs (the first start takes seconds: the forkserver
        imports torch); the engine calls it early from a thread of its own, so that the
        first turn finds it ready, and a turn calls it again (waiting for that start)."""
        with self._starting:
            if self._proc is not None and not self._proc.is_alive():
                self.close()
            if self._proc is None:
                self._start()

    def _start(self) -> None:
        context = multiprocessing.get_context(START)
        self._conn, child = context.Pipe()
        self._proc = context.Process(
            target=serve,
            args=(child, torch.get_num_threads()),
            name="softmax-trainer",
            daemon=True,
        )
        with _MAIN_SWAP, _without_main():
            self._proc.start()
        child.close()

    def close(self) -> None:
        """End the process (its next turn starts a new one)."""
        with self._starting:  # not while it is being started
            proc, conn, self._proc, self._conn = self._proc, self._conn, None, None
            self._data = {}
        if conn is not None:
            with contextlib.suppress(OSError), self._sending:
                conn.send(None)
            conn.close()
        if proc is not None:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()

    @property
    def pid(self) -> int | None:
        return None if self._proc is None else self._proc.pid

    def _exchange(self, data: FashionMNIST, request: tuple):
        """Send a request, pass its records on as they come; returns what ends it."""
        try:
            conn = self._ready(data)
            with self._sending:
                conn.send((request[0], id(data), request[1]))
            while True:
                kind, *payload = pickle.loads(conn.recv_bytes())
                if kind == "record":
                    yield tuple(payload)
                elif kind == "end":
                    return payload[0]
                else:
                    raise TurnFailed(payload[0])
        except (EOFError, OSError) as exc:  # the process died, or its pipe broke
            self.close()
            raise TurnFailed(f"the training process ended ({type(exc).__name__})") from exc
        except GeneratorExit:  # the reader stopped early: the pipe holds the rest
            self.close()
            raise

    def _ready(self, data: FashionMNIST):
        """The live process's pipe, the process started and given `data` if need be."""
        self.start()
        if id(data) not in self._data:
            with self._sending:
                self._conn.send(("data", id(data), data.to("cpu")))  # into shared memory, once
            self._data[id(data)] = data  # kept: its id is not reused while the process lives
        return self._conn


@contextlib.contextmanager
def _without_main():
    """Start a child that does not run the parent's __main__ again.

    spawn and forkserver re-import the parent's main module in the child
    (multiprocessing's "safe importing of main module"). In a Streamlit server that
    module is the page script (Streamlit runs each script as __main__), which must not
    run in the trainer. While the child is being started (milliseconds) __main__ is a
    bare module; if Streamlit put another script's module there meanwhile, that one
    stays.
    """
    main, bare = sys.modules["__main__"], types.ModuleType("__main__")
    sys.modules["__main__"] = bare
    try:
        yield
    finally:
        if sys.modules.get("__main__") is bare:
            sys.modules["__main__"] = main


def serve(conn, threads: int) -> None:
    """The process: receive requests, train, send records and what ends each back.

    `threads`: the server's torch thread count (OMP_NUM_THREADS, app.py), so that a
    matmul adds its products in the same order here as it would in the server.
    """
    if torch.get_num_threads() != threads:
        torch.set_num_threads(threads)
    datasets: dict = {}  # token -> the data; (token, device) -> its copy there
    lone: dict[int, Iterator[EpochRecord]] = {}  # key -> a lone run's trainer
    while True:
        try:
            message = conn.recv()
        except EOFError:  # the server is gone
            return
        if message is None:
            return
        kind, token, payload = message
        if kind == "data":
            datasets[token] = payload
        elif kind == "drop":
            trainer_of = lone.pop(payload, None)
            if trainer_of is not None:
                trainer_of.close()
        else:
            try:
                for item in _train(kind, datasets, token, payload, lone):
                    conn.send_bytes(pickle.dumps(item))
            except OSError:  # the server is gone (its end of the pipe closed)
                return
            except Exception as exc:  # reported to the engine, which ends the turn's runs
                traceback.print_exc()
                try:
                    conn.send_bytes(pickle.dumps(("error", f"{type(exc).__name__}: {exc}")))
                except OSError:
                    return


def _train(kind: str, datasets: dict, token: int, payload, lone: dict):
    """One request's replies: ("record", run_id, record)..., then ("end", result)."""
    if kind == "turn":
        cohort = pickle.loads(payload)
        if (token, cohort.device) not in datasets:  # e.g. a copy on the GPU, once
            datasets[token, cohort.device] = datasets[token].to(cohort.device)
        cohort.data = datasets[token, cohort.device]
        for run_id, record in cohort.advance():
            yield "record", run_id, record
        cohort.data = None
        yield "end", cohort
    elif kind == "lone":
        key, run_id, cfg, turns = payload
        if key not in lone:
            if turns:  # this process is not the one that trained its first turns
                raise TurnFailed("the training process was restarted: the run cannot go on")
            lone[key] = trainer(cfg.framework)(cfg, datasets[token])
        record = next(lone[key], None)
        if record is None:
            del lone[key]
        else:
            yield "record", run_id, record
        yield "end", None
    else:
        raise ValueError(f"unknown request {kind!r}")
