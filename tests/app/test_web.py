"""The HTTP front: guards every platform shares, and Slack's own checks. What is about HTTP itself (a body refused
unread, a replayed click) goes over real sockets; what is about the application's answer is called in process
(tests/support/wsgi.py)."""

from __future__ import annotations

import json
import logging
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from datetime import date
from typing import Any
from wsgiref.types import WSGIApplication

import pytest

from bot.app.slack_app import build_slack
from bot.app.web import make_server, router
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.model import Card, Choice, KeyFigure
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.slack import FakeSlack, button_click, post_signed, sign
from handlers.slack.app import EVENTS_PATH, slack_wsgi
from handlers.slack.blocks import card_blocks, fallback_text
from tests.support.wsgi import call, slack_signed

SECRET = "web-secret"


class Server:
    def __init__(self, port: int, fake: FakeSlack, application: WSGIApplication) -> None:
        self.port = port
        self.fake = fake
        self.application = application

    @property
    def events(self) -> str:
        return f"http://127.0.0.1:{self.port}{EVENTS_PATH}"

    def raw(self, request: bytes, *, read_timeout: float = 5) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=read_timeout) as connection:
            connection.sendall(request)
            return connection.recv(65536)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('web') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    bot = Briefbot(engine, today=lambda: date(2026, 11, 22))
    conversation = Conversation(bot, pacer=TokenBucketPacer(rate=100))
    app, _deps = build_slack(conversation, token="xoxb-web", signing_secret=SECRET, base_url=fake.base_url)
    application = router({EVENTS_PATH: slack_wsgi(app)}, ready=bot.unready_reason)
    wsgi = make_server(application, host="127.0.0.1", port=0)
    threading.Thread(target=wsgi.run, daemon=True).start()
    yield Server(wsgi.effective_port, fake, application)
    wsgi.close()
    conversation.shutdown()
    fake.stop()
    engine.dispose()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_health_and_readiness(server: Server) -> None:
    assert _get(f"http://127.0.0.1:{server.port}/healthz") == (200, "ok")  # once over HTTP, end to end
    answers = {path: call(server.application, "GET", path) for path in ("/healthz", "/readyz", "/elsewhere")}
    assert (answers["/healthz"].status, answers["/healthz"].text) == (200, "ok")
    assert (answers["/readyz"].status, answers["/readyz"].text) == (200, "ready")
    assert answers["/elsewhere"].status == 404
    assert call(server.application, "GET", EVENTS_PATH).status == 405


def test_a_huge_unsigned_body_is_refused_unread_and_logged_in_one_short_line(
    server: Server, caplog: pytest.LogCaptureFixture
) -> None:
    size = 50 * 1024 * 1024
    head = f"POST {EVENTS_PATH} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {size}\r\n\r\n"
    with caplog.at_level(logging.INFO):
        started = time.monotonic()
        reply = server.raw(head.encode() + b"<!channel>" * 100)
    assert reply.startswith(b"HTTP/1.1 413"), reply[:100]
    assert time.monotonic() - started < 2  # refused on the headers, not after reading 50 MB
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert len(logged.encode()) < 1024 and "<!channel>" not in logged


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=00"}, 401),
        ({"X-Slack-Request-Timestamp": "1700000000"}, 401),
        ({}, 401),
    ],
)
def test_unsigned_or_oddly_signed_requests_get_401(server: Server, headers: dict[str, str], status: int) -> None:
    body = b'{"type": "event_callback"}'
    assert call(server.application, "POST", EVENTS_PATH, body, headers).status == status


@pytest.mark.parametrize("body", ["not json at all", '{"type": "event_callback", "event": 7}', "payload=%7Bnot"])
def test_malformed_signed_bodies_are_4xx_never_500(server: Server, body: str) -> None:
    content_type = "application/x-www-form-urlencoded" if body.startswith("payload") else "application/json"
    response = slack_signed(server.application, EVENTS_PATH, body, SECRET, content_type=content_type)
    assert 200 <= response.status < 500, response


def test_a_replayed_button_click_is_answered_once(server: Server) -> None:
    click = button_click("CP plans JESS", channel="C-replay", thread_ts="1700000000.000100")
    for _ in range(3):
        assert post_signed(server.events, click, SECRET, content_type="application/x-www-form-urlencoded").status == 200
    assert server.fake.wait_for(lambda: len(_posts(server, "C-replay")) >= 1)
    time.sleep(0.5)
    assert len(_posts(server, "C-replay")) == 1


def _posts(server: Server, channel: str) -> list[dict[str, Any]]:
    return [call for call in server.fake.to("chat.postMessage") if call.get("channel") == channel]


def test_stored_text_is_escaped_for_slack() -> None:
    hostile = "<!channel> see <https://evil.example|DfE table> & more"
    card = Card(
        title=hostile,
        prominent=False,
        lines=(hostile,),
        figures=(KeyFigure(hostile, hostile),),
        choices=(Choice("ok", "ok"),),
        context=f"Source: {hostile}",
        fallback=hostile,
    )
    rendered = json.dumps(card_blocks(card)) + fallback_text(card)
    assert "<!channel>" not in rendered and "<https://" not in rendered
    assert "&lt;!channel&gt;" in rendered and "&amp; more" in rendered


def test_signature_helper_matches_slack_docs_example() -> None:
    """Slack's documented example, so the fake signs exactly as Slack does."""
    body = (
        "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&"
        "channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&"
        "response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&"
        "trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c"
    )
    assert (
        sign("8f742231b10e8888abcd99yyyzzz85a5", 1531420618, body)
        == "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503"
    )
