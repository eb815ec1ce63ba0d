"""Malformed Teams activities over HTTP to the real endpoint: 400 and one line, never 500, never answered, and no
request text in the log. Microsoft's Teams SDK models are the referee of "malformed": each activity here is one
they refuse too (tests/support/teams_oracle.py)."""

from __future__ import annotations

import json
import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from copy import deepcopy
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bot.app.teams_app import build_teams
from bot.app.teams_settings import TeamsSettings
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.teams import FakeConnector, personal_message
from tests.support.teams_oracle import Refused, check_activity

MARK = "zq-request-text-zq"
HUGE = "9" * 400
CHAT = "a:malformed-chat"


class Endpoint:
    def __init__(self, url: str, fake: FakeConnector) -> None:
        self.url = url
        self.fake = fake

    def post_raw(self, activity: Any) -> tuple[int, str]:
        """Straight to the endpoint: not through the fakes' referee, which would (rightly) refuse it first."""
        data = json.dumps(activity).encode()
        request = urllib.request.Request(self.url, data=data, headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return int(response.status), response.read().decode()
        except urllib.error.HTTPError as error:
            return int(error.code), error.read().decode()


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Endpoint]:
    fake = FakeConnector()
    engine = db.make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('teams-bad')) / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    conversation = Conversation(Briefbot(engine, today=lambda: date(2026, 11, 22)), pacer=TokenBucketPacer(rate=100))
    route = build_teams(conversation, TeamsSettings(app_id="28:briefbot-app-id", allow_unauthenticated=True))
    application = router({route.path: route.application}, ready=lambda: None)
    server = make_server(application, host="127.0.0.1", port=0)
    threading.Thread(target=server.run, daemon=True).start()
    yield Endpoint(f"http://127.0.0.1:{server.effective_port}{route.path}", fake)
    server.close()
    route.officers.shutdown()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def _broken(change: Callable[[dict[str, Any]], None]) -> Callable[[str], dict[str, Any]]:
    def make(service_url: str) -> dict[str, Any]:
        activity = deepcopy(personal_message("1700000000900", f"NEET in JESS {MARK}", service_url, CHAT))
        change(activity)
        return activity

    return make


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(activity: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target = activity
        for name in parents:
            target = target[name]
        if value is None:
            del target[last]
        else:
            target[last] = value

    return change


MALFORMED = {
    "text is an object": _broken(_set("text", {"a": MARK})),
    "id is a number": _broken(_set("id", 12345)),
    "type is a list": _broken(_set("type", ["message"])),
    "from is missing": _broken(_set("from", None)),
    "from is text": _broken(_set("from", MARK)),
    "conversation is missing": _broken(_set("conversation", None)),
    "conversation id is a number": _broken(_set("conversation.id", 7)),
    "a 400-digit id": _broken(_set("id", HUGE)),
    "a 400-digit conversation id": _broken(_set("conversation.id", HUGE)),
    "a 400-digit sender id": _broken(_set("from.id", HUGE)),
    "entities is an object": _broken(_set("entities", {"type": "mention"})),
    "serviceUrl is a number": _broken(_set("serviceUrl", 8080)),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_activity_gets_400_and_no_answer(
    endpoint: Endpoint, caplog: pytest.LogCaptureFixture, name: str
) -> None:
    activity = MALFORMED[name](endpoint.fake.service_url)
    if not name.startswith("a 400-digit"):  # ids have no length in the SDK's models; Teams' are short
        with pytest.raises(Refused):
            check_activity(activity)
    caplog.set_level(logging.DEBUG)
    status, body = endpoint.post_raw(activity)
    assert status == 400, (status, body)
    assert body and "\n" not in body.strip()
    for record in caplog.records:
        assert record.exc_info is None and MARK not in record.getMessage() and HUGE not in record.getMessage()
    assert endpoint.fake.sent(CHAT) == []


@pytest.mark.parametrize("body", [[], "text", 7, None])
def test_a_body_that_is_not_an_activity_gets_400(endpoint: Endpoint, body: Any) -> None:
    assert endpoint.post_raw(body)[0] == 400


def test_a_well_formed_message_is_still_answered(endpoint: Endpoint) -> None:
    activity = personal_message("1700000000901", "NEET in JESS", endpoint.fake.service_url, "a:fine-chat")
    check_activity(activity)
    assert endpoint.post_raw(activity)[0] == 200
    assert endpoint.fake.wait_for(lambda: len(endpoint.fake.sent("a:fine-chat")) >= 1)
