"""Importing a 100,000-row EES file (children looked after format) into a fresh SQLite store."""

from __future__ import annotations

import csv
import time
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.table import Result, summarise
from data import db
from data.figures.catalogue import REFERENCE_DIR
from data.figures.importers.official import import_file
from data.models import Geography
from data.store import prepare

ROWS = 100_000
TYPES = (
    "Children looked after on 31 March each year",
    "Children starting to be looked after each year",
    "Children ceasing to be looked after each year",
)


def write_file(path: Path, authorities: list[tuple[str, str]]) -> None:
    source = REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv"
    with source.open(encoding="utf-8-sig") as handle:
        header = next(csv.reader(handle))
    per_year = len(authorities) * len(TYPES)
    years = range(2025 - ROWS // per_year, 2026)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        written = 0
        for year in years:
            for code, name in authorities:
                for kind in TYPES:
                    if written == ROWS:
                        return
                    writer.writerow(
                        {
                            "time_period": year,
                            "time_identifier": "Reporting year",
                            "geographic_level": "Local authority",
                            "country_code": "E92000001",
                            "country_name": "England",
                            "new_la_code": code,
                            "la_name": name,
                            "population_type": kind,
                            "population_estimate": 150000 + written % 977,
                            "children_count": 1000 + written % 613,
                            "rate_per_10000": 50 + written % 41,
                        }
                    )
                    written += 1


def measure(directory: Path) -> list[Result]:
    store = directory / "ees-import.sqlite3"
    store.unlink(missing_ok=True)
    engine = db.make_engine(f"sqlite:///{store}")
    prepare(engine, seed=False)
    with Session(engine) as session:
        authorities = list(
            session.execute(
                select(Geography.code, Geography.name).where(
                    Geography.type == "local_authority", Geography.valid_to.is_(None)
                )
            ).tuples()
        )
    path = directory / "ees-100k.csv"
    if not path.exists():
        write_file(path, authorities)
    started = time.perf_counter()
    with Session(engine) as session, session.begin():
        report = import_file(session, path, actor="bench")
    elapsed = (time.perf_counter() - started) * 1000
    engine.dispose()
    assert report.rows_read == ROWS, report.rows_read
    return [
        summarise(
            f"import: {ROWS:,}-row EES file ({report.figures.created:,} figures)",
            "sqlite",
            [elapsed],
            median_under=10_000,
        )
    ]
