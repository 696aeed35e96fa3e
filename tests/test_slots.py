"""lib.slots.TrainingSlots: the server-wide queue in front of the trainings."""
import threading
import time

import pytest

from lib.slots import TrainingSlots


def test_capacity_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        TrainingSlots(0)


def test_at_most_capacity_run_at_once():
    slots = TrainingSlots(2)
    a, b, c = slots.enter(), slots.enter(), slots.enter()
    assert [slots.try_start(x) for x in (a, b, c)] == [True, True, False]
    assert slots.load() == (2, 1)
    assert slots.try_start(a)  # asking again while running keeps the slot
    assert slots.load() == (2, 1)


def test_first_come_first_served():
    slots = TrainingSlots(1)
    first = slots.enter()
    assert slots.try_start(first)
    second, third = slots.enter(), slots.enter()
    assert not slots.try_start(third)  # a later arrival cannot jump the queue
    slots.leave(first)
    assert not slots.try_start(third)  # still behind `second`, even with a free slot
    assert slots.try_start(second)
    slots.leave(second)
    assert slots.try_start(third)


def test_ahead_counts_the_waiting_in_front():
    slots = TrainingSlots(1)
    running = slots.enter()
    slots.try_start(running)
    waiting = [slots.enter() for _ in range(3)]
    assert [slots.ahead(x) for x in waiting] == [0, 1, 2]
    assert slots.ahead(running) == 0
    slots.leave(waiting[0])  # a student closes the tab while waiting
    assert [slots.ahead(x) for x in waiting[1:]] == [0, 1]


def test_leave_twice_and_unknown_tickets_are_harmless():
    slots = TrainingSlots(1)
    a = slots.enter()
    slots.try_start(a)
    slots.leave(a)
    slots.leave(a)
    slots.leave(12345)
    assert slots.load() == (0, 0)
    b = slots.enter()
    assert slots.try_start(b)  # the slot really came back, once
    assert slots.load() == (1, 0)


def test_tickets_are_unique():
    slots = TrainingSlots(3)
    tickets = [slots.enter() for _ in range(100)]
    assert len(set(tickets)) == 100


def test_threads_never_exceed_capacity_and_all_finish():
    capacity, workers = 2, 12
    slots = TrainingSlots(capacity)
    lock = threading.Lock()
    state = {"now": 0, "peak": 0, "done": 0}

    def work():
        ticket = slots.enter()
        try:
            deadline = time.monotonic() + 20
            while not slots.try_start(ticket):
                assert time.monotonic() < deadline, "waited forever"
                time.sleep(0.001)
            with lock:
                state["now"] += 1
                state["peak"] = max(state["peak"], state["now"])
            time.sleep(0.01)  # the "training"
            with lock:
                state["now"] -= 1
                state["done"] += 1
        finally:
            slots.leave(ticket)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not any(thread.is_alive() for thread in threads)
    assert state["done"] == workers
    assert state["peak"] == capacity  # slots were used, and never more than capacity
    assert slots.load() == (0, 0)


def test_threads_start_in_arrival_order():
    slots = TrainingSlots(1)
    gate = slots.enter()
    assert slots.try_start(gate)  # hold the only slot while the others queue up
    order, started = [], []
    tickets = [slots.enter() for _ in range(6)]

    def work(ticket):
        while not slots.try_start(ticket):
            time.sleep(0.001)
        order.append(ticket)
        slots.leave(ticket)

    threads = [threading.Thread(target=work, args=(x,)) for x in reversed(tickets)]
    for thread in threads:
        thread.start()
        started.append(thread)
    slots.leave(gate)
    for thread in started:
        thread.join(timeout=30)
    assert order == tickets
