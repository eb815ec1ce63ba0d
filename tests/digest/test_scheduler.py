"""Digest delivery on a fake clock: 09:00 London either side of the clock changes, exactly once across crashes,
restarts and two processes on one store, nothing for a cancelled meeting, late but never after the meeting."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.app.scheduler import JOB_PREFIX, DigestScheduler
from bot.briefbot import Briefbot
from bot.conversation.messenger import Messenger, RecordingMessenger, Unreachable
from bot.conversation.model import Card, Destination
from bot.digest.delivery import UNREACHABLE, DigestDesk, Planned, due_at
from data import db
from data.chat import committees, outbox
from data.chat.committees import LONDON, MeetingSpec, london_time
from data.chat.leases import MAX_ATTEMPTS
from data.chat.outbox import DeliveryClaim
from tests.conftest import BACKENDS

SPRING = date(2026, 4, 6)  # digest due Mon 30 Mar 2026, the day after the clocks go forward
AUTUMN = date(2026, 11, 2)  # digest due Mon 26 Oct 2026, the day after the clocks go back


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class NoPace:
    def wait(self, key: str) -> None:
        pass


class Poster:
    def __init__(self, messenger: RecordingMessenger) -> None:
        self.messengers: dict[str, Messenger] = {"slack": messenger}
        self.pacer = NoPace()


class RemovedFromChannel(RecordingMessenger):
    """Plays a platform whose every post says the bot is no longer in the conversation."""

    def __init__(self) -> None:
        super().__init__("slack")
        self.attempts: list[Destination] = []

    def post(self, to: Destination, card: Card, *, key: str | None = None) -> str:
        self.attempts.append(to)
        raise Unreachable("briefbot was removed from this conversation")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def set_up(engine: Engine, *days: date, channel: str = "C-IS") -> list[int]:
    with Session(engine) as session, session.begin():
        committee = committees.find_committee(session, "Inner South")
        committees.set_committee(session, replace(committee, channel=channel), actor="t", channel="cli")
        for day in days:
            spec = MeetingSpec(committee.id, london_time(day, time(18, 0)))
            committees.save_meeting(session, spec, actor="t", channel="cli")
        return [m.id for m in committees.meetings(session, committee.id) if m.day in days]


def desk(engine: Engine, clock: Clock, owner: str = "p1") -> tuple[DigestDesk, RecordingMessenger]:
    messenger = RecordingMessenger("slack")
    return DigestDesk(Briefbot(engine), Poster(messenger), owner=owner, now=clock, with_charts=False), messenger


def claim_and_die(engine: Engine, clock: Clock) -> tuple[Planned, DeliveryClaim]:
    """A process that claims the due digest and dies before posting it."""
    crashed, _ = desk(engine, clock, owner="dead")
    [planned] = crashed.plan()
    with Session(engine) as session, session.begin():
        claim = outbox.claim(
            session, planned.key, owner="dead", now=clock(), lease=timedelta(minutes=5), due_at=planned.due_at
        )
    assert claim is not None
    return planned, claim


def test_due_at_is_nine_in_london_on_both_sides_of_the_clock_changes() -> None:
    assert due_at(date(2026, 4, 4), 7) == utc(2026, 3, 28, 9)  # GMT
    assert due_at(SPRING, 7) == utc(2026, 3, 30, 8)  # BST
    assert due_at(date(2026, 10, 31), 7) == utc(2026, 10, 24, 8)  # BST
    assert due_at(AUTUMN, 7) == utc(2026, 10, 26, 9)  # GMT
    assert due_at(SPRING, 7).astimezone(LONDON).time() == time(9, 0)


@pytest.mark.parametrize(
    ("meeting", "before", "at"),
    [(SPRING, utc(2026, 3, 30, 7, 59), utc(2026, 3, 30, 8)), (AUTUMN, utc(2026, 10, 26, 8, 59), utc(2026, 10, 26, 9))],
)
def test_fake_clock_posts_at_nine_london_once(
    seeded_engine: Engine, meeting: date, before: datetime, at: datetime
) -> None:
    set_up(seeded_engine, meeting)
    clock = Clock(before)
    digest_desk, messenger = desk(seeded_engine, clock)
    assert digest_desk.run_due() == []
    clock.now = at
    assert len(digest_desk.run_due()) == 1
    clock.now = at + timedelta(hours=1)
    assert digest_desk.run_due() == []
    [card] = messenger.posts("C-IS")
    assert card.title.startswith("Inner South Community Committee") and "Posted late" not in card.text


def test_scheduler_jobs_fire_at_nine_london_across_both_changes(seeded_engine: Engine) -> None:
    set_up(seeded_engine, date(2026, 4, 4), SPRING, date(2026, 10, 31), AUTUMN)
    digest_desk, messenger = desk(seeded_engine, Clock(utc(2026, 3, 1, 12)))
    scheduler = DigestScheduler(digest_desk)
    scheduler.start(paused=True)
    try:
        runs = sorted(job.next_run_time for job in scheduler.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX))
    finally:
        scheduler.shutdown()
    assert [run.astimezone(UTC) for run in runs] == [
        utc(2026, 3, 28, 9),
        utc(2026, 3, 30, 8),
        utc(2026, 10, 24, 8),
        utc(2026, 10, 26, 9),
    ]
    assert {run.astimezone(LONDON).time() for run in runs} == {time(9, 0)}
    assert messenger.sent == []


def test_refresh_follows_calendar_changes(seeded_engine: Engine) -> None:
    set_up(seeded_engine, SPRING, AUTUMN)
    digest_desk, _ = desk(seeded_engine, Clock(utc(2026, 3, 1, 12)))
    scheduler = DigestScheduler(digest_desk)
    scheduler.start(paused=True)
    try:
        assert scheduler.refresh() == 2
        with Session(seeded_engine) as session, session.begin():
            committee = committees.find_committee(session, "Inner South")
            spec = MeetingSpec(committee.id, london_time(AUTUMN, time(18, 0)), status="cancelled")
            committees.save_meeting(session, spec, actor="t", channel="cli")
        assert scheduler.refresh() == 1
        [job] = [job for job in scheduler.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX)]
        assert job.next_run_time.astimezone(UTC) == utc(2026, 3, 30, 8)
    finally:
        scheduler.shutdown()


def test_a_cancelled_meeting_posts_nothing(seeded_engine: Engine) -> None:
    set_up(seeded_engine, SPRING)
    with Session(seeded_engine) as session, session.begin():
        committee = committees.find_committee(session, "Inner South")
        spec = MeetingSpec(committee.id, london_time(SPRING, time(18, 0)), status="cancelled")
        assert committees.save_meeting(session, spec, actor="t", channel="cli") == "cancelled"
    digest_desk, messenger = desk(seeded_engine, Clock(utc(2026, 3, 31, 9)))
    assert digest_desk.run_due() == [] and digest_desk.plan() == []
    assert messenger.sent == []


def test_a_cancellation_after_the_claim_cancels_the_pending_digest(seeded_engine: Engine) -> None:
    [meeting_id] = set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 3, 30, 8))
    planned, _ = claim_and_die(seeded_engine, clock)
    with Session(seeded_engine) as session, session.begin():
        spec = MeetingSpec(planned.committee.id, planned.meeting.starts_at, status="cancelled")
        committees.save_meeting(session, spec, actor="t", channel="cli")
    clock.now += timedelta(minutes=10)
    survivor, messenger = desk(seeded_engine, clock, owner="alive")
    assert survivor.recover() == 1 and messenger.sent == []
    with Session(seeded_engine) as session:
        assert outbox.deliveries(session, meeting_id) == []


def test_a_missed_digest_is_posted_at_start_marked_late_but_never_after_the_meeting(seeded_engine: Engine) -> None:
    [meeting_id] = set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 4, 2, 12))  # the bot was down on the 30th
    digest_desk, messenger = desk(seeded_engine, clock)
    scheduler = DigestScheduler(digest_desk)
    scheduler.start(paused=True)
    scheduler.shutdown()
    [card] = messenger.posts("C-IS")
    assert "Posted late: this briefing was due 30 Mar 2026 at 09:00." in card.lines
    with Session(seeded_engine) as session:
        [delivery] = outbox.deliveries(session, meeting_id)
    assert delivery.late and delivery.state == "sent" and delivery.message_id == "m1"

    [other] = set_up(seeded_engine, date(2026, 4, 1), channel="C-IS")
    after, quiet = desk(seeded_engine, Clock(utc(2026, 4, 1, 20)))
    assert after.run_due() == [] and quiet.sent == []
    with Session(seeded_engine) as session:
        assert outbox.deliveries(session, other) == []


def test_a_crash_between_claim_and_post_is_completed_after_restart(seeded_engine: Engine) -> None:
    [meeting_id] = set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 3, 30, 8))
    claim_and_die(seeded_engine, clock)
    restarted, messenger = desk(seeded_engine, clock, owner="restarted")
    assert restarted.run_due() == [] and restarted.recover() == 0  # the lease still holds
    clock.now += timedelta(minutes=6)
    assert restarted.recover() == 1
    assert len(messenger.posts("C-IS")) == 1
    assert restarted.recover() == 0 and restarted.run_due() == []
    with Session(seeded_engine) as session:
        [delivery] = outbox.deliveries(session, meeting_id)
    assert delivery.state == "sent" and delivery.attempts == 2


def test_a_channel_the_bot_was_removed_from_closes_its_digest_instead_of_retrying(seeded_engine: Engine) -> None:
    [meeting_id] = set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 3, 30, 8))
    messenger = RemovedFromChannel()
    digest_desk = DigestDesk(Briefbot(seeded_engine), Poster(messenger), owner="p1", now=clock, with_charts=False)
    assert digest_desk.run_due() == []
    clock.now += timedelta(hours=2)
    assert digest_desk.run_due() == [] and digest_desk.recover() == 0
    assert len(messenger.attempts) == 1 and messenger.sent == []
    with Session(seeded_engine) as session:
        [delivery] = outbox.deliveries(session, meeting_id)
    assert delivery.state == "skipped" and delivery.note == UNREACHABLE


def test_a_crash_after_posting_does_not_post_again(seeded_engine: Engine) -> None:
    set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 3, 30, 8))
    _, claim = claim_and_die(seeded_engine, clock)
    with Session(seeded_engine) as session, session.begin():
        outbox.mark_posted(session, claim.id, "C-IS:1.0")
    clock.now += timedelta(minutes=6)
    restarted, messenger = desk(seeded_engine, clock, owner="restarted")
    assert restarted.recover() == 1 and messenger.posts() == []


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_two_processes_on_one_store_post_one_digest(seeded_engine: Engine, store_url: str) -> None:
    set_up(seeded_engine, SPRING, AUTUMN)
    clock = Clock(utc(2026, 3, 30, 8))
    engines = [db.make_engine(store_url) for _ in range(2)]
    desks = [desk(engine, clock, owner=f"replica-{n}") for n, engine in enumerate(engines)]
    start = threading.Barrier(len(desks))

    def run(digest_desk: DigestDesk) -> None:
        scheduler = DigestScheduler(digest_desk)
        start.wait()
        scheduler.start(paused=True)  # at start each posts what is due: only one may
        try:
            for _ in range(3):
                scheduler.sweep()
        finally:
            scheduler.shutdown()

    threads = [threading.Thread(target=run, args=(d,)) for d, _ in desks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    posted = [card for _, messenger in desks for card in messenger.posts("C-IS")]
    assert len(posted) == 1
    for engine in engines:
        engine.dispose()


def test_a_digest_with_charts_attaches_them_in_its_thread(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session, session.begin():
        committee = committees.find_committee(session, "Inner South")
        committees.set_committee(session, replace(committee, channel="C-IS"), actor="t", channel="cli")
    messenger = RecordingMessenger("slack")
    clock = Clock(utc(2013, 6, 12, 8))
    digest_desk = DigestDesk(Briefbot(seeded_engine), Poster(messenger), owner="p", now=clock)
    assert len(digest_desk.run_due()) == 1
    charts = [sent for sent in messenger.sent if sent.action == "attach_chart"]
    assert 0 < len(charts) <= 5 and all(sent.to.thread == "m1" for sent in charts)


def test_previews_stale_messages_and_ward_briefings_share_their_moments(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session, session.begin():
        committee = committees.find_committee(session, "Inner South")
        committees.set_committee(session, replace(committee, support_channel="C-SUP"), actor="t", channel="cli")
        committees.set_ward_councillors(
            session, committees.find_ward(session, "Hunslet & Riverside"), "slack", ("U-h1",), actor="t", channel="cli"
        )
    [meeting_id] = set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 3, 1, 12))
    messenger = RecordingMessenger("slack")
    digest_desk = DigestDesk(
        Briefbot(seeded_engine),
        Poster(messenger),
        owner="p1",
        now=clock,
        with_charts=False,
        officers={"slack": ["U-o"]},
    )
    scheduler = DigestScheduler(digest_desk)
    scheduler.start(paused=True)
    try:
        runs = sorted(job.next_run_time for job in scheduler.scheduler.get_jobs() if job.id.startswith(JOB_PREFIX))
    finally:
        scheduler.shutdown()
    # Preview (with the stale-figure messages) on Sat 28 Mar, GMT; digest and ward briefing on Mon 30 Mar, BST.
    assert [run.astimezone(UTC) for run in runs] == [utc(2026, 3, 28, 9), utc(2026, 3, 30, 8)]
    clock.now = utc(2026, 3, 28, 9)
    assert len(digest_desk.run_due()) == 2
    assert [card.title.split(":")[0] for card in messenger.posts()] == [
        "Preview",
        "Figures over 12 months old in the Inner South digest for 6 Apr 2026",
    ]
    # A process that claimed the ward briefing and died: finished after restart, once.
    clock.now = utc(2026, 3, 30, 8)
    [ward] = [p for p in digest_desk.plan() if p.kind == "ward"]
    with Session(seeded_engine) as session, session.begin():
        assert outbox.claim(
            session, ward.key, owner="dead", now=clock(), lease=timedelta(minutes=5), due_at=ward.due_at
        )
    assert len(digest_desk.run_due()) == 1  # the digest; the ward briefing is another process's
    clock.now += timedelta(minutes=6)
    assert digest_desk.recover() == 1 and digest_desk.recover() == 0
    [briefing] = messenger.posts("U-h1")
    assert briefing.title.startswith("Hunslet & Riverside: children's services figures for the Inner South meeting")
    with Session(seeded_engine) as session:
        states = {(d.key.kind, d.state) for d in outbox.deliveries(session, meeting_id)}
    assert states == {("preview", "sent"), ("stale", "sent"), ("digest", "sent"), ("ward", "sent")}


def test_a_cancelled_meeting_sends_no_ward_briefing(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session, session.begin():
        ward = committees.find_ward(session, "Middleton Park")
        committees.set_ward_councillors(session, ward, "slack", ("U-m1",), actor="t", channel="cli")
    set_up(seeded_engine, SPRING)
    with Session(seeded_engine) as session, session.begin():
        committee = committees.find_committee(session, "Inner South")
        spec = MeetingSpec(committee.id, london_time(SPRING, time(18, 0)), status="cancelled")
        committees.save_meeting(session, spec, actor="t", channel="cli")
    digest_desk, messenger = desk(seeded_engine, Clock(utc(2026, 3, 30, 8)))
    assert digest_desk.plan() == [] and digest_desk.run_due() == [] and messenger.sent == []


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_delivery_whose_every_holder_dies_is_given_up_by_the_ledgers_rule(seeded_engine: Engine) -> None:
    [meeting_id] = set_up(seeded_engine, SPRING)
    clock = Clock(utc(2026, 3, 30, 8))
    claim_and_die(seeded_engine, clock)
    lease = timedelta(minutes=5)
    for attempt in range(2, MAX_ATTEMPTS + 1):
        clock.now += lease * 2
        with Session(seeded_engine) as session, session.begin():
            [taken] = outbox.take_over_expired(session, owner=f"dies-{attempt}", now=clock(), lease=lease)
        assert taken.attempts == attempt
    clock.now += lease * 2
    with Session(seeded_engine) as session, session.begin():
        assert outbox.take_over_expired(session, owner="last", now=clock(), lease=lease) == []
    with Session(seeded_engine) as session:
        [delivery] = outbox.deliveries(session, meeting_id)
    assert (delivery.state, delivery.note, delivery.attempts) == ("skipped", outbox.GIVEN_UP, MAX_ATTEMPTS + 1)
