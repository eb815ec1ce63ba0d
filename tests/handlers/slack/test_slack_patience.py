"""Slack's limits waited through as documented, on an injected sleeper (no test waits minutes): every 429 after
its Retry-After until the ten-minute budget is spent, then the apology; a chat.postMessage that met a 5xx is
looked up by its delivery key and posted again only if it did not go out, so it arrives once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.conversation.model import Destination, Inbound, note_card
from fakes.slack import FakeSlack
from handlers.retry_after import RETRY_BUDGET
from handlers.slack.messenger import SlackMessenger
from handlers.slack.retries import retry_handlers
from tests.support.patience import Sleeper, conversation_with


@pytest.fixture
def fake() -> Iterator[FakeSlack]:
    slack = FakeSlack()
    yield slack
    slack.stop()


def messenger(fake: FakeSlack, sleeper: Sleeper) -> SlackMessenger:
    client = WebClient(token="xoxb-patient", base_url=fake.base_url, timeout=5)
    client.retry_handlers = retry_handlers(sleep=sleeper)
    return SlackMessenger(client, sleep=sleeper)


def texts(fake: FakeSlack, channel: str) -> list[str]:
    return [str(message["text"]) for message in fake.messages.get(channel, [])]


def test_every_429_is_waited_through_as_retry_after_asks_then_posted_once(fake: FakeSlack) -> None:
    for _ in range(6):
        fake.fail_once("chat.postMessage", headers={"Retry-After": "45"})
    sleeper = Sleeper()
    messenger(fake, sleeper).post(Destination("slack", "C-busy"), note_card("the answer"))
    assert len(sleeper.waits) == 6 and all(45 <= wait <= 45.25 for wait in sleeper.waits)
    assert texts(fake, "C-busy") == ["the answer"]


def test_429s_past_the_budget_fail_without_sleeping_beyond_it(fake: FakeSlack) -> None:
    for _ in range(4):
        fake.fail_once("chat.postMessage", headers={"Retry-After": "250"})
    sleeper = Sleeper()
    with pytest.raises(SlackApiError):
        messenger(fake, sleeper).post(Destination("slack", "C-busy"), note_card("the answer"))
    assert len(sleeper.waits) == 2 and 500 <= sleeper.total <= RETRY_BUDGET  # a third 250 s would pass 600
    assert texts(fake, "C-busy") == []


def test_a_post_that_met_500s_is_looked_up_then_sent_again_and_arrives_once(fake: FakeSlack) -> None:
    fake.fail_once("chat.postMessage", status=500)
    fake.fail_once("chat.postMessage", status=503)
    sleeper = Sleeper()
    message_id = messenger(fake, sleeper).post(Destination("slack", "C-flaky"), note_card("the answer"))
    assert texts(fake, "C-flaky") == ["the answer"] and message_id.startswith("C-flaky:")
    assert len(fake.to("chat.postMessage")) == 3 and len(fake.to("conversations.history")) == 2
    assert len(sleeper.waits) == 2


def test_a_reply_slack_posted_before_its_500_is_found_in_the_thread_not_posted_again(fake: FakeSlack) -> None:
    fake.fail_after_processing_once("chat.postMessage", status=502)
    sleeper = Sleeper()
    message_id = messenger(fake, sleeper).post(Destination("slack", "C-flaky", "1.000100"), note_card("the answer"))
    assert texts(fake, "C-flaky") == ["the answer"]
    assert message_id == f"C-flaky:{fake.messages['C-flaky'][0]['ts']}"
    assert len(fake.to("chat.postMessage")) == 1 and fake.to("conversations.replies")[0]["ts"] == "1.000100"


def test_slack_failing_for_longer_than_the_budget_gives_up_at_the_budget(fake: FakeSlack) -> None:
    for _ in range(60):
        fake.fail_once("chat.postMessage", status=500)
    sleeper = Sleeper()
    with pytest.raises(SlackApiError):
        messenger(fake, sleeper).post(Destination("slack", "C-down"), note_card("the answer"))
    assert RETRY_BUDGET - 1 <= sleeper.total <= RETRY_BUDGET
    assert texts(fake, "C-down") == []


@pytest.mark.parametrize(("retry_after", "limited", "answered"), [("100", 5, True), ("250", 3, False)])
def test_the_apology_comes_only_after_the_budget(
    fake: FakeSlack, tmp_path: Path, retry_after: str, limited: int, answered: bool
) -> None:
    """Through the conversation: 429s within the budget still give the answer, once; past it, one apology."""
    sleeper = Sleeper()
    for _ in range(limited):
        fake.fail_once("chat.postMessage", headers={"Retry-After": retry_after})
    with conversation_with(messenger(fake, sleeper), tmp_path) as conversation:
        inbound = Inbound("slack", "U1", "help", Destination("slack", "C-limited", "1.0"), keys=("slack:event:429",))
        future = conversation.submit(inbound)
        assert future is not None
        future.result(timeout=20)
    posted = texts(fake, "C-limited")
    assert len(posted) == 1
    assert posted[0].startswith("Sorry") is not answered
    assert sleeper.total <= RETRY_BUDGET
    if not answered:
        assert sleeper.total >= RETRY_BUDGET - float(retry_after)  # waited all it could before apologising
