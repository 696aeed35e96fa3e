"""A server-wide queue for trainings, so a class cannot oversubscribe the machine.

One TrainingSlots object is shared by every session of the server process.
At most `capacity` trainings run at once; the others wait in arrival order and
can ask how many are ahead of them.

- A place is held by an owner (a student): one place per owner, so a second tab
  of the same student is refused instead of taking a second slot.
- The queue has a length cap: past it, join() raises QueueFull ("the server is
  full, try again in a minute").
- A waiting place is kept across the page's reruns (a click while waiting does
  not send the student to the back) as long as it is refreshed: try_start()
  refreshes it, and a place nobody refreshed for `lease_s` seconds is dropped,
  so a tab that vanished cannot hold the queue forever.

    ticket = slots.join("student-1")
    try:
        while not slots.try_start(ticket):
            show(slots.ahead(ticket)); time.sleep(0.2)
        ...train...
    finally:
        slots.leave(ticket)
"""

from __future__ import annotations

import itertools
import os
import threading
import time
from dataclasses import dataclass


class QueueFull(RuntimeError):
    """The queue already holds max_waiting trainings."""


class AlreadyQueued(RuntimeError):
    """This owner already holds a place (another tab is training or waiting)."""


@dataclass
class _Place:
    owner: str
    seen: float  # clock() of the last refresh


class TrainingSlots:
    def __init__(
        self, capacity: int, max_waiting: int = 60, lease_s: float = 15.0, clock=time.monotonic
    ):
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        if max_waiting < 0:
            raise ValueError(f"max_waiting must be >= 0, got {max_waiting}")
        self.capacity, self.max_waiting, self.lease_s = capacity, max_waiting, lease_s
        self._clock = clock
        self._lock = threading.Lock()
        self._waiting: dict[int, _Place] = {}  # ticket -> place, in arrival order
        self._running: dict[int, _Place] = {}
        self._tickets = itertools.count(1)

    def join(self, owner: str, replace: int | None = None) -> int:
        """Take a place in the queue; returns its ticket.

        `replace`: a ticket of this owner's that the caller knows is finished
        with (the same tab clicked Train again while its last run was still
        stopping); it is given back first instead of refusing the owner.
        """
        with self._lock:
            self._expire()
            if replace is not None:
                self._running.pop(replace, None)
                self._waiting.pop(replace, None)
            if any(p.owner == owner for p in (*self._waiting.values(), *self._running.values())):
                raise AlreadyQueued(owner)
            if len(self._waiting) >= self.max_waiting:
                raise QueueFull(f"{len(self._waiting)} trainings are already waiting")
            ticket = next(self._tickets)
            self._waiting[ticket] = _Place(owner, self._clock())
            return ticket

    def holds(self, ticket: int | None) -> bool:
        """True while the ticket waits or runs (a dropped or finished one does not)."""
        with self._lock:
            self._expire()
            return ticket in self._waiting or ticket in self._running

    def try_start(self, ticket: int) -> bool:
        """True (and the slot is taken) when this ticket may run now; refreshes its place."""
        with self._lock:
            self._expire()
            if ticket in self._running:
                return True
            place = self._waiting.get(ticket)
            if place is None:
                raise KeyError(f"ticket {ticket} holds no place (dropped or left)")
            place.seen = self._clock()
            free = self.capacity - len(self._running)
            if ticket in list(self._waiting)[: max(free, 0)]:
                self._running[ticket] = self._waiting.pop(ticket)
                return True
            return False

    def ahead(self, ticket: int) -> int:
        """How many waiting trainings are in front of this one (0 when running)."""
        with self._lock:
            order = list(self._waiting)
            return order.index(ticket) if ticket in self._waiting else 0

    def leave(self, ticket: int | None) -> None:
        """Give the slot (or the place in the queue) back; safe to call twice."""
        with self._lock:
            self._running.pop(ticket, None)
            self._waiting.pop(ticket, None)

    def load(self) -> tuple[int, int]:
        """(running, waiting) right now."""
        with self._lock:
            self._expire()
            return len(self._running), len(self._waiting)

    def _expire(self) -> None:
        """Drop waiting places that were not refreshed within lease_s (caller holds the lock)."""
        now = self._clock()
        for ticket in [t for t, p in self._waiting.items() if now - p.seen > self.lease_s]:
            del self._waiting[ticket]


def usable_cpus() -> int:
    """CPUs this process may really use: its affinity mask, capped by a cgroup v2 quota."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        cpus = os.cpu_count() or 1
    try:
        with open("/sys/fs/cgroup/cpu.max") as f:
            quota, period = f.read().split()[:2]
        if quota != "max":
            cpus = min(cpus, max(1, int(int(quota) / int(period))))
    except (OSError, ValueError):
        pass
    return max(cpus, 1)
