"""The embedded store's write queue lets urgent writers (a person waiting) go first."""

from __future__ import annotations

import threading
import time

from bot.store import PriorityWriteLock


def test_an_urgent_writer_goes_before_background_writers_queued_earlier() -> None:
    lock = PriorityWriteLock()
    order: list[str] = []
    started = threading.Barrier(4)

    def write(name: str, urgent: bool, delay: float) -> None:
        started.wait()
        time.sleep(delay)
        with lock.hold(urgent=urgent):
            order.append(name)
            time.sleep(0.02)

    with lock.hold():  # held while the others queue up
        threads = [
            threading.Thread(target=write, args=("background-1", False, 0.0)),
            threading.Thread(target=write, args=("background-2", False, 0.01)),
            threading.Thread(target=write, args=("urgent", True, 0.05)),
        ]
        for thread in threads:
            thread.start()
        started.wait()
        time.sleep(0.15)
    for thread in threads:
        thread.join(5)
    assert order[0] == "urgent" and sorted(order[1:]) == ["background-1", "background-2"]


def test_one_writer_at_a_time() -> None:
    lock = PriorityWriteLock()
    inside = [0]
    most = [0]

    def write(urgent: bool) -> None:
        for _ in range(50):
            with lock.hold(urgent=urgent):
                inside[0] += 1
                most[0] = max(most[0], inside[0])
                inside[0] -= 1

    threads = [threading.Thread(target=write, args=(index % 2 == 0,)) for index in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert most[0] == 1
