"""lib.slots.TrainingSlots: the server-wide queue in front of the trainings."""

import os
import threading
import time

import pytest
from helpers import FakeClock

from lib.slots import AlreadyQueued, QueueFull, TrainingSlots, usable_cpus


def test_capacity_must_be_positive():
    with pytest.raises(ValueError, match="at least 1"):
        TrainingSlots(0)


def test_at_most_capacity_run_at_once():
    slots = TrainingSlots(2)
    a, b, c = slots.join("s1"), slots.join("s2"), slots.join("s3")
    assert [slots.try_start(x) for x in (a, b, c)] == [True, True, False]
    assert slots.load() == (2, 1)
    assert slots.try_start(a)  # asking again while running keeps the slot
    assert slots.load() == (2, 1)


def test_first_come_first_served():
    slots = TrainingSlots(1)
    first = slots.join("s4")
    assert slots.try_start(first)
    second, third = slots.join("s5"), slots.join("s6")
    assert not slots.try_start(third)  # a later arrival cannot jump the queue
    slots.leave(first)
    assert not slots.try_start(third)  # still behind `second`, even with a free slot
    assert slots.try_start(second)
    slots.leave(second)
    assert slots.try_start(third)


def test_ahead_counts_the_waiting_in_front():
    slots = TrainingSlots(1)
    running = slots.join("s7")
    slots.try_start(running)
    waiting = [slots.join(f"s8-{i}") for i in range(3)]
    assert [slots.ahead(x) for x in waiting] == [0, 1, 2]
    assert slots.ahead(running) == 0
    slots.leave(waiting[0])  # a student closes the tab while waiting
    assert [slots.ahead(x) for x in waiting[1:]] == [0, 1]


def test_leave_twice_and_unknown_tickets_are_harmless():
    slots = TrainingSlots(1)
    a = slots.join("s9")
    slots.try_start(a)
    slots.leave(a)
    slots.leave(a)
    slots.leave(12345)
    slots.leave(None)
    assert slots.load() == (0, 0)
    b = slots.join("s10")
    assert slots.try_start(b)  # the slot really came back, once
    assert slots.load() == (1, 0)


def test_tickets_are_unique():
    slots = TrainingSlots(3, max_waiting=100)
    tickets = [slots.join(f"s11-{i}") for i in range(100)]
    assert len(set(tickets)) == 100


def test_threads_never_exceed_capacity_and_all_finish():
    """Twelve threads through two slots. The clock stands still, so no place expires
    however slowly the machine schedules the threads; each training waits at a
    barrier for a second one, so two run at once on every machine (pairs: 12 is even)."""
    capacity, workers = 2, 12
    slots = TrainingSlots(capacity, clock=FakeClock())
    lock, together = threading.Lock(), threading.Barrier(capacity)
    state = {"now": 0, "peak": 0, "done": 0}

    def work():
        ticket = slots.join(threading.current_thread().name)
        try:
            while not slots.try_start(ticket):
                time.sleep(0.001)
            with lock:
                state["now"] += 1
                state["peak"] = max(state["peak"], state["now"])
            together.wait()  # the "training": until a second one is running too
            with lock:
                state["now"] -= 1
                state["done"] += 1
        finally:
            slots.leave(ticket)

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert state["done"] == workers
    assert state["peak"] == capacity  # slots were used, and never more than capacity
    assert slots.load() == (0, 0)


def test_threads_start_in_arrival_order():
    slots = TrainingSlots(1, clock=FakeClock())  # a clock that stands still: no place expires
    gate = slots.join("s13")
    assert slots.try_start(gate)  # hold the only slot while the others queue up
    order, started = [], []
    tickets = [slots.join(f"s14-{i}") for i in range(6)]

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
        thread.join()
    assert order == tickets


def test_one_place_per_student():
    slots = TrainingSlots(2)
    slots.join("ana")
    with pytest.raises(AlreadyQueued):
        slots.join("ana")  # a second tab of the same student
    assert slots.load() == (0, 1)
    slots.join("ben")  # another student is welcome


def test_the_queue_has_a_cap():
    slots = TrainingSlots(1, max_waiting=2)
    slots.join("a"), slots.join("b")
    with pytest.raises(QueueFull):
        slots.join("c")
    assert slots.load() == (0, 2)


def test_a_waiting_place_survives_while_refreshed_and_expires_when_not():
    clock = FakeClock()
    slots = TrainingSlots(1, lease_s=10, clock=clock)
    running, waiting = slots.join("a"), slots.join("b")
    assert slots.try_start(running)
    for _ in range(5):  # reruns keep asking: the place stays
        clock.now += 8
        assert not slots.try_start(waiting) and slots.holds(waiting)
    clock.now += 11  # nobody asked for 11 s: the tab is gone
    assert not slots.holds(waiting)
    assert slots.load() == (1, 0)  # a running training never expires
    with pytest.raises(KeyError):
        slots.try_start(waiting)


def test_usable_cpus_follows_the_affinity_mask():
    cpus = usable_cpus()
    assert 1 <= cpus <= (os.cpu_count() or 1)
    if hasattr(os, "sched_getaffinity"):
        assert cpus <= len(os.sched_getaffinity(0))


def test_the_same_tab_may_replace_its_own_place_but_not_another_tabs():
    slots = TrainingSlots(1)
    old = slots.join("ana")
    assert slots.try_start(old)  # the old run is still stopping
    with pytest.raises(AlreadyQueued):
        slots.join("ana")  # another tab of ana's
    new = slots.join("ana", replace=old)  # ana's own tab clicked Train again
    assert new != old and slots.try_start(new)
    assert slots.load() == (1, 0)
    slots.leave(old)  # the old run's late clean-up is harmless
    assert slots.load() == (1, 0)
