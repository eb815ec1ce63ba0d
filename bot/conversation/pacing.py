"""Posting limits and deferred sends, shared by every platform and the digests."""

from __future__ import annotations

import heapq
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass
class _Bucket:
    tokens: float
    updated: float


class TokenBucketPacer:
    """Per destination, `rate` messages a second with a burst of up to `burst` (Slack: one a second per channel,
    short bursts allowed; a 429 is the backstop). A reservation returns the clock time its message may go;
    reservations beyond the burst queue at 1/rate apart, so callers never race for the same slot.

    The default burst of 8 lets four questions asked at once in one channel get their answers and charts
    straight away (make bench: 20 mentions over 5 channels); a sustained flood still goes one a second."""

    def __init__(self, rate: float = 1.0, burst: int = 8, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be positive and burst at least 1")
        self.rate = rate
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def reserve(self, key: str) -> float:
        """The clock time of this destination's next free slot, taken."""
        with self._lock:
            now = self.clock()
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = _Bucket(self.burst, now)
            bucket.tokens = min(self.burst, bucket.tokens + (now - bucket.updated) * self.rate)
            bucket.updated = now
            bucket.tokens -= 1
            return now if bucket.tokens >= 0 else now + (-bucket.tokens) / self.rate

    def wait(self, key: str) -> None:
        delay = self.reserve(key) - self.clock()
        if delay > 0:
            time.sleep(delay)

    def forget_idle(self) -> None:
        """Drop destinations whose bucket has refilled: a long-running process meets many channels."""
        with self._lock:
            now = self.clock()
            full = [key for key, b in self._buckets.items() if b.tokens + (now - b.updated) * self.rate >= self.burst]
            for key in full:
                del self._buckets[key]


class Later:
    """Runs work at a clock time, without a worker sitting idle until then: when due, the work is handed to
    `run` (an executor's submit, or a caller's own tracked submit)."""

    def __init__(
        self, run: Callable[[Callable[[], None]], object], clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.run = run
        self.clock = clock
        self._due: list[tuple[float, int, Callable[[], None]]] = []
        self._order = 0
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="briefbot-later", daemon=True)
        self._thread.start()

    def at(self, when: float, work: Callable[[], None]) -> None:
        with self._wake:
            if self._stopped:
                self._submit(work)
                return
            self._order += 1
            heapq.heappush(self._due, (when, self._order, work))
            self._wake.notify()

    def _run(self) -> None:
        with self._wake:
            while not self._stopped:
                if not self._due:
                    self._wake.wait()
                    continue
                delay = self._due[0][0] - self.clock()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                _, _, work = heapq.heappop(self._due)
                self._submit(work)

    def stop(self) -> None:
        """Hand over whatever is still waiting, then stop."""
        with self._wake:
            self._stopped = True
            pending = [work for _, _, work in sorted(self._due)]
            self._due.clear()
            self._wake.notify()
        for work in pending:
            self._submit(work)

    def _submit(self, work: Callable[[], None]) -> None:
        try:
            self.run(work)
        except RuntimeError:
            # The pool has shut down: whatever this was, its event is still claimed in the store.
            log.info("deferred work dropped at shutdown")
