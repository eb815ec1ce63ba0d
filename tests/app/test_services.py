"""The composition root builds each service once per process and hands it to every platform's handlers; every
thread pool it makes is closed at shutdown."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine

from bot.app.services import Background, Services
from bot.app.settings import Settings
from bot.app.slack_app import build_slack
from bot.app.teams_app import build_teams
from bot.app.teams_settings import TeamsSettings
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from data import db
from data.store import prepare
from fakes.slack import FakeSlack


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    prepare(engine, seed=False)
    yield engine
    engine.dispose()


def test_slack_and_teams_share_the_one_digest_desk_built_from_the_settings(engine: Engine) -> None:
    fake = FakeSlack()
    conversation = Conversation(Briefbot(engine))
    settings = Settings(
        database_url=str(engine.url),
        data_dir=Path("unused"),
        seed=False,
        timezone="Europe/Dublin",
        officers=frozenset({"U-officer"}),
        teams=TeamsSettings(app_id="app", allow_unauthenticated=True, officers=frozenset({"aad-officer"})),
    )
    services = Services.from_settings(settings, conversation)
    try:
        _app, deps = build_slack(
            conversation, token="xoxb-s", signing_secret="s", base_url=fake.base_url, services=services
        )
        route = build_teams(conversation, settings.teams, services=services)
        assert deps.previews.desk is services.digests
        assert route.officers.previews.previews.desk is services.digests
        assert services.digests.zone == ZoneInfo("Europe/Dublin")
        assert services.digests.officers == {"slack": {"U-officer"}, "teams": {"aad-officer"}}
        # Their pools are the process's: shutting the services down closes both.
        assert {deps.work, route.officers.pool} <= set(services.background.pools)
    finally:
        services.shutdown()
        conversation.shutdown()
        fake.stop()
    with pytest.raises(RuntimeError):
        deps.work.submit(print)
    with pytest.raises(RuntimeError):
        route.officers.pool.submit(print)


def test_background_shutdown_waits_for_work_under_way() -> None:
    background = Background()
    pool = background.pool("test", 1)
    finished: list[int] = []
    pool.submit(lambda: finished.append(1))
    background.shutdown()
    assert finished == [1]
    with pytest.raises(RuntimeError):
        pool.submit(print)
