"""One import at a time. Two imports at once (an officer's CLI and a chat upload, or the same file twice)
would otherwise race: on SQLite the loser gets "database is locked" halfway through, on PostgreSQL both insert
the same figures and one dies on the unique key. Instead the second waits for the first to finish, then reads
what it wrote (so the same file a second time changes nothing), or, past its wait, says another import is
running.

The lock is a row in the store's own `meta` table, written as the import transaction's first statement: both
backends hold a written row until commit, and on SQLite that first write takes the database's write lock
before any figure is read, so the import never reads a snapshot another import is about to change.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from data.figures.importers.errors import ImportBusy
from data.models import Meta

LOCK_KEY = "import_lock"
DEFAULT_WAIT_SECONDS = 60.0
BUSY = "another import is running; try again in a moment"
META: Table = Meta.__table__  # type: ignore[assignment]


def hold_import_lock(session: Session, *, wait: float = DEFAULT_WAIT_SECONDS) -> None:
    """Take the import lock in the session's transaction (held until it commits or rolls back), waiting up
    to `wait` seconds for an import already running. Raises ImportBusy past the wait."""
    connection = session.connection()
    try:
        if connection.dialect.name == "sqlite":
            _sqlite_claim(connection, wait)
        else:
            # Only this statement waits so long; SET LOCAL ends with the transaction anyway.
            connection.exec_driver_sql(f"SET LOCAL lock_timeout = '{int(wait * 1000)}ms'")
            _claim(connection)
            connection.exec_driver_sql("SET LOCAL lock_timeout = DEFAULT")
    except OperationalError:  # SQLite's "database is locked", PostgreSQL's lock_timeout
        raise ImportBusy(BUSY) from None


def _sqlite_claim(connection: Connection, wait: float) -> None:
    # The busy timeout is the connection's, and the connection goes back to the pool: restore it.
    previous = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(wait * 1000)}")
    try:
        _claim(connection)
    finally:
        connection.exec_driver_sql(f"PRAGMA busy_timeout = {int(previous or 0)}")


def _claim(connection: Connection) -> None:
    dialect = postgresql if connection.dialect.name == "postgresql" else sqlite
    now = datetime.now(UTC).isoformat()
    statement = (
        dialect.insert(META)
        .values(key=LOCK_KEY, value=now)
        .on_conflict_do_update(index_elements=[META.c.key], set_={"value": now})
    )
    connection.execute(statement)
