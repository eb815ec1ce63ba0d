"""Pacing and deferred work for chat delivery (shared by every platform and the digests)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bot.conversation.pacing import Later, TokenBucketPacer


def test_a_burst_goes_at_once_then_one_a_second_per_destination() -> None:
    now = [100.0]
    pacer = TokenBucketPacer(rate=1.0, burst=3, clock=lambda: now[0])
    assert [pacer.reserve("C1") for _ in range(5)] == [100.0, 100.0, 100.0, 101.0, 102.0]
    assert pacer.reserve("C2") == 100.0  # another channel has its own bucket


def test_the_bucket_refills_with_time_but_never_beyond_the_burst() -> None:
    now = [0.0]
    pacer = TokenBucketPacer(rate=1.0, burst=2, clock=lambda: now[0])
    assert [pacer.reserve("C"), pacer.reserve("C"), pacer.reserve("C")] == [0.0, 0.0, 1.0]
    now[0] = 60.0  # a long quiet spell refills two tokens, not sixty
    assert [pacer.reserve("C"), pacer.reserve("C"), pacer.reserve("C")] == [60.0, 60.0, 61.0]


def test_idle_destinations_are_forgotten() -> None:
    now = [0.0]
    pacer = TokenBucketPacer(rate=1.0, burst=1, clock=lambda: now[0])
    pacer.reserve("C1")
    now[0] = 0.5
    pacer.reserve("C2")
    now[0] = 1.2
    pacer.forget_idle()
    assert set(pacer._buckets) == {"C2"}


def test_a_pacer_needs_a_positive_rate() -> None:
    with pytest.raises(ValueError):
        TokenBucketPacer(rate=0)


def test_later_runs_work_in_time_order_without_holding_workers() -> None:
    done: list[str] = []
    finished = threading.Event()
    with ThreadPoolExecutor(max_workers=1) as pool:
        later = Later(pool.submit)
        start = time.monotonic()
        later.at(start + 0.2, lambda: (done.append("second"), finished.set()))
        later.at(start + 0.05, lambda: done.append("first"))
        pool.submit(lambda: done.append("now")).result()  # the only worker is free meanwhile
        assert finished.wait(2)
        later.stop()
    assert done == ["now", "first", "second"]
