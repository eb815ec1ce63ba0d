"""Inserting many observation rows at once, as fast as each backend allows, inside the caller's transaction.

SQLAlchemy's executemany compiles and converts every row's parameters; for an import of half a million
figures that is most of the time. SQLite gets the driver's own executemany with plain tuples; PostgreSQL gets
COPY through psycopg 3 (`cursor.copy`), which is many times faster than INSERT. Small batches keep the Core
path, which every other write uses.
"""

from __future__ import annotations

from collections.abc import Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

BULK_FROM = 5_000  # below this, Core's executemany is as quick and needs no special path


def insert_rows(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (all with the same keys) into `table` on the session's connection."""
    if not rows:
        return
    if len(rows) < BULK_FROM:
        session.execute(insert(table), list(rows))
        return
    columns = list(rows[0])
    connection = session.connection()
    dialect = connection.dialect.name
    values = _values(connection.dialect, table, columns, rows)
    driver = connection.connection.driver_connection
    if dialect == "postgresql":
        _copy(driver, table.name, columns, values)
    elif dialect == "sqlite":
        placeholders = ", ".join("?" for _ in columns)
        cursor = driver.cursor()  # type: ignore[union-attr]
        cursor.executemany(f"INSERT INTO {table.name} ({', '.join(columns)}) VALUES ({placeholders})", values)
        cursor.close()
    else:
        session.execute(insert(table), list(rows))


def _values(dialect: Any, table: Table, columns: list[str], rows: Sequence[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """The rows as tuples in the driver's terms: only the columns whose type converts (SQLite keeps dates and
    datetimes as text; numeric columns take floats) are converted."""
    pick = itemgetter(*columns)
    values = [pick(row) for row in rows]
    converting = [
        (index, processor)
        for index, name in enumerate(columns)
        if (processor := table.c[name].type.bind_processor(dialect)) is not None
    ]
    if not converting:
        return values
    result = []
    for row in values:
        cells = list(row)
        for index, processor in converting:
            if cells[index] is not None:
                cells[index] = processor(cells[index])
        result.append(tuple(cells))
    return result


def _copy(driver: Any, table: str, columns: list[str], values: list[tuple[Any, ...]]) -> None:
    with driver.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in values:
            copy.write_row(row)
