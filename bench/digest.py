"""Committee digests: all ten committees composed, each with its charts drawn, as at a meeting."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from bench.fixtures import seed_store
from bench.table import Result, summarise
from bot.digest.compose import compose
from charts.render import render
from data.chat import committees

MEETING = date(2013, 6, 19)


def measure(directory: Path, rounds: int = 3) -> list[Result]:
    engine = seed_store(directory)
    totals: list[float] = []
    charts = 0
    try:
        for _ in range(rounds):
            started = time.perf_counter()
            with Session(engine) as session:
                for committee in committees.committees(session):
                    digest = compose(session, committee, MEETING)
                    # Uncached: every chart drawn afresh, as on the first digest of a morning.
                    charts += sum(1 for spec in digest.charts if render(spec).png)
            totals.append((time.perf_counter() - started) * 1000)
    finally:
        engine.dispose()
    name = f"digest: all ten committees, {charts // rounds} charts drawn"
    return [summarise(name, "sqlite", totals, median_under=5000)]
