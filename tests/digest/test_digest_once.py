"""A digest is posted once even when its process dies between the platform taking the post and the outbox hearing
its id (issue 21): on Slack the next process finds the message through conversations.history by the key it
carries as message metadata, and adopts it; on Teams, which can't say, the area support team is told it may have
gone out instead of the channel getting a second copy. Real messengers over HTTP against the loopback fakes,
on SQLite and PostgreSQL, with the survivor on an engine of its own (another replica)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.briefbot import Briefbot
from bot.conversation.messenger import Messenger
from bot.conversation.model import Card, ChartImage, Destination
from bot.digest.delivery import DigestDesk
from bot.digest.uncertain import MAY_HAVE_GONE_OUT
from data import db
from data.chat import committees, outbox
from data.chat.committees import MeetingSpec, london_time
from data.chat.outbox import DeliveryInfo
from fakes.slack import FakeSlack
from fakes.teams import BOT_ID, TENANT, FakeConnector
from handlers.slack.app import web_client
from handlers.slack.messenger import DELIVERY_EVENT, SlackMessenger
from handlers.teams.activities import TeamsReference
from handlers.teams.connector import Connector
from handlers.teams.messenger import TeamsMessenger
from tests.conftest import BACKENDS

MEETING = date(2026, 4, 6)
PREVIEW_DUE = datetime(2026, 3, 28, 9, 0, tzinfo=UTC)  # 09:00 London (GMT), two days before the digest
DUE = datetime(2026, 3, 30, 8, 0, tzinfo=UTC)  # 09:00 London (BST), a week before the meeting
CHANNELS = {"slack": ("C-IS", "C-SUP"), "teams": ("19:inner-south@thread.tacv2", "19:support@thread.tacv2")}
pytestmark = pytest.mark.parametrize("store_url", BACKENDS, indirect=True)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class NoPace:
    def wait(self, key: str) -> None:
        pass


class Killed(BaseException):
    """The process dies here: nothing after it runs, not even an `except Exception`."""


class DiesMidPost:
    """A messenger whose process dies at a point of its post: `after` the platform took it (before the outbox
    hears its id), or before the request leaves."""

    def __init__(self, inner: Messenger, *, after: bool) -> None:
        self.inner, self.after, self.platform = inner, after, inner.platform

    def post(self, to: Destination, card: Card, *, key: str | None = None) -> str:
        if self.after:
            self.inner.post(to, card, key=key)
        raise Killed

    def find_posted(self, to: Destination, key: str, since: datetime) -> str | None:
        return self.inner.find_posted(to, key, since)

    def attach_chart(self, to: Destination, chart: ChartImage) -> None:
        self.inner.attach_chart(to, chart)

    def update(self, to: Destination, message_id: str, card: Card) -> None:
        self.inner.update(to, message_id, card)


@dataclass
class Poster:
    messenger: Messenger

    @property
    def messengers(self) -> dict[str, Messenger]:
        return {self.messenger.platform: self.messenger}

    @property
    def pacer(self) -> NoPace:
        return NoPace()


@dataclass
class Platform:
    """One platform's loopback fake and a way to make a fresh messenger on it (one per process)."""

    name: str
    slack: FakeSlack | None = None
    teams: FakeConnector | None = None

    def messenger(self) -> Messenger:
        if self.slack is not None:
            return SlackMessenger(web_client("xoxb-once", self.slack.base_url))
        assert self.teams is not None
        service_url = self.teams.service_url

        def resolve(address: str) -> TeamsReference:
            return TeamsReference(service_url, address, "channel", TENANT, BOT_ID)

        return TeamsMessenger(Connector(None), resolve=resolve)

    def posted_to(self, channel: str) -> list[dict[str, Any]]:
        """Top-level messages in a channel, as its members see them."""
        if self.slack is not None:
            return [m for m in self.slack.messages.get(channel, []) if not m.get("thread_ts")]
        assert self.teams is not None
        return [
            call.body
            for call in self.teams.sent(channel)
            if call.method == "POST" and call.conversation == channel and not call.body.get("replyToId")
        ]


@pytest.fixture(params=["slack", "teams"])
def platform(request: pytest.FixtureRequest, clock: Clock) -> Iterator[Platform]:
    if request.param == "slack":
        fake = FakeSlack(clock=lambda: clock().timestamp())
        yield Platform("slack", slack=fake)
        fake.stop()
        return
    connector = FakeConnector()
    yield Platform("teams", teams=connector)
    connector.stop()


@pytest.fixture
def clock() -> Clock:
    return Clock(PREVIEW_DUE)


def set_up(engine: Engine, platform: str) -> int:
    channel, support = CHANNELS[platform]
    with Session(engine) as session, session.begin():
        found = committees.find_committee(session, "Inner South")
        changed = replace(found, platform=platform, channel=channel, support_channel=support)
        committees.set_committee(session, changed, actor="t", channel="cli")
        spec = MeetingSpec(found.id, london_time(MEETING, time(18, 0)))
        committees.save_meeting(session, spec, actor="t", channel="cli")
        [meeting] = [m for m in committees.meetings(session, found.id) if m.day == MEETING]
    return meeting.id


def notices(platform: Platform) -> list[dict[str, Any]]:
    """What the area support team got besides the preview."""
    return [m for m in platform.posted_to(CHANNELS[platform.name][1]) if "Preview" not in json.dumps(m)]


def digest_row(engine: Engine, meeting_id: int) -> DeliveryInfo:
    with Session(engine) as session:
        [row] = [d for d in outbox.deliveries(session, meeting_id) if d.key.kind == "digest"]
    return row


def die_then_recover(engine: Engine, store_url: str, platform: Platform, clock: Clock, *, after: bool) -> DigestDesk:
    """The preview goes out on its day; at the digest's, one replica dies mid-post; five minutes later (the lease
    run out) another, on its own engine, sweeps."""
    assert len(DigestDesk(Briefbot(engine), Poster(platform.messenger()), owner="early", now=clock).run_due()) == 1
    clock.now = DUE
    dying = DigestDesk(
        Briefbot(engine), Poster(DiesMidPost(platform.messenger(), after=after)), owner="dying", now=clock
    )
    with pytest.raises(Killed):
        dying.run_due()
    clock.now += timedelta(minutes=6)
    replica = db.make_engine(store_url)
    survivor = DigestDesk(Briefbot(replica), Poster(platform.messenger()), owner="survivor", now=clock)
    try:
        assert survivor.recover() == 1
        assert survivor.run_due() == [] and survivor.recover() == 0
    finally:
        replica.dispose()
    return survivor


def test_killed_after_the_platform_took_the_digest_it_is_in_the_channel_once(
    seeded_engine: Engine, store_url: str, platform: Platform, clock: Clock
) -> None:
    meeting_id = set_up(seeded_engine, platform.name)
    channel = CHANNELS[platform.name][0]
    die_then_recover(seeded_engine, store_url, platform, clock, after=True)
    [digest] = platform.posted_to(channel)
    row = digest_row(seeded_engine, meeting_id)
    if platform.slack is not None:
        # Found by its key and adopted: its charts went into its thread, and the row names it.
        assert digest["metadata"] == {"event_type": DELIVERY_EVENT, "event_payload": {"delivery": row.key.name}}
        assert row.state == "sent" and row.message_id == f"{channel}:{digest['ts']}"
        [looked] = platform.slack.to("conversations.history")
        assert looked["channel"] == channel and looked["include_all_metadata"] == "1"
        assert float(looked["oldest"]) <= DUE.timestamp() <= float(digest["ts"])
        uploads = platform.slack.to("files.completeUploadExternal")
        assert {call.get("thread_ts") for call in uploads if call.get("channel_id") == channel} == {digest["ts"]}
        assert notices(platform) == []
    else:
        # Teams can't say: one notice to the area support team, no second digest, and the row says why.
        [notice] = notices(platform)
        assert "Inner South digest for the meeting on 6 Apr 2026 may have gone out" in json.dumps(notice)
        assert row.state == "skipped" and row.note == MAY_HAVE_GONE_OUT and row.message_id is None


def test_killed_before_the_request_left_the_digest_still_goes_out_on_slack(
    seeded_engine: Engine, store_url: str, platform: Platform, clock: Clock
) -> None:
    """The outbox can't tell the two windows apart; the platform can: nothing there, so it is posted after all.
    Teams can't look, so it errs towards the notice (a person checks) rather than a possible second copy."""
    meeting_id = set_up(seeded_engine, platform.name)
    channel = CHANNELS[platform.name][0]
    die_then_recover(seeded_engine, store_url, platform, clock, after=False)
    row = digest_row(seeded_engine, meeting_id)
    if platform.slack is not None:
        [digest] = platform.posted_to(channel)
        assert row.state == "sent" and row.message_id == f"{channel}:{digest['ts']}"
        assert notices(platform) == []
    else:
        assert platform.posted_to(channel) == []
        assert len(notices(platform)) == 1 and row.note == MAY_HAVE_GONE_OUT


class Paused:
    """A pacer whose process freezes just before posting (a long GC pause, a suspended VM) until `meanwhile`
    has run: long enough for its lease to run out and another replica to take the digest over."""

    def __init__(self, meanwhile: Callable[[], None]) -> None:
        self.meanwhile: Callable[[], None] | None = meanwhile

    def wait(self, key: str) -> None:
        if self.meanwhile is not None:
            meanwhile, self.meanwhile = self.meanwhile, None
            meanwhile()


@dataclass
class PausedPoster(Poster):
    paused: Paused | None = None

    @property
    def pacer(self) -> Any:
        return self.paused


def test_a_process_that_wakes_after_being_taken_over_does_not_post(
    seeded_engine: Engine, store_url: str, platform: Platform, clock: Clock
) -> None:
    meeting_id = set_up(seeded_engine, platform.name)
    channel = CHANNELS[platform.name][0]
    assert len(DigestDesk(Briefbot(seeded_engine), Poster(platform.messenger()), owner="early", now=clock).run_due())
    clock.now = DUE
    replica = db.make_engine(store_url)
    survivor = DigestDesk(Briefbot(replica), Poster(platform.messenger()), owner="survivor", now=clock)

    def taken_over() -> None:
        clock.now += timedelta(minutes=6)
        assert survivor.recover() == 1

    frozen = DigestDesk(
        Briefbot(seeded_engine),
        PausedPoster(platform.messenger(), Paused(taken_over)),
        owner="frozen",
        now=clock,
        with_charts=False,
    )
    try:
        assert frozen.run_due() == []  # it wakes, finds the digest another's, and leaves it
    finally:
        replica.dispose()
    assert len(platform.posted_to(channel)) == 1
    row = digest_row(seeded_engine, meeting_id)
    assert row.state == "sent" and row.attempts == 2
