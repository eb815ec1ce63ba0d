"""The Teams tests' seeded store, one per test module (the endpoint tests start several servers on it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from data import db
from data.store import prepare


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('teams') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield engine
    engine.dispose()
