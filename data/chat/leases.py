"""Claims with a lease, the one primitive under the event ledger (data.chat.ledger) and the delivery outbox
(data.chat.outbox): a row is claimed by inserting it (the unique key refuses a second claim, on either backend);
its lease says how long its holder may work on it; a lease that ran out belongs to a process that died, and the
row is taken over with a compare-and-set on the lease as read, so of two processes racing for it one wins; a row
claimed MAX_ATTEMPTS times without being finished is given up rather than retried for ever.

None of these commit: they change rows inside the caller's transaction (bot.store.Store.write)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.db import as_utc, rows_matched
from data.models import Delivery, ProcessedEvent

MAX_ATTEMPTS = 5
OWNER_LENGTH = 64

Leased = type[Delivery] | type[ProcessedEvent]


def first_to_insert(session: Session, insert: Callable[[], object]) -> bool:
    """Run `insert` in a savepoint: True when its rows went in, False (and nothing of it kept) when a unique key
    refused them because another claim got there first. The caller's transaction goes on either way."""
    _begin(session)
    try:
        with session.begin_nested():
            insert()
    except IntegrityError:
        return False
    return True


def _begin(session: Session) -> None:
    """pysqlite opens its transaction only at the first INSERT, UPDATE or DELETE: a SAVEPOINT before that would
    itself become the transaction, and releasing it would commit everything so far whatever the block did next.
    So on SQLite the block's transaction is begun first (the recipe SQLAlchemy's SQLite dialect documents)."""
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    driver: Any = connection.connection.dbapi_connection
    if driver is not None and not driver.in_transaction:
        connection.exec_driver_sql("BEGIN")


def held(lease_until: datetime | None, now: datetime) -> bool:
    """Someone is still working on it: its lease has not run out."""
    return lease_until is not None and as_utc(lease_until) >= now


def exhausted(attempts: int) -> bool:
    """The give-up rule: a row claimed this often without being finished fails every time."""
    return attempts >= MAX_ATTEMPTS


class TakeOver(Enum):
    TAKEN = "taken"  # this process holds it now, with a fresh lease
    GIVEN_UP = "given up"  # it had been tried too often: closed, and nobody holds it
    LOST = "lost"  # another process took it first (or it changed since it was read)


@dataclass(frozen=True)
class Seen:
    """A leased row as it was read: its lease (the compare-and-set's token) and how often it was claimed."""

    lease_until: datetime | None
    attempts: int


def take_over(
    session: Session,
    model: Leased,
    row: ColumnElement[bool],
    seen: Seen,
    *,
    owner: str,
    now: datetime,
    lease: timedelta,
    given_up: Mapping[str, Any],
    give_up: bool = False,
) -> TakeOver:
    """Take over the row `row` selects if its lease is still the one read, counting the attempt. When it has
    been tried too often (or `give_up`: the caller knows it cannot be finished) it is closed with the
    `given_up` values instead, lease cleared."""
    giving_up = give_up or exhausted(seen.attempts)
    unchanged = model.lease_until.is_(None) if seen.lease_until is None else model.lease_until == seen.lease_until
    values: dict[str, Any] = {
        "owner": owner[:OWNER_LENGTH],
        "attempts": seen.attempts + 1,
        "lease_until": None if giving_up else now + lease,
    }
    result = session.execute(update(model).where(row, unchanged).values(**values, **(given_up if giving_up else {})))
    if not rows_matched(result):
        return TakeOver.LOST
    return TakeOver.GIVEN_UP if giving_up else TakeOver.TAKEN
