"""Requests being acknowledged right now, so background replies can let them go first.

Python runs one thread at a time: twenty answers being composed share the processor with the twenty requests
a burst brought, and each platform times its acknowledgement (Slack 3 s, Teams 15 s). A reply waits, briefly,
until no request is mid-acknowledgement before it starts; a reply already running is never paused.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

# A steady stream of requests must not starve the replies: after this long a reply starts anyway.
MAX_WAIT_SECONDS = 0.25


class Arrivals:
    def __init__(self) -> None:
        self._count = 0
        self._changed = threading.Condition()

    @contextmanager
    def arriving(self) -> Iterator[None]:
        with self._changed:
            self._count += 1
        try:
            yield
        finally:
            with self._changed:
                self._count -= 1
                if self._count == 0:
                    self._changed.notify_all()

    def wait_quiet(self, timeout: float = MAX_WAIT_SECONDS) -> bool:
        """True when no request is being acknowledged (at once, or within `timeout`)."""
        with self._changed:
            return self._changed.wait_for(lambda: self._count == 0, timeout)
