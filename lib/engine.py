"""The server's trainer: one engine per process trains every student's runs.

Runs arrive (submit), wait, and train in turns of one epoch. Runs that share
what makes batching exact (lib.trainers.stacked.cohort_key: seed, batch size,
init_std, device, the from-scratch framework) are trained together as one
stacked model, a *cohort*; every other run (another framework) trains alone,
through the same turns. Each run still gets its own records, epoch by epoch,
exactly as it would alone (up to float rounding: see lib/trainers/stacked.py).

The joining rule. A run's minibatch order depends on its seed and on how many
epochs it has trained (the seeded generator draws one permutation per epoch),
so a run can only share minibatches with runs at the same epoch:
- a new run joins a waiting cohort of its key that has trained no epoch yet
  (the cohort is not in the middle of a turn);
- a run that arrives while its classmates are in epoch 2 starts a new cohort;
  a cohort at most CATCH_UP epochs ahead of a younger one of its key then
  waits (while other work is there) for it to catch up;
- before each turn, waiting cohorts of the same key that have trained the same
  number of epochs merge (their generators are in the same state).
So a class whose clicks come over a few seconds trains as one cohort per
training thread, not one per click; a run that comes when the class is far
ahead trains on its own (the class does not wait long for it).

Turns: `workers` threads (one per usable CPU) each take the unit (cohort or
lone run) that has had the least training time per share, and train it one
epoch: in the server's process, or (processes=True, the server's default) in a
process of the thread's own (lib/trainer_process.py), where it does not wait
for the sessions' Python; a lone run then stays in the process of its first
turn. A lone run has one share, a cohort one per run up to MAX_SHARES: each
student counts the same, so a class's cohort goes often and ends soon, while
a lone run (another seed, torch.nn) still gets one turn for every MAX_SHARES
turns' worth of a big cohort, never starved behind it. A newcomer starts
level with the least-served unit.
A cohort's work is its lanes (runs with the same settings share one set of
columns: lib.trainers.stacked.lanes). A run joins a cohort where its lane
already is (it adds no work); otherwise, so that every thread has work, a
cohort grows (by joining or merging) only up to ceil(lanes in the engine /
workers) lanes: 30 students with the default settings are one lane, a class
of 30 different settings trains as two cohorts of about 15, side by side. But
while `workers` other units (lone runs, cohorts of another seed) already keep
every thread busy, a cohort grows without that limit: one wide cohort costs
less than two narrow ones (an epoch has a cost of its own besides its lanes).

One place per owner (a second tab of the same student is refused unless it
replaces its own finished ticket), at most `max_waiting` runs waiting (then
QueueFull), and a ticket that nobody polled for `lease_s` seconds (a vanished
tab) is cancelled. Stop is Ticket.cancel(): the run leaves its cohort at the
end of the current turn; the others are not disturbed. shutdown() ends every
ticket; the sessions keep the epochs their runs finished.

    ticket = engine.submit("student-1", cfg, data)
    while not ticket.finished:
        for record in ticket.poll(0.5):
            ...draw...
"""

from __future__ import annotations

import itertools
import logging
import math
import queue
import threading
import time
from collections import Counter
from dataclasses import dataclass

from lib.config import TrainConfig
from lib.data import FashionMNIST
from lib.slots import AlreadyQueued, QueueFull
from lib.trainer_process import TrainerProcess
from lib.trainers.contract import EpochRecord, trainer
from lib.trainers.stacked import Cohort, cohort_key, width

log = logging.getLogger(__name__)

# A cohort at most CATCH_UP epochs ahead of a younger cohort of its key waits for it
# to catch up, then the two merge: a class whose clicks come over a few seconds
# trains as one or two cohorts instead of one per click (docs/load.md).
CATCH_UP = 3
# Turns go to the unit that has had the least training time per share: a cohort has
# a share per run it trains, up to MAX_SHARES (a turn of a cohort of 12 trains 12
# students' runs), a lone run one. So a class in a cohort finishes soon, and a lone
# run behind a big cohort still gets a turn for every MAX_SHARES turns' worth of it.
MAX_SHARES = 8


@dataclass(frozen=True)
class Status:
    """What a student is told while their run waits or trains."""

    waiting: bool  # no epoch trained yet, not even epoch 0
    ahead: int  # units (cohorts or lone runs) that start before this run's
    together: int  # other runs trained together with this one (its classmates in the cohort)


class Ticket:
    """A run in the engine, as its session sees it."""

    def __init__(self, engine: Engine, number: int, owner: str, cfg: TrainConfig):
        self.engine, self.number, self.owner, self.cfg = engine, number, owner, cfg
        self.records: queue.SimpleQueue[EpochRecord] = queue.SimpleQueue()
        self.finished = False  # no more records will come (done, broken, cancelled, shut down)
        self.cancelled = False
        self.error: str | None = None  # why the engine ended it, when it failed
        self.started = False  # its first record has been made
        self.seen = engine.clock()

    def poll(self, timeout: float = 0.5) -> list[EpochRecord]:
        """The records made since the last poll (waits up to timeout for the first one)."""
        self.seen = self.engine.clock()
        got = []
        try:
            got.append(self.records.get(timeout=timeout))
            while True:
                got.append(self.records.get_nowait())
        except queue.Empty:
            pass
        return got

    def status(self) -> Status:
        return self.engine.status(self)

    def cancel(self) -> None:
        """Stop this run: it leaves its cohort at the end of the current turn."""
        self.engine.cancel(self)


class _Unit:
    """A cohort, or a run that trains alone, and how much training it has had."""

    def __init__(self, number: int, service: float, cohort=None, solo=None):
        self.number, self.cohort, self.solo = number, cohort, solo  # solo: (ticket, data)
        self.tickets: dict[int, Ticket] = {}
        self.busy = False
        self.turns = 0
        self.service = service  # seconds of training per share so far (engine.MAX_SHARES)
        self.records = None  # a lone run's trainer (its generator), made at its first turn
        self.home: TrainerProcess | None = None  # the process holding a lone run's trainer

    def advance(self, process: TrainerProcess | None = None):
        """One turn: (run_id, record) as they come; in `process` if given. A lone run's
        trainer stays in the process of its first turn (its home)."""
        if self.cohort is not None:
            yield from self.cohort.advance() if process is None else process.turn(self.cohort)
            return
        ticket, data = self.solo
        if process is not None:
            self.home = process
            yield from process.lone_turn(self.number, ticket.number, ticket.cfg, data, self.turns)
            return
        if self.records is None:
            self.records = trainer(ticket.cfg.framework)(ticket.cfg, data)
        record = next(self.records, None)
        if record is not None:
            yield ticket.number, record

    def remove(self, ticket: Ticket) -> None:
        self.tickets.pop(ticket.number, None)
        if self.cohort is not None:
            self.cohort.remove(ticket.number)
        elif self.solo is not None:
            self.close()

    def close(self) -> None:
        """A lone run's trainer ends, wherever it is."""
        if self.records is not None:
            self.records.close()
        if self.home is not None:
            self.home.drop(self.number)


def _is_last(record: EpochRecord, cfg: TrainConfig) -> bool:
    return record.broke_down or record.epoch >= cfg.num_epochs


class Engine:
    def __init__(
        self,
        workers: int,
        max_waiting: int = 60,
        lease_s: float = 15.0,
        clock=time.monotonic,
        start: bool = True,
        processes: bool = False,
    ):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if max_waiting < 0:
            raise ValueError(f"max_waiting must be >= 0, got {max_waiting}")
        self.workers, self.max_waiting, self.lease_s, self.clock = (
            workers,
            max_waiting,
            lease_s,
            clock,
        )
        self._lock = threading.Condition()
        self._units: list[_Unit] = []
        self._tickets: dict[int, Ticket] = {}
        self._numbers = itertools.count(1)
        self._stopped = False
        self._threads: list[threading.Thread] = []
        # one process per training thread, for its cohorts' turns (lib/trainer_process.py)
        self._processes = [TrainerProcess() for _ in range(workers)] if processes else []
        if start:
            self.start()

    def start(self) -> None:
        if self._processes:  # started aside: the first start takes seconds (trainer_process)
            threading.Thread(target=self._start_processes, name="engine-start", daemon=True).start()
        for i in range(self.workers):
            process = self._processes[i] if self._processes else None
            thread = threading.Thread(
                target=self._work, args=(process,), name=f"engine-{i}", daemon=True
            )
            thread.start()
            self._threads.append(thread)

    def _start_processes(self) -> None:
        for process in self._processes:
            if not self._stopped:
                process.start()

    # ---- what sessions call -------------------------------------------------------

    def submit(
        self, owner: str, cfg: TrainConfig, data: FashionMNIST, replace: Ticket | None = None
    ) -> Ticket:
        """Queue a run; its records come through the ticket. QueueFull / AlreadyQueued."""
        with self._lock:
            if self._stopped:
                raise QueueFull("the server is shutting down")
            self._expire()
            if replace is not None and replace.owner == owner:
                self._end(replace, cancelled=True)
            if any(t.owner == owner for t in self._tickets.values()):
                raise AlreadyQueued(owner)
            if sum(not t.started for t in self._tickets.values()) >= self.max_waiting:
                raise QueueFull(f"{self.max_waiting} runs are already waiting")
            ticket = Ticket(self, next(self._numbers), owner, cfg)
            self._place(ticket, cfg, data)
            self._tickets[ticket.number] = ticket
            self._lock.notify_all()
            return ticket

    def cancel(self, ticket: Ticket) -> None:
        with self._lock:
            self._end(ticket, cancelled=True)

    def holds(self, ticket: Ticket | None) -> bool:
        """True while the ticket's run waits or trains."""
        with self._lock:
            return ticket is not None and self._tickets.get(ticket.number) is ticket

    def status(self, ticket: Ticket) -> Status:
        with self._lock:
            unit = self._unit_of(ticket)
            if unit is None:
                return Status(False, 0, 0)
            together = len(unit.tickets) - 1
            if unit.turns:
                return Status(False, 0, together)
            ahead = sum(1 for u in self._units if u.turns == 0 and u.number < unit.number)
            return Status(True, ahead, together)

    def load(self) -> tuple[int, int]:
        """(runs training, runs waiting) right now."""
        with self._lock:
            started = sum(t.started for t in self._tickets.values())
            return started, len(self._tickets) - started

    def shutdown(self, timeout: float = 10.0) -> None:
        """End every ticket (their sessions keep what was trained) and stop the workers."""
        with self._lock:
            self._stopped = True
            for ticket in list(self._tickets.values()):
                self._end(ticket, cancelled=False, error="the server is shutting down")
            self._lock.notify_all()
        for thread in self._threads:
            thread.join(timeout)
        for process in self._processes:
            process.close()

    # ---- inside (callers hold the lock) ------------------------------------------

    def _width(self) -> int:
        """The engine's work per epoch, in lanes (lib.trainers.stacked.lanes: runs with the
        same settings in one cohort are one lane); a run that trains alone is one."""
        return sum(u.cohort.width() if u.cohort is not None else 1 for u in self._units)

    def _target_size(self, key: tuple, extra: int = 0) -> float:
        """The widest cohort of `key` worth making: any width while `workers` other units
        (lone runs, cohorts of another seed) can keep the other training threads busy (one
        wide cohort costs less than two narrow ones: each epoch has a cost of its own
        besides its lanes), else the work spread over every training thread."""
        others = sum(1 for u in self._units if u.tickets and getattr(u.cohort, "key", None) != key)
        if others >= self.workers:
            return math.inf
        return max(1, -(-(self._width() + extra) // self.workers))  # ceil(lanes / workers)

    def _place(self, ticket: Ticket, cfg: TrainConfig, data: FashionMNIST) -> None:
        """Into the smallest waiting cohort of its key while that is below the target size
        (so a class fills one cohort per training thread), else a new unit of its own."""
        if cohort_key(cfg) is not None:
            joinable = [
                u
                for u in self._units
                if u.cohort is not None and not u.busy and u.cohort.can_join(cfg)
            ]
            same = next((u for u in joinable if u.cohort.has_lane(cfg)), None)
            smallest = min(joinable, key=lambda u: u.cohort.width(), default=None)
            fits = smallest is not None and smallest.cohort.width() < self._target_size(
                cohort_key(cfg), extra=1
            )
            if same is None and fits:
                same = smallest
            if same is not None:  # a lane it shares costs nothing; a new one fits the target
                same.cohort.add(ticket.number, cfg)
                same.tickets[ticket.number] = ticket
                return
            unit = self._new_unit(cohort=Cohort(cfg, data))
            unit.cohort.add(ticket.number, cfg)
        else:
            trainer(cfg.framework)  # not installed: ImportError now, at submit, not at a turn
            unit = self._new_unit(solo=(ticket, data))
        unit.tickets[ticket.number] = ticket
        self._units.append(unit)

    def _new_unit(self, **kind) -> _Unit:
        """A unit that starts level with the least-served one (a newcomer neither jumps the
        line for long nor falls behind everyone)."""
        served = [u.service for u in self._units if u.tickets]
        return _Unit(next(self._numbers), min(served, default=0.0), **kind)

    def _unit_of(self, ticket: Ticket) -> _Unit | None:
        return next((u for u in self._units if ticket.number in u.tickets), None)

    def _end(self, ticket: Ticket, cancelled: bool, error: str | None = None) -> None:
        if self._tickets.get(ticket.number) is not ticket:
            return
        del self._tickets[ticket.number]
        ticket.cancelled, ticket.finished = cancelled, True
        ticket.error = error
        unit = self._unit_of(ticket)
        if unit is not None and not unit.busy:  # a busy unit drops it after its turn
            unit.remove(ticket)
            self._drop_empty()

    def _drop_empty(self) -> None:
        self._units = [u for u in self._units if u.tickets or u.busy]

    def _expire(self) -> None:
        """Cancel tickets that nobody polled for lease_s seconds (a tab that vanished)."""
        now = self.clock()
        for ticket in list(self._tickets.values()):
            if now - ticket.seen > self.lease_s:
                self._end(ticket, cancelled=True)

    def _catching_up(self, unit: _Unit) -> bool:
        """Whether a cohort lets a younger cohort of its key (at most CATCH_UP epochs behind,
        the two fitting the target size together) train first, to merge when it catches up."""
        if unit.cohort is None:
            return False
        ahead = unit.cohort.epochs_done
        return any(
            other.cohort is not None
            and other is not unit
            and other.tickets
            and other.cohort.key == unit.cohort.key
            and 0 < ahead - other.cohort.epochs_done <= CATCH_UP
            and width(unit.cohort.members + other.cohort.members)
            <= self._target_size(unit.cohort.key)
            for other in self._units
        )

    def _may_take(self, unit: _Unit, process: TrainerProcess | None) -> bool:
        """Whether the thread of `process` may train this unit: a lone run stays in the
        process of its first turn, and a new one goes to a process that holds no more
        lone runs than the others (so that they spread over the processes)."""
        if unit.home is not None or unit.solo is None or process is None:
            return unit.home is None or unit.home is process
        held = Counter(u.home for u in self._units if u.home is not None)
        return held[process] <= min(held[p] for p in self._processes)

    def _next_unit(self, process: TrainerProcess | None = None) -> _Unit | None:
        """The idle unit with the least training time per share (then by arrival); a cohort
        waiting for a younger one to catch up is passed over while others can go."""
        idle = [u for u in self._units if not u.busy and u.tickets and self._may_take(u, process)]
        if not idle:
            return None
        ready = [u for u in idle if not self._catching_up(u)] or idle
        unit = min(ready, key=lambda u: (u.service, u.number))
        if unit.cohort is not None:  # merge idle cohorts of the same key at the same epoch
            for other in idle:
                if (
                    other is not unit
                    and other.cohort is not None
                    and other.cohort.key == unit.cohort.key
                    and other.cohort.epochs_done == unit.cohort.epochs_done
                    and width(unit.cohort.members + other.cohort.members)
                    <= self._target_size(unit.cohort.key)
                ):
                    unit.cohort.merge(other.cohort)
                    unit.tickets.update(other.tickets)
                    other.tickets.clear()
            self._drop_empty()
        return unit

    # ---- the workers ----------------------------------------------------------------

    def _work(self, process: TrainerProcess | None) -> None:
        while True:
            with self._lock:
                while True:
                    if self._stopped:
                        return
                    self._expire()
                    unit = self._next_unit(process)
                    if unit is not None:
                        break
                    self._lock.wait(0.5)
                unit.busy = True
            self._turn(unit, process)

    def _turn(self, unit: _Unit, process: TrainerProcess | None = None) -> None:
        """One epoch of one unit, outside the lock; records go to their tickets at once."""
        error, start, shares = None, self.clock(), min(max(len(unit.tickets), 1), MAX_SHARES)
        try:
            for number, record in unit.advance(process):
                with self._lock:
                    ticket = unit.tickets.get(number)
                    if ticket is None or ticket.finished:
                        continue
                    ticket.started = True
                    ticket.records.put(record)
                    if _is_last(record, ticket.cfg):
                        self._end(ticket, cancelled=False)
        except Exception as exc:  # a bug or a device error: end this unit's runs, keep serving
            log.exception("training turn failed")
            error = f"{type(exc).__name__}: {exc}"
        with self._lock:
            unit.busy = False
            unit.turns += 1
            unit.service += (self.clock() - start) / shares
            for ticket in list(unit.tickets.values()):
                if error is not None:
                    self._end(ticket, cancelled=False, error=error)
                if ticket.finished:
                    unit.remove(ticket)
            if unit.solo is not None and not unit.tickets:
                unit.close()
            self._drop_empty()
            self._lock.notify_all()
