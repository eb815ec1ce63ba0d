"""The Bot Connector's limits waited through as documented, on an injected sleeper: every 429 after its
Retry-After until the ten-minute budget is spent, then the apology; 412/502/504 retried with backoff; 500/503
retried only where a repeat cannot post twice (PUT, DELETE, GET), never for a POST."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.conversation.model import Destination, Inbound
from fakes.teams import BOT_ID, TENANT, FakeConnector
from handlers.retry_after import RETRY_BUDGET
from handlers.teams.activities import TeamsReference
from handlers.teams.connector import Connector, ConnectorError
from handlers.teams.messenger import TeamsMessenger
from tests.support.patience import Sleeper, conversation_with

CHAT = "a:personal-patience"


@pytest.fixture
def fake() -> Iterator[FakeConnector]:
    connector = FakeConnector()
    yield connector
    connector.stop()


def posts(fake: FakeConnector, method: str = "POST") -> int:
    return len([call for call in fake.sent(CHAT) if call.method == method])


def test_every_429_is_waited_through_as_retry_after_asks_then_sent_once(fake: FakeConnector) -> None:
    for _ in range(6):
        fake.fail_once("POST", 429, {"Retry-After": "45"})
    sleeper = Sleeper()
    assert Connector(None, sleep=sleeper).send(fake.service_url, CHAT, {"type": "message", "text": "the answer"})
    assert sleeper.waits == [45.0] * 6
    assert posts(fake) == 7  # six refused, one sent


def test_429s_past_the_budget_fail_without_sleeping_beyond_it(fake: FakeConnector) -> None:
    for _ in range(4):
        fake.fail_once("POST", 429, {"Retry-After": "250"})
    sleeper = Sleeper()
    with pytest.raises(ConnectorError, match="429"):
        Connector(None, sleep=sleeper).send(fake.service_url, CHAT, {"type": "message", "text": "the answer"})
    assert sleeper.waits == [250.0, 250.0]


def test_a_500_is_not_repeated_for_a_post_but_is_for_an_update(fake: FakeConnector) -> None:
    sleeper = Sleeper()
    connector = Connector(None, sleep=sleeper)
    fake.fail_once("POST", 500)
    with pytest.raises(ConnectorError, match="500"):
        connector.send(fake.service_url, CHAT, {"type": "message", "text": "maybe shown"})
    assert posts(fake) == 1 and sleeper.waits == []
    fake.fail_once("PUT", 500)
    fake.fail_once("PUT", 503)
    connector.update(fake.service_url, CHAT, "activity-1", {"type": "message", "text": "replaced"})
    assert posts(fake, "PUT") == 3 and len(sleeper.waits) == 2


def test_gateway_errors_are_retried_until_the_budget(fake: FakeConnector) -> None:
    for _ in range(60):
        fake.fail_once("POST", 502)
    sleeper = Sleeper()
    with pytest.raises(ConnectorError, match="502"):
        Connector(None, sleep=sleeper).send(fake.service_url, CHAT, {"type": "message", "text": "the answer"})
    assert RETRY_BUDGET - 1 <= sleeper.total <= RETRY_BUDGET


@pytest.mark.parametrize(("retry_after", "limited", "answered"), [("100", 5, True), ("250", 3, False)])
def test_the_apology_comes_only_after_the_budget(
    fake: FakeConnector, tmp_path: Path, retry_after: str, limited: int, answered: bool
) -> None:
    sleeper = Sleeper()
    reference = TeamsReference(fake.service_url, CHAT, "personal", TENANT, BOT_ID)
    messenger = TeamsMessenger(Connector(None, sleep=sleeper), resolve=lambda _address: reference)
    for _ in range(limited):
        fake.fail_once("POST", 429, {"Retry-After": retry_after})
    with conversation_with(messenger, tmp_path) as conversation:
        inbound = Inbound("teams", "aad-1", "help", Destination("teams", CHAT), keys=("teams:activity:429",))
        future = conversation.submit(inbound)
        assert future is not None
        future.result(timeout=20)
    delivered = [call.body for call in fake.sent(CHAT) if call.method == "POST"][limited:]
    assert len(delivered) == 1
    assert ("Sorry" in str(delivered[0])) is not answered
    assert sleeper.total <= RETRY_BUDGET
