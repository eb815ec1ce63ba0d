"""The Teams tests' seeded store, one per test module (the endpoint tests start several servers on it)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from bot.app.teams_settings import TeamsSettings
from data import db
from data.store import prepare
from fakes.teams import FakeConnector
from tests.support.teams_harness import ADMIN, Harness, serve


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('teams') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def teams(engine: Engine) -> Iterator[Harness]:
    fake = FakeConnector()
    settings = TeamsSettings(app_id="28:briefbot-app-id", allow_unauthenticated=True, admins=frozenset({ADMIN}))
    url, route, conversation, server = serve(engine, settings)
    yield Harness(fake, url, route, conversation, engine)
    server.close()
    conversation.shutdown()
    fake.stop()
