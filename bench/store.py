"""The indicator store at scale: 1,000,000 observations, latest value and a 20-year series.

The big store is built once (about a minute) and kept in .bench/ (SQLite) or the schema
`briefbot_bench` (PostgreSQL), and reused while it still holds the expected rows.
"""

from __future__ import annotations

import random
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bench.table import Result, summarise, time_calls
from data import db
from data.figures import queries
from data.models import Geography, Indicator
from data.store import prepare

INDICATORS = 50
GEOGRAPHIES = 400
YEARS = 50  # 31 Mar 1976 to 31 Mar 2025: 20,000 series x 50 = 1,000,000 observations
TOTAL = INDICATORS * GEOGRAPHIES * YEARS
FIRST_YEAR = 2025 - YEARS + 1
SCHEMA = "briefbot_bench"


def _pairs(engine: Engine) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    with Session(engine) as session:
        indicators = session.execute(select(Indicator.id, Indicator.code).order_by(Indicator.id)).tuples().all()
        geographies = session.execute(select(Geography.id, Geography.code).order_by(Geography.id)).tuples().all()
    return list(indicators[:INDICATORS]), list(geographies[:GEOGRAPHIES])


def _pad_catalogue(engine: Engine) -> None:
    """Add synthetic indicators and places so the store has 50 x 400 series."""
    with Session(engine) as session, session.begin():
        have_indicators = session.scalar(select(func.count()).select_from(Indicator)) or 0
        have_geographies = session.scalar(select(func.count()).select_from(Geography)) or 0
        indicators = [
            {
                "code": f"BENCH_{n:03d}",
                "name": f"Benchmark indicator {n}",
                "short_name": f"Bench {n}",
                "unit": "count",
                "decimals": 0,
                "polarity": "no_judgement",
                "family": f"BENCH_{n:03d}",
                "theme": "context",
                "definition": "synthetic",
                "source": "synthetic",
            }
            for n in range(INDICATORS - have_indicators)
        ]
        places = [
            {"code": f"bench-{n:03d}", "name": f"Benchmark place {n}", "type": "ward"}
            for n in range(GEOGRAPHIES - have_geographies)
        ]
        # An insert given an empty list writes one row of defaults: only pad what is short.
        for model, rows in ((Indicator, indicators), (Geography, places)):
            if rows:
                session.execute(insert(model), rows)


def _rows(indicators: list[tuple[int, str]], geographies: list[tuple[int, str]]) -> Iterator[tuple[object, ...]]:
    now = datetime.now(UTC).isoformat()
    rng = random.Random(7)
    for indicator_id, _ in indicators:
        for geography_id, _ in geographies:
            for year in range(FIRST_YEAR, 2026):
                day = date(year, 3, 31).isoformat()
                yield (
                    indicator_id,
                    geography_id,
                    day,
                    day,
                    "snapshot",
                    str(year),
                    rng.randint(0, 5000),
                    "final",
                    "bench",
                    "synthetic",
                    now,
                    "bench",
                )


COPY_COLUMNS = (
    "indicator_id",
    "geography_id",
    "period_start",
    "period_end",
    "period_kind",
    "period_label",
    "value",
    "status",
    "source_document",
    "source_locator",
    "updated_at",
    "updated_by",
)


def _fill_sqlite(path: str, rows: Iterator[tuple[object, ...]]) -> None:
    connection = sqlite3.connect(path)
    placeholders = ", ".join("?" for _ in COPY_COLUMNS)
    with connection:
        connection.executemany(f"INSERT INTO observation ({', '.join(COPY_COLUMNS)}) VALUES ({placeholders})", rows)
    connection.execute("ANALYZE")
    connection.close()


def _fill_postgres(engine: Engine, rows: Iterator[tuple[object, ...]]) -> None:
    with engine.begin() as connection:
        raw = connection.connection.driver_connection
        assert raw is not None
        with raw.cursor() as cursor, cursor.copy(f"COPY observation ({', '.join(COPY_COLUMNS)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("ANALYZE observation"))


def build(engine: Engine) -> None:
    prepare(engine, seed=False)
    with Session(engine) as session:
        count = queries.observation_count(session)
    if count == TOTAL:
        return
    if count:
        raise SystemExit(f"The benchmark store holds {count:,} observations, not {TOTAL:,}: delete it and rerun.")
    _pad_catalogue(engine)
    indicators, geographies = _pairs(engine)
    rows = _rows(indicators, geographies)
    if engine.dialect.name == "sqlite":
        database = make_url(str(engine.url)).database
        assert database is not None
        _fill_sqlite(database, rows)
    else:
        _fill_postgres(engine, rows)


def sqlite_engine(directory: Path) -> Engine:
    return db.make_engine(f"sqlite:///{directory / 'store-1m.sqlite3'}")


def postgres_engine(url: str) -> Engine:
    admin = db.make_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}"))
    admin.dispose()
    scoped = make_url(url).update_query_dict({"options": f"-csearch_path={SCHEMA}"})
    return db.make_engine(scoped.render_as_string(hide_password=False))


def measure(engine: Engine, backend: str, runs: int = 2000) -> list[Result]:
    build(engine)
    indicators, geographies = _pairs(engine)
    rng = random.Random(11)
    picks = [(rng.choice(indicators)[1], rng.choice(geographies)[1]) for _ in range(runs + 100)]
    since = date(2006, 1, 1)

    def latest(index: int) -> object:
        with Session(engine) as session:
            fact = queries.latest(session, *picks[index])
        assert fact is not None
        return fact

    def twenty_years(index: int) -> object:
        with Session(engine) as session:
            facts = queries.series(session, *picks[index], start=since)
        assert len(facts) == 20
        return facts

    return [
        summarise("store: latest value (1M observations)", backend, time_calls(latest, runs), median_under=2),
        summarise("store: 20-year series (1M observations)", backend, time_calls(twenty_years, runs), median_under=2),
    ]
