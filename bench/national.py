"""First load of the whole national set (LAIT's 641,070 rows and the national EES tables, with the seed) into a
fresh store, as a first `briefbot ask` with BRIEFBOT_NATIONAL on does it. Target: 20 s on SQLite.

The machine is shared, so the row's name also gives the process's CPU time: wall time under load is not the
importer's."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import Engine, text

from bench.table import Result, summarise
from data import db
from data.store import prepare

TARGET_MS = 20_000
CLI_TARGET_MS = 800
CLI_RUNS = 5


def _load(engine: Engine, backend: str) -> Result:
    wall, cpu = time.perf_counter(), time.process_time()
    report = prepare(engine, seed=True, national=True)
    elapsed = (time.perf_counter() - wall) * 1000
    cpu_s = time.process_time() - cpu
    figures = sum(item.figures.created for item in report.official)
    name = f"first load: whole national set ({figures:,} official figures; {cpu_s:.1f} s CPU)"
    return summarise(name, backend, [elapsed], median_under=TARGET_MS)


def measure_sqlite(directory: Path) -> list[Result]:
    store = directory / "national.sqlite3"
    store.unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{store}")
    try:
        loaded = _load(engine, "sqlite")
    finally:
        engine.dispose()
    return [loaded, _cli(store)]


def _cli(store: Path) -> Result:
    """`briefbot ask` as a whole process (interpreter start, imports, store, answer) on the national store."""
    briefbot = Path(sys.executable).with_name("briefbot")
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{store.resolve()}", "BRIEFBOT_NATIONAL": "1"}
    timings = []
    for _ in range(CLI_RUNS):
        started = time.perf_counter()
        subprocess.run(
            [str(briefbot), "ask", "cp rate bradford vs leeds"], env=environment, check=True, capture_output=True
        )
        timings.append((time.perf_counter() - started) * 1000)
    return summarise("cli: briefbot ask, whole process (national store)", "sqlite", timings, median_under=CLI_TARGET_MS)


def measure_postgres(url: str) -> list[Result]:
    """In a schema of its own, dropped afterwards."""
    schema = "bench_national"
    admin = db.make_engine(url)
    with admin.begin() as connection:
        connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        connection.execute(text(f"CREATE SCHEMA {schema}"))
    engine = db.make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        return [_load(engine, "postgresql")]
    finally:
        engine.dispose()
        with admin.begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()
