"""No request text in any log line: requests carrying a distinctive phrase fail every way a Slack or Teams request
can (malformed JSON, a bad signature, an unknown command or button, an exception inside a listener, an exception
while answering) and the phrase is in no log record: not its message, not its traceback."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from wsgiref.types import WSGIApplication

import pytest

import bot.briefbot
from bot.app.slack_app import build_slack
from bot.app.teams_app import build_teams
from bot.app.teams_settings import TeamsSettings
from bot.app.web import router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.model import Inbound
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.slack import FakeSlack, block_action, mention, slash
from fakes.teams import FakeConnector, execute, personal_message
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from tests.support.wsgi import Reply, call, slack_signed

PHRASE = "Purple Walrus Budget 7731"
SECRET = "log-secret"
FORM = "application/x-www-form-urlencoded"


@dataclass
class Front:
    application: WSGIApplication
    conversation: Conversation
    slack: FakeSlack
    teams: FakeConnector
    teams_path: str

    def slack_post(self, body: str, **options: Any) -> Reply:
        return slack_signed(self.application, EVENTS_PATH, body, SECRET, **options)

    def teams_post(self, body: bytes) -> Reply:
        return call(self.application, "POST", self.teams_path, body, {"Content-Type": "application/json"})


@pytest.fixture
def front(tmp_path: Path) -> Iterator[Front]:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    conversation = Conversation(Briefbot(engine, today=lambda: date(2026, 11, 22)), pacer=TokenBucketPacer(rate=100))
    slack, teams = FakeSlack(), FakeConnector()
    slack_app, _deps = build_slack(conversation, token="xoxb-logs", signing_secret=SECRET, base_url=slack.base_url)
    route = build_teams(conversation, TeamsSettings(app_id="28:briefbot-app-id", allow_unauthenticated=True))
    routes = {EVENTS_PATH: slack_wsgi(slack_app), route.path: route.application}
    try:
        yield Front(router(routes, ready=lambda: None), conversation, slack, teams, route.path)
    finally:
        conversation.shutdown()
        slack.stop()
        teams.stop()
        engine.dispose()


def _everything_logged(records: list[logging.LogRecord]) -> str:
    formatter = logging.Formatter()
    parts = []
    for record in records:
        parts.append(record.getMessage())
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
        parts.append(record.exc_text or "")
        parts.append(record.stack_info or "")
    return "\n".join(parts)


def _listener_fails(inbound: Inbound) -> None:
    raise ValueError(f"could not take {inbound.text!r}")


def _answering_fails(text: str, *_args: object) -> None:
    raise ValueError(f"could not read {text!r}")


def test_failing_slack_requests_log_no_request_text(
    front: Front, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    assert front.slack_post('{"type": "event_callback", "event": {"text": "' + PHRASE).status == 400
    assert front.slack_post(mention("Ev-sig", PHRASE), signature="v0=" + "0" * 64).status == 401
    unknown = front.slack_post(
        slash("/nonsense", PHRASE, response_url=front.slack.response_url("r1")), content_type=FORM
    )
    assert unknown.status < 500
    press = block_action("no_such_button", PHRASE, response_url=front.slack.response_url("r2"))
    assert front.slack_post(press, content_type=FORM).status < 500
    with monkeypatch.context() as patched:
        patched.setattr(front.conversation, "submit", _listener_fails)
        assert front.slack_post(mention("Ev-listener", PHRASE)).status >= 400
    monkeypatch.setattr(bot.briefbot, "understand", _answering_fails)
    assert front.slack_post(mention("Ev-answer", PHRASE, channel="C-logs", ts="1.5")).status == 200
    front.conversation.shutdown(grace=20)
    assert front.slack.to("chat.postMessage"), "the failed answer was apologised for"
    logged = _everything_logged(caplog.records)
    assert "ValueError" in logged  # the failures were logged, by type and place
    assert PHRASE not in logged


def test_failing_teams_requests_log_no_request_text(
    front: Front, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    caplog.set_level(logging.DEBUG)
    service = front.teams.service_url
    assert front.teams_post(b'{"type": "message", "text": "' + PHRASE.encode()).status == 400
    chat = {"id": "a:personal-logs", "conversationType": "personal"}
    verb = execute("t-verb", "no.such.verb", {"question": PHRASE}, service, chat)
    assert front.teams_post(json.dumps(verb).encode()).status < 500
    with monkeypatch.context() as patched:
        patched.setattr(front.conversation, "submit", _listener_fails)
        failed = front.teams_post(json.dumps(personal_message("t-listener", PHRASE, service, "a:personal-1")).encode())
        assert failed.status >= 400
    monkeypatch.setattr(bot.briefbot, "understand", _answering_fails)
    answered = front.teams_post(json.dumps(personal_message("t-answer", PHRASE, service, "a:personal-2")).encode())
    assert answered.status < 300
    front.conversation.shutdown(grace=20)
    assert front.teams.sent("a:personal-2"), "the failed answer was apologised for"
    logged = _everything_logged(caplog.records)
    assert "ValueError" in logged
    assert PHRASE not in logged
