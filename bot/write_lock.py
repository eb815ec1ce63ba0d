"""One writer at a time for the embedded store, with the ones a person is waiting on first."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class PriorityWriteLock:
    """SQLite lets one writer in at a time and makes the others back off in sleeps of up to 100 ms, so our own
    threads queue here instead. Urgent writers (recording an event before Slack gets its 200) go before
    background ones (marking replies posted and done), which would otherwise hold up every acknowledgement."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._held = False
        self._urgent_waiting = 0

    @contextmanager
    def hold(self, *, urgent: bool = False) -> Iterator[None]:
        with self._changed:
            if urgent:
                self._urgent_waiting += 1
                try:
                    self._changed.wait_for(lambda: not self._held)
                finally:
                    self._urgent_waiting -= 1
            else:
                self._changed.wait_for(lambda: not self._held and self._urgent_waiting == 0)
            self._held = True
        try:
            yield
        finally:
            with self._changed:
                self._held = False
                self._changed.notify_all()
