"""Socket Mode: the real Bolt app on slack_sdk's own Socket Mode client (as `briefbot serve` runs it), against a
loopback WebSocket server that frames envelopes as Slack documents them (fakes/slack_socket.py)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from slack_bolt import App

from bot.app.slack_app import build_slack
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.pacing import TokenBucketPacer
from bot.store import StoreUnavailable
from data import db
from data.store import prepare
from fakes.slack import FakeSlack, mention
from fakes.slack_socket import FakeSocketMode
from handlers.slack.app import SocketMode, SocketModeRefused, web_client
from tests.support.serving import BRIEFBOT, free_port, wait_until_up

APP_TOKEN = "xapp-1-A1-test"


@dataclass
class Harness:
    fake: FakeSlack
    sockets: FakeSocketMode
    conversation: Conversation

    def thread_replies(self, channel: str) -> list[dict[str, object]]:
        return [call for call in self.fake.to("chat.postMessage") if call.get("channel") == channel]


def _event(body: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads(body)
    return loaded


@pytest.fixture(scope="module")
def socket_mode(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Harness]:
    fake, sockets = FakeSlack(), FakeSocketMode()
    fake.socket_mode_url = sockets.url
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('socket') / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    conversation = Conversation(Briefbot(engine, today=lambda: date(2026, 11, 22)), pacer=TokenBucketPacer(rate=100))
    app, _deps = build_slack(conversation, token="xoxb-test", signing_secret="unused", base_url=fake.base_url)
    handler = SocketMode(app, APP_TOKEN, arriving=conversation.arrivals.arriving)
    handler.open()
    yield Harness(fake, sockets, conversation)
    handler.close()
    conversation.shutdown()
    sockets.stop()
    fake.stop()
    engine.dispose()


def test_a_mention_over_socket_mode_is_acknowledged_and_answered_in_its_thread(socket_mode: Harness) -> None:
    ts = "1700001000.000100"
    envelope = socket_mode.sockets.deliver(_event(mention("Ev-socket", "NEET in JESS", channel="C-socket", ts=ts)))
    assert socket_mode.sockets.ack_for(envelope) == {"envelope_id": envelope}
    assert socket_mode.fake.wait_for(lambda: len(socket_mode.thread_replies("C-socket")) == 1)
    reply = socket_mode.thread_replies("C-socket")[0]
    assert reply["thread_ts"] == ts
    assert str(reply["text"]).startswith("NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013")
    # The socket's URL came from apps.connections.open, asked with the app-level token (the fake checks it).
    assert socket_mode.fake.to("apps.connections.open")


def test_an_event_the_store_cannot_record_is_not_acknowledged_and_its_redelivery_is_answered_once(
    socket_mode: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    def store_down(_inbound: object) -> bool:
        raise StoreUnavailable("connection refused")

    event = _event(mention("Ev-socket-down", "CP plans Beeston", channel="C-socket-down", ts="1700001100.000100"))
    monkeypatch.setattr(socket_mode.conversation.ledger, "claim", store_down)
    first = socket_mode.sockets.deliver(event)
    assert socket_mode.sockets.ack_for(first, timeout=2.0) is None  # unacknowledged: Slack will send it again
    monkeypatch.undo()
    again = socket_mode.sockets.deliver(event, retry_attempt=1)
    assert socket_mode.sockets.ack_for(again) == {"envelope_id": again}
    assert socket_mode.fake.wait_for(lambda: len(socket_mode.thread_replies("C-socket-down")) == 1)
    socket_mode.sockets.deliver(event, retry_attempt=2)  # once answered, a late repeat changes nothing
    time.sleep(0.5)
    assert len(socket_mode.thread_replies("C-socket-down")) == 1


def test_brief_over_socket_mode_is_acknowledged_then_answered_through_its_response_url(socket_mode: Harness) -> None:
    command = {  # a slash command's payload is the form HTTP would post, as an object
        "command": "/brief",
        "text": "JESS",
        "user_id": "U1",
        "user_name": "u1",
        "channel_id": "C-socket-brief",
        "team_id": "T1",
        "api_app_id": "A1",
        "trigger_id": f"trigger-{time.time_ns()}",
        "response_url": socket_mode.fake.response_url("socket-brief"),
    }
    envelope = socket_mode.sockets.deliver(command, kind="slash_commands")
    assert socket_mode.sockets.ack_for(envelope) == {"envelope_id": envelope}
    assert socket_mode.fake.wait_for(
        lambda: any(call["response_id"] == "socket-brief" for call in socket_mode.fake.to("response_url"))
    )
    answer = next(call for call in socket_mode.fake.to("response_url") if call["response_id"] == "socket-brief")
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith("What we hold for JESS cluster:")


def test_a_bot_token_in_place_of_the_app_token_stops_start_up_with_one_line(socket_mode: Harness) -> None:
    app = App(client=web_client("xoxb-test", socket_mode.fake.base_url), signing_secret="unused")
    handler = SocketMode(app, "xoxb-not-an-app-token")
    with pytest.raises(SocketModeRefused, match="not_allowed_token_type"):
        handler.open()
    handler.close()


# -- `briefbot serve` itself ---------------------------------------------------------------------------------


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.mark.parametrize("with_teams", [False, True], ids=["slack-only", "with-teams"])
def test_serve_in_socket_mode_answers_over_the_socket_and_serves_health(tmp_path: Path, with_teams: bool) -> None:
    """With Teams configured as well, Slack still uses Socket Mode and Teams is served over HTTP beside it."""
    fake, sockets = FakeSlack(), FakeSocketMode()
    fake.socket_mode_url = sockets.url
    port = free_port()
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "BRIEFBOT_", "TEAMS_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "SLACK_BOT_TOKEN": "xoxb-socket",
        "SLACK_SIGNING_SECRET": "unused-in-socket-mode",
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_API_BASE_URL": fake.base_url,
        "PORT": str(port),
        "BRIEFBOT_CHART_WORKERS": "1",
    }
    if with_teams:
        environment |= {"TEAMS_APP_ID": "teams-app", "TEAMS_ALLOW_UNAUTHENTICATED": "1"}
    process = subprocess.Popen(
        [BRIEFBOT, "serve"], cwd=tmp_path, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(port, process)
        assert _get(f"{base}/healthz") == (200, "ok")
        assert fake.wait_for(lambda: _get(f"{base}/readyz") == (200, "ready"), timeout=30)
        assert _get(f"{base}/slack/events")[0] == 404  # Slack sends nothing over HTTP in Socket Mode
        assert _get(f"{base}/api/messages")[0] == (405 if with_teams else 404)  # Teams' route: POST only
        ts = "1700001200.000100"
        envelope = sockets.deliver(_event(mention("Ev-serve", "kids in care jess", channel="C-serve", ts=ts)))
        assert sockets.ack_for(envelope, timeout=20) == {"envelope_id": envelope}
        assert fake.wait_for(lambda: any(c.get("channel") == "C-serve" for c in fake.to("chat.postMessage")), 30)
        reply = next(call for call in fake.to("chat.postMessage") if call.get("channel") == "C-serve")
        assert reply["thread_ts"] == ts and str(reply["text"]).startswith("Children looked after, JESS cluster")
    finally:
        process.send_signal(signal.SIGTERM)
        output = process.communicate(timeout=60)[0].decode(errors="replace")
        sockets.stop()
        fake.stop()
    assert process.returncode == 0, output[-2000:]
    assert "Slack over Socket Mode" in output


def test_serve_with_a_token_slack_refuses_stops_with_one_line_and_no_traceback(tmp_path: Path) -> None:
    fake = FakeSlack()  # apps.connections.open refuses anything but an app-level (xapp-) token
    environment = {
        **{key: value for key, value in os.environ.items() if not key.startswith(("SLACK_", "BRIEFBOT_", "TEAMS_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'store.sqlite3'}",
        "SLACK_BOT_TOKEN": "xoxb-socket",
        "SLACK_SIGNING_SECRET": "unused-in-socket-mode",
        "SLACK_APP_TOKEN": "xoxb-pasted-in-the-wrong-place",
        "SLACK_API_BASE_URL": fake.base_url,
        "PORT": str(free_port()),
        "BRIEFBOT_CHART_WORKERS": "1",
    }
    try:
        finished = subprocess.run(
            [BRIEFBOT, "serve"], cwd=tmp_path, env=environment, capture_output=True, timeout=120, check=False
        )
    finally:
        fake.stop()
    errors = finished.stderr.decode(errors="replace")
    assert finished.returncode == 1
    assert "briefbot: Slack refused Socket Mode for SLACK_APP_TOKEN: not_allowed_token_type" in errors
    assert "Traceback" not in errors + finished.stdout.decode(errors="replace")
