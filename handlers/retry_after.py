"""Retry-After as the platforms send it, read one way for all of them, and the patience every platform call shares:
a 429 or a failing platform is waited through for as long as a store outage (bot.conversation.flow, ten minutes),
then the call fails and the person gets an apology."""

from __future__ import annotations

import math
import random
import time
from collections.abc import Callable

from bot.conversation.flow import RETRY_BUDGET

__all__ = ["RETRY_BUDGET", "Patience", "backoff", "retry_after"]
MAX_BACKOFF = 30.0  # seconds between attempts at most, as for the store


def retry_after(value: str | None, *, cap: float) -> float | None:
    """Seconds to wait ("2", "1.5"), within [0, cap]; None when absent or unreadable (the caller's backoff)."""
    try:
        seconds = float(value) if value is not None else math.nan
    except ValueError:
        return None
    if math.isnan(seconds):
        return None
    return min(max(seconds, 0.0), cap)


def backoff(attempt: int, base: float = 0.5) -> float:
    """Seconds before attempt `attempt + 1` after a failure: doubling from `base` up to 30 s, with jitter so that
    replicas don't all come back at once."""
    delay = min(base * 2.0 ** min(attempt, 16), MAX_BACKOFF)
    return delay + random.uniform(0, delay / 2)


class Patience:
    """One call's share of the budget, the same rule for every platform call: waiting stops once the budget is
    spent; a backoff is ours to shorten to what is left, a Retry-After is not (a wait that would pass the budget
    is not begun)."""

    def __init__(self, budget: float = RETRY_BUDGET, sleep: Callable[[float], None] = time.sleep) -> None:
        self.budget = budget
        self.sleep = sleep
        self.waited = 0.0

    def left(self) -> float:
        return max(self.budget - self.waited, 0.0)

    def allows(self, delay: float, *, shorten: bool) -> bool:
        if self.waited >= self.budget:
            return False
        return shorten or self.waited + delay <= self.budget

    def wait(self, delay: float, *, shorten: bool) -> float | None:
        """Sleep `delay` (cut to what is left when `shorten`) and count it: the seconds slept, or None (no sleep)
        when the budget does not allow it."""
        if not self.allows(delay, shorten=shorten):
            return None
        if shorten:
            delay = min(delay, self.left())
        self.sleep(delay)
        self.waited += delay
        return delay
