"""Run every benchmark and print one table. Exit 1 if a target was missed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import create_engine, text

from bench import ask, ask_charts, charts, digest, ees, national, slack, slow_clients, store, teams
from bench.table import Result, render

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


def _postgres_url() -> str | None:
    url = (
        os.environ.get("BRIEFBOT_BENCH_POSTGRES_URL")
        or os.environ.get("BRIEFBOT_TEST_POSTGRES_URL")
        or DEFAULT_POSTGRES
    )
    try:
        with create_engine(url).connect() as connection:
            connection.execute(text("select 1"))
    except Exception as error:
        print(f"PostgreSQL benchmarks skipped: {url} unreachable ({error.__class__.__name__})", file=sys.stderr)
        return None
    return url


def main() -> int:
    work = Path(".bench")
    work.mkdir(exist_ok=True)
    results: list[Result] = []
    results += ask.measure(work)
    results += charts.measure()
    results += ask_charts.measure(work)
    results += ees.measure(work)
    results += national.measure_sqlite(work)
    results += slack.measure(work)
    results += teams.measure(work)
    results += slow_clients.measure()
    results += digest.measure(work)
    print("Building or reusing the 1,000,000-observation stores (first run: about a minute)...", file=sys.stderr)
    results += store.measure(store.sqlite_engine(work), "sqlite")
    postgres = _postgres_url()
    if postgres is not None:
        results += store.measure(store.postgres_engine(postgres), "postgresql")
        results += national.measure_postgres(postgres)
    print(render(results))
    return 0 if all(result.passed is not False for result in results) else 1


if __name__ == "__main__":
    sys.exit(main())
