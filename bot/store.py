"""The core's side of the store: sessions, writes and the one error the core raises when the store can't be
reached.

The rule for transactions, stated once: a write is one `Store.write()` block. The block commits when it ends and
rolls back if it raises; the functions in `data/` that it calls add and change rows but leave the commit to the
block. On SQLite our own threads queue for the one writer there, the ones a person is waiting on first."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from sqlalchemy import Engine
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker


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


class StoreUnavailable(RuntimeError):
    """The store could not be reached (down, restarting, or locked past its timeout): not the question's fault.
    Callers that can wait (chat replies) try again later rather than apologise at once."""


def unavailable(error: OperationalError | InterfaceError) -> StoreUnavailable:
    """The store's own error, in words short enough for a log line or a readiness probe."""
    return StoreUnavailable(str(error.orig or error)[:200])


class Store:
    """Sessions on one engine. `read()` and `write()` turn a store that is down or locked into StoreUnavailable,
    so that callers that can wait (chat replies, digests) try again later rather than apologise at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self._write_lock = PriorityWriteLock()

    def queued(self, *, urgent: bool = False) -> AbstractContextManager[object]:
        """Our threads' turn at the embedded store's one writer (PostgreSQL needs no queue)."""
        return self._write_lock.hold(urgent=urgent) if self.engine.dialect.name == "sqlite" else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with self.sessions() as session:
                yield session
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error

    @contextmanager
    def write(self, *, urgent: bool = False) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back if it raises. `urgent` for a write a
        person (or a platform's acknowledgement) is waiting on."""
        try:
            with self.queued(urgent=urgent), self.sessions() as session:
                yield session
                session.commit()
        except (OperationalError, InterfaceError) as error:
            raise unavailable(error) from error
