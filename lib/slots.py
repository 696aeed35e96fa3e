"""A server-wide queue for trainings, so a class cannot oversubscribe the machine.

One TrainingSlots object is shared by every session of the server process.
At most `capacity` trainings run at once; the others wait in arrival order and
can ask how many students are ahead of them.

    ticket = slots.enter()
    try:
        while not slots.try_start(ticket):
            show(slots.ahead(ticket)); time.sleep(0.2)
        ...train...
    finally:
        slots.leave(ticket)
"""
import itertools
import threading


class TrainingSlots:
    def __init__(self, capacity: int):
        if capacity < 1:
            raise ValueError(f"capacity must be at least 1, got {capacity}")
        self.capacity = capacity
        self._lock = threading.Lock()
        self._waiting: list[int] = []      # tickets in arrival order
        self._running: set[int] = set()
        self._tickets = itertools.count(1)

    def enter(self) -> int:
        """Join the queue; returns this training's ticket."""
        with self._lock:
            ticket = next(self._tickets)
            self._waiting.append(ticket)
            return ticket

    def try_start(self, ticket: int) -> bool:
        """True (and the slot is taken) when this ticket may run now."""
        with self._lock:
            if ticket in self._running:
                return True
            free = self.capacity - len(self._running)
            if ticket in self._waiting[:max(free, 0)]:
                self._waiting.remove(ticket)
                self._running.add(ticket)
                return True
            return False

    def ahead(self, ticket: int) -> int:
        """How many waiting trainings are in front of this one (0 when running)."""
        with self._lock:
            return self._waiting.index(ticket) if ticket in self._waiting else 0

    def leave(self, ticket: int) -> None:
        """Give the slot (or the place in the queue) back; safe to call twice."""
        with self._lock:
            self._running.discard(ticket)
            if ticket in self._waiting:
                self._waiting.remove(ticket)

    def load(self) -> tuple[int, int]:
        """(running, waiting) right now."""
        with self._lock:
            return len(self._running), len(self._waiting)
