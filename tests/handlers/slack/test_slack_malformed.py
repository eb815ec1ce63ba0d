"""Malformed Slack requests, correctly signed, over HTTP to the real app: each gets 400 with one polite line, and
nothing of the request (nor a traceback) reaches the log."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest

from bot.app.slack_app import build_slack
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from bot.figures.updates import Access
from data import db
from data.store import prepare
from fakes.slack import FakeSlack, block_action, button_click, direct_message, form, mention, post_signed, slash
from fakes.slack_requests import Response
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from handlers.slack.contract import REC_CONFIRM_ACTION, UPDATE_CANCEL_ACTION, UPDATE_CONFIRM_ACTION

SECRET = "malformed-secret"
FORM = "application/x-www-form-urlencoded"
OFFICER = "U-officer"
HUGE = "9" * 400
MARK = "zq-request-text-zq"  # request text that must never reach the log


@dataclass
class Served:
    fake: FakeSlack
    url: str

    def post(self, body: str, content_type: str = FORM) -> Response:
        return post_signed(self.url, body, SECRET, content_type=content_type)


@pytest.fixture(scope="module")
def slack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('malformed') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    access = Access(officers=frozenset({OFFICER}))
    app, _deps = build_slack(
        conversation, token="xoxb-bad", signing_secret=SECRET, base_url=fake.base_url, access=access
    )
    server = make_server(router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason), host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Served(fake, f"http://127.0.0.1:{server.effective_port}{EVENTS_PATH}")
    server.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def _payload(body: str) -> dict[str, Any]:
    from urllib.parse import parse_qs

    loaded: dict[str, Any] = json.loads(parse_qs(body)["payload"][0])
    return loaded


def _assert_refused_quietly(response: Response, caplog: pytest.LogCaptureFixture) -> None:
    assert response.status == 400, (response.status, response.body)
    assert response.body and "\n" not in response.body.strip() and "Traceback" not in response.body
    for record in caplog.records:
        assert record.exc_info is None, record.getMessage()
        assert MARK not in record.getMessage() and HUGE not in record.getMessage()
        assert "Traceback" not in record.getMessage()


def test_a_400_digit_message_ts_is_refused(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _assert_refused_quietly(
        slack.post(mention("Ev-huge-ts", f"NEET in JESS {MARK}", ts=HUGE), "application/json"), caplog
    )
    _assert_refused_quietly(
        slack.post(direct_message("Ev-huge-dm", f"NEET {MARK}", ts=HUGE), "application/json"), caplog
    )


def test_a_400_digit_thread_ts_is_refused(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    body = mention("Ev-huge-thread", f"NEET in JESS {MARK}", thread_ts=HUGE)
    _assert_refused_quietly(slack.post(body, "application/json"), caplog)


def test_a_400_digit_button_timestamp_is_refused(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _assert_refused_quietly(slack.post(button_click(f"NEET in JESS {MARK}", message_ts=HUGE, thread_ts=HUGE)), caplog)
    payload = _payload(button_click(f"NEET in JESS {MARK}"))
    payload["actions"][0]["action_ts"] = HUGE
    del payload["trigger_id"]
    _assert_refused_quietly(slack.post(form({"payload": json.dumps(payload)})), caplog)


@pytest.mark.parametrize("action_id", [UPDATE_CONFIRM_ACTION, UPDATE_CANCEL_ACTION, REC_CONFIRM_ACTION])
@pytest.mark.parametrize("value", ["1;drop", HUGE, "-1", ""])
def test_a_change_set_button_with_a_bad_value_is_refused(
    slack: Served, caplog: pytest.LogCaptureFixture, action_id: str, value: str
) -> None:
    caplog.set_level(logging.DEBUG)
    body = block_action(action_id, value, user=OFFICER, response_url=slack.fake.base_url + "response/bad")
    _assert_refused_quietly(slack.post(body), caplog)


def test_a_signed_empty_body_is_refused(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    _assert_refused_quietly(slack.post(""), caplog)
    _assert_refused_quietly(slack.post("", "application/json"), caplog)
    _assert_refused_quietly(slack.post("{}", "application/json"), caplog)


def test_block_actions_without_actions_is_refused(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    payload = _payload(button_click(f"NEET in JESS {MARK}"))
    del payload["actions"]
    _assert_refused_quietly(slack.post(form({"payload": json.dumps(payload)})), caplog)
    payload["actions"] = "not a list"
    _assert_refused_quietly(slack.post(form({"payload": json.dumps(payload)})), caplog)


def test_fields_of_the_wrong_type_are_refused(slack: Served, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    payload = _payload(button_click(f"NEET in JESS {MARK}"))
    payload["user"] = ["U1"]
    _assert_refused_quietly(slack.post(form({"payload": json.dumps(payload)})), caplog)
    event = json.loads(mention("Ev-typed", f"NEET in JESS {MARK}"))
    event["event"]["text"] = {"not": "text"}
    _assert_refused_quietly(slack.post(json.dumps(event), "application/json"), caplog)
    command = slash("/indicator", f"set {MARK}", user=OFFICER).replace("user_id=U-officer", "")
    _assert_refused_quietly(slack.post(command), caplog)


def test_well_formed_requests_still_get_200(slack: Served) -> None:
    assert slack.post(mention("Ev-fine", "NEET in JESS"), "application/json").status == 200
    assert slack.post(button_click("NEET in JESS")).status == 200
