"""Store fixtures: every store test runs on SQLite and, when BRIEFBOT_TEST_POSTGRES_URL is set, PostgreSQL.

On PostgreSQL each test gets a schema of its own (dropped afterwards), so tests never see each other's rows.
In CI the PostgreSQL run is required: an unset variable or an unreachable server fails the suite.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from data import db
from data.store import prepare

# The CLI the tests start loads the Leeds slices, not every council's figures (about 20 s): only the tests of
# the national data load those, once (tests/data/test_national.py).
os.environ.setdefault("BRIEFBOT_NATIONAL", "0")
POSTGRES_URL = os.environ.get("BRIEFBOT_TEST_POSTGRES_URL", "")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
# Microsoft's Teams SDK referees every Teams activity, card and connector request the tests see; the CLI's test
# context (the `app` fixture) is shared by the digest and calendar tests without importing it.
pytest_plugins = ["tests.support.teams_oracle", "tests.support.cli"]


def pytest_sessionstart(session: pytest.Session) -> None:
    if IN_CI and not POSTGRES_URL:
        raise pytest.UsageError("CI must set BRIEFBOT_TEST_POSTGRES_URL: store tests run on PostgreSQL too.")
    if POSTGRES_URL:
        try:
            with create_engine(POSTGRES_URL).connect() as connection:
                connection.execute(text("select 1"))
        except Exception as error:
            raise pytest.UsageError(f"PostgreSQL at BRIEFBOT_TEST_POSTGRES_URL is unreachable: {error}") from error


def _schema_url(schema: str) -> str:
    url = make_url(POSTGRES_URL)
    return url.update_query_dict({"options": f"-csearch_path={schema}"}).render_as_string(hide_password=False)


@pytest.fixture
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    backend = getattr(request, "param", "sqlite")
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("BRIEFBOT_TEST_POSTGRES_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield _schema_url(schema)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def empty_engine(store_url: str) -> Iterator[Engine]:
    engine = db.make_engine(store_url)
    yield engine
    engine.dispose()


@pytest.fixture
def seeded_engine(empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=True, official=False)
    return empty_engine
