"""What the recommendations tests share: a seeded store asked as chat asks it, one per test module."""

from __future__ import annotations

from datetime import date

import pytest

from bot.briefbot import Briefbot
from data import db
from data.store import prepare

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Briefbot:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('recs') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    return Briefbot(engine, today=lambda: TODAY, strict=True)
