"""The Web API client's retries, against the loopback Slack: 429s, 5xx and Slack being down."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.messenger import OutcomeUnknown
from bot.conversation.model import Destination, Inbound, note_card
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare
from fakes.relay import Relay
from fakes.slack import FakeSlack
from handlers.retry_after import RETRY_BUDGET
from handlers.slack.app import web_client
from handlers.slack.messenger import SlackMessenger
from handlers.slack.payloads import RESPONSE_URL
from handlers.slack.retries import retry_after_seconds, retry_handlers


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("2", 2.0),
        ("1.5", 1.5),
        ("0", 0.0),
        ("-3", 0.0),
        ("3600", RETRY_BUDGET),
        ("soon", 1.0),
        (None, 1.0),
        ("nan", 1.0),
        ("inf", RETRY_BUDGET),
    ],
)
def test_retry_after_is_read_as_a_number_and_capped(header: str | None, seconds: float) -> None:
    assert retry_after_seconds(header) == seconds


def _client(fake: FakeSlack) -> WebClient:
    client = WebClient(token="xoxb-retry", base_url=fake.base_url, timeout=5)
    client.retry_handlers = retry_handlers()
    return client


def test_two_429s_with_a_fractional_retry_after_then_one_post() -> None:
    fake = FakeSlack()
    try:
        for _ in range(2):
            fake.fail_once("chat.postMessage", headers={"Retry-After": "0.2"})
        _client(fake).chat_postMessage(channel="C1", text="hello")
        calls = fake.to("chat.postMessage")
        assert len(calls) == 3  # two refused, one posted
    finally:
        fake.stop()


def test_a_500_is_retried_for_an_idempotent_call_but_not_for_a_post() -> None:
    fake = FakeSlack()
    try:
        fake.fail_once("views.publish", status=500)
        _client(fake).views_publish(user_id="U1", view={"type": "home", "blocks": []})
        assert len(fake.to("views.publish")) == 2
        fake.fail_once("chat.postMessage", status=500)
        with pytest.raises(SlackApiError):
            _client(fake).chat_postMessage(channel="C1", text="maybe posted")
        assert len(fake.to("chat.postMessage")) == 1  # an unknown outcome is not repeated
    finally:
        fake.stop()


def test_a_post_while_slack_is_down_goes_once_when_it_is_back() -> None:
    fake = FakeSlack()
    relay = Relay(fake.port)
    threading.Timer(2.0, relay.up).start()  # Slack is down for two seconds
    client = WebClient(token="xoxb-retry", base_url=f"http://127.0.0.1:{relay.port}/api/", timeout=5)
    client.retry_handlers = retry_handlers()
    try:
        started = time.monotonic()
        client.chat_postMessage(channel="C1", text="after the outage")
        assert time.monotonic() - started >= 1.5
        assert [call["text"] for call in fake.to("chat.postMessage")] == ["after the outage"]
    finally:
        relay.down()
        fake.stop()


def test_an_answer_that_arrives_slowly_is_neither_repeated_nor_contradicted(tmp_path: Path) -> None:
    """Slack posts the answer but replies after the client gave up: no second post, no apology."""
    fake = FakeSlack()
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    conversation = Conversation(Briefbot(engine, today=lambda: date(2026, 11, 22)), pacer=TokenBucketPacer(rate=100))
    client = WebClient(token="xoxb-slow", base_url=fake.base_url, timeout=1)
    client.retry_handlers = retry_handlers()
    conversation.add_messenger(SlackMessenger(client))
    fake.delay_once("chat.postMessage", 2.0)
    try:
        inbound = Inbound("slack", "U1", "help", Destination("slack", "C-slow", "1.0"), keys=("slack:event:slow",))
        future = conversation.submit(inbound)
        assert future is not None
        future.result(timeout=10)
        time.sleep(2.5)
        texts = [call["text"] for call in fake.to("chat.postMessage")]
        assert len(texts) == 1 and not texts[0].startswith("Sorry")
        assert conversation.ledger.state("slack:event:slow") == "done"
    finally:
        conversation.shutdown()
        fake.stop()
        engine.dispose()


# -- response_url: not idempotent (each post shows the person a message; a URL takes five in 30 minutes) -------


def _ephemeral_to(url: str) -> Destination:
    return Destination("slack", RESPONSE_URL + url)


def _messenger(fake: FakeSlack, timeout: int = 5) -> SlackMessenger:
    client = web_client("xoxb-respond", fake.base_url)  # the app's own client, with its retry handlers
    client.timeout = timeout
    return SlackMessenger(client)


def test_a_response_url_post_that_meets_a_500_is_reported_not_repeated() -> None:
    fake = FakeSlack()
    try:
        fake.fail_once("response_url", status=500)
        with pytest.raises(RuntimeError, match="500"):
            _messenger(fake).post(_ephemeral_to(fake.response_url("r500")), note_card("maybe shown"))
        time.sleep(1.0)  # the first of Unavailable's backoffs is 0.5-0.75 s
        assert len(fake.to("response_url")) == 1
    finally:
        fake.stop()


def test_a_response_url_post_whose_connection_drops_unanswered_is_not_repeated() -> None:
    fake = FakeSlack()
    try:
        fake.drop_once("response_url")  # read and recorded by Slack, then no answer: it may be showing
        with pytest.raises(OSError):
            _messenger(fake).post(_ephemeral_to(fake.response_url("dropped")), note_card("maybe shown"))
        time.sleep(1.0)
        assert len(fake.to("response_url")) == 1
    finally:
        fake.stop()


def test_a_response_url_post_that_times_out_is_not_repeated_and_says_the_outcome_is_unknown() -> None:
    fake = FakeSlack()
    try:
        fake.delay_once("response_url", 2.0)  # shown to the person, but Slack answers after we gave up
        with pytest.raises(OutcomeUnknown):
            _messenger(fake, timeout=1).post(_ephemeral_to(fake.response_url("slow")), note_card("shown late"))
        time.sleep(2.5)
        assert [call["text"] for call in fake.to("response_url")] == ["shown late"]
    finally:
        fake.stop()


def test_a_response_url_post_while_slack_is_down_goes_once_when_it_is_back() -> None:
    fake = FakeSlack()
    relay = Relay(fake.port)
    threading.Timer(1.5, relay.up).start()  # refused until then: nothing was sent, so it is safe to send again
    try:
        url = f"http://127.0.0.1:{relay.port}/response/down"
        assert _messenger(fake).post(_ephemeral_to(url), note_card("after the outage")) == "ephemeral"
        assert [call["text"] for call in fake.to("response_url")] == ["after the outage"]
    finally:
        relay.down()
        fake.stop()
