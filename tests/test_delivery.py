"""Pacing and deferred work for chat delivery."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

from handlers.slack.delivery import ChannelPacer, Later


def test_pacer_spaces_messages_per_channel() -> None:
    now = [100.0]
    pacer = ChannelPacer(1.0, clock=lambda: now[0])
    assert [pacer.reserve("C1"), pacer.reserve("C1"), pacer.reserve("C2"), pacer.reserve("C1")] == [
        100.0,
        101.0,
        100.0,
        102.0,
    ]


def test_later_runs_work_in_time_order_without_holding_workers() -> None:
    done: list[str] = []
    finished = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = Later(pool)
        start = time.monotonic()
        later.at(start + 0.2, lambda: (done.append("second"), finished.set()))
        later.at(start + 0.05, lambda: done.append("first"))
        pool.submit(lambda: done.append("now")).result()  # the only worker is free meanwhile
        assert finished.wait(2)
        later.stop()
    assert done == ["now", "first", "second"]
