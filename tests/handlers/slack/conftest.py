"""The Slack tests' app, one per test module: a seeded store, Briefbot, and the Bolt app served on loopback."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import date

import pytest

from bot.app.slack_app import build_slack
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.slack import FakeSlack
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from tests.support.slack_harness import SECRET, Harness


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('slack') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    app, deps = build_slack(conversation, token="xoxb-test", signing_secret=SECRET, base_url=fake.base_url)
    application = router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason)
    server = make_server(application, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Harness(fake, f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}", deps, engine)
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()
