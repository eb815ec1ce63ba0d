"""Stores the benchmarks share."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from data import db
from data.store import prepare


def seed_store(directory: Path) -> Engine:
    """The embedded store as a new user has it: catalogue, the reports' figures and the official files."""
    engine = db.make_engine(f"sqlite:///{directory / 'seed.sqlite3'}")
    prepare(engine, seed=True)
    return engine
