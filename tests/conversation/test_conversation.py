"""The conversation layer, once, with no platform: the in-process messenger records what would be posted."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.answer import Answer
from bot.briefbot import Briefbot
from bot.conversation.arrivals import Arrivals
from bot.conversation.cards import APOLOGY, BUSY, CHART_NOTE
from bot.conversation.flow import Conversation
from bot.conversation.ledger import EventLedger
from bot.conversation.messenger import RecordingMessenger
from bot.conversation.model import Destination, Inbound
from bot.conversation.pacing import TokenBucketPacer
from bot.store import StoreUnavailable
from data import db
from data.chat import ledger
from data.chat.leases import MAX_ATTEMPTS
from data.figures.periods import snapshot
from data.figures.writes import ObservationInput, write_observations
from data.models import ProcessedEvent
from data.store import prepare
from tests.conftest import BACKENDS

TODAY = date(2026, 11, 22)
T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('conversation') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    # A ward figure makes "Beeston" mean two places with figures: the question must be asked back.
    ward = ObservationInput(
        "CPP_COUNT", "E05012647", snapshot(date(2020, 3, 31)), 40.0, source_document="test", source_locator="row 1"
    )
    with Session(engine) as session, session.begin():
        write_observations(session, [ward], actor="test", channel="cli", reason="test")
    yield engine
    engine.dispose()


@pytest.fixture
def bot(engine: Engine) -> Briefbot:
    return Briefbot(engine, today=lambda: TODAY)


def _ledger(bot: Briefbot, owner: str, now: datetime = T0) -> EventLedger:
    return EventLedger(bot.store, owner=owner, lease=LEASE, now=lambda: now)


def _conversation(bot: Briefbot, *, owner: str = "live", now: datetime = T0) -> Conversation:
    return Conversation(bot, pacer=TokenBucketPacer(rate=1000, burst=10), ledger=_ledger(bot, owner, now))


def _inbound(text: str, key: str, *, thread: str | None = "t1", kind: str = "message") -> Inbound:
    return Inbound("test", "U1", text, Destination("test", f"C-{key}", thread), keys=(f"test:{key}",), kind=kind)


def _answered(conversation: Conversation, messenger: RecordingMessenger, inbound: Inbound, calls: int) -> None:
    future = conversation.submit(inbound)
    assert future is not None
    future.result(timeout=10)
    assert messenger.wait_for(calls), messenger.sent
    conversation.shutdown()


def test_a_question_is_answered_with_its_card_then_its_chart(bot: Briefbot) -> None:
    conversation, messenger = _conversation(bot), RecordingMessenger()
    conversation.add_messenger(messenger)
    _answered(conversation, messenger, _inbound("NEET in JESS", "answer"), 2)
    post, chart = messenger.sent
    assert (post.action, chart.action) == ("post", "attach_chart")
    assert post.to == chart.to == Destination("test", "C-answer", "t1")
    assert post.card is not None and post.card.title.startswith("NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013")
    assert post.card.prominent and post.card.figures[0].label == "JESS cluster: NEET 16-18 (%)"
    assert "Source: Update Report from Children's Services" in post.card.context
    assert "JESS" in chart.chart_alt_text and "9.9%" in chart.chart_alt_text
    assert conversation.ledger.state("test:answer") == "done"


def test_an_ambiguous_place_is_asked_back_with_choices_that_answer(bot: Briefbot) -> None:
    conversation, messenger = _conversation(bot), RecordingMessenger()
    conversation.add_messenger(messenger)
    future = conversation.submit(_inbound("child protection plans in beeston", "clarify"))
    assert future is not None
    future.result(timeout=10)
    card = messenger.posts()[0]
    assert not card.prominent and len(card.choices) == 3  # the BCM cluster, JESS (takes in Beeston Hill), the ward
    ward = next(choice for choice in card.choices if "ward" in choice.label)
    pressed = conversation.submit(_inbound(ward.question, "clarify-press", kind="action"))
    assert pressed is not None
    pressed.result(timeout=10)
    conversation.shutdown()
    answer = messenger.posts()[-1]
    assert answer.prominent and "Beeston & Holbeck" in answer.title and "40" in answer.title


def test_a_follow_up_button_is_answered_in_the_same_thread(bot: Briefbot) -> None:
    conversation, messenger = _conversation(bot), RecordingMessenger()
    conversation.add_messenger(messenger)
    first = conversation.submit(_inbound("CP rate Leeds", "follow", thread="t-follow"))
    assert first is not None
    first.result(timeout=10)
    follow_ups = messenger.posts()[0].follow_ups
    assert follow_ups, "an answer offers next steps"
    trend = next(choice for choice in follow_ups if "trend" in choice.question.lower())
    pressed = conversation.submit(_inbound(trend.question, "follow-press", thread="t-follow", kind="action"))
    assert pressed is not None
    pressed.result(timeout=10)
    conversation.shutdown()
    assert messenger.posts()[-1].title.startswith("Child protection plan rate, Leeds")
    assert {sent.to.thread for sent in messenger.sent} == {"t-follow"}


def test_an_error_while_answering_gets_one_apology(bot: Briefbot, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(_text: str) -> object:
        raise RuntimeError("store gone")

    monkeypatch.setattr(bot, "ask", broken)
    conversation, messenger = _conversation(bot), RecordingMessenger()
    conversation.add_messenger(messenger)
    _answered(conversation, messenger, _inbound("NEET in JESS", "error"), 1)
    assert [card.title for card in messenger.posts()] == [APOLOGY]
    assert conversation.ledger.state("test:error") == "done"


def test_a_failed_chart_upload_leaves_the_answer_and_a_note(bot: Briefbot) -> None:
    conversation, messenger = _conversation(bot), RecordingMessenger()
    conversation.add_messenger(messenger)
    messenger.fail_next("attach_chart")
    _answered(conversation, messenger, _inbound("CP rate Leeds vs England", "upload"), 2)
    answer, note = messenger.posts()
    assert answer.title.startswith("Child protection plan rate at 31 Mar 2025")
    assert note.title == CHART_NOTE and note.text == CHART_NOTE
    assert all(sent.to.thread == "t1" for sent in messenger.sent)


def test_a_duplicate_under_any_of_its_keys_is_answered_once(bot: Briefbot) -> None:
    conversation, messenger = _conversation(bot), RecordingMessenger()
    conversation.add_messenger(messenger)
    first = Inbound("test", "U1", "help", Destination("test", "C-dup"), keys=("test:event:1", "test:message:C-dup:1"))
    retry = Inbound("test", "U1", "help", Destination("test", "C-dup"), keys=("test:event:1",))
    as_other_event = Inbound(
        "test", "U1", "help", Destination("test", "C-dup"), keys=("test:event:2", "test:message:C-dup:1")
    )
    assert conversation.submit(first) is not None
    assert conversation.submit(retry) is None and conversation.submit(as_other_event) is None
    conversation.shutdown()
    assert len(messenger.posts()) == 1


def test_a_question_claimed_by_a_process_that_died_is_answered_once_on_restart(bot: Briefbot) -> None:
    dead = _ledger(bot, "dead")
    inbound = _inbound("CP plans JESS", "crash")
    assert dead.claim(inbound)  # ...and the process died before answering

    too_soon, untouched = _conversation(bot, owner="early", now=T0 + LEASE / 2), RecordingMessenger()
    too_soon.add_messenger(untouched)
    assert too_soon.recover() == 0  # the lease still holds: its owner may be alive and working
    too_soon.shutdown()

    restarted, messenger = _conversation(bot, owner="restarted", now=T0 + LEASE * 2), RecordingMessenger()
    restarted.add_messenger(messenger)
    assert restarted.recover() == 1
    assert messenger.wait_for(2)
    assert restarted.recover() == 0
    restarted.shutdown()
    assert [sent.action for sent in messenger.sent] == ["post", "attach_chart"]
    assert messenger.posts()[0].title.startswith("Child protection plans, JESS cluster: 149")
    assert untouched.sent == [] and restarted.ledger.state("test:crash") == "done"


def test_an_answer_posted_before_the_crash_is_not_posted_again(bot: Briefbot) -> None:
    dead = _ledger(bot, "dead")
    inbound = _inbound("CP rate Leeds vs England", "posted")
    assert dead.claim(inbound)
    dead.posted(inbound.key, "C-posted:1.0")  # posted, then died before the chart
    restarted, messenger = _conversation(bot, owner="restarted", now=T0 + LEASE * 2), RecordingMessenger()
    restarted.add_messenger(messenger)
    assert restarted.recover() == 1
    assert messenger.wait_for(1)
    restarted.shutdown()
    assert [sent.action for sent in messenger.sent] == ["attach_chart"]


def test_a_follow_up_claimed_by_a_process_that_died_keeps_its_thread(bot: Briefbot) -> None:
    """The thread key travels with the claim: the process that takes it over reads "and 31/3/12?" with the
    thread's last question (seed 000 §3.1.2: 93 on a plan in JESS at 31/3/12)."""
    bot.ask("CP plans JESS", thread="test:C-crash-thread:1")
    dead = _ledger(bot, "dead")
    follow = replace(_inbound("and 31/3/12?", "crash-thread"), thread_key="test:C-crash-thread:1")
    assert dead.claim(follow)
    restarted, messenger = _conversation(bot, owner="restarted", now=T0 + LEASE * 2), RecordingMessenger()
    restarted.add_messenger(messenger)
    assert restarted.recover() == 1
    assert messenger.wait_for(1)
    restarted.shutdown()
    assert messenger.posts()[0].title == "Child protection plans, JESS cluster: 93 at 31 Mar 2012."


def test_a_live_process_keeps_its_lease(bot: Briefbot) -> None:
    now = [T0]
    busy = EventLedger(bot.store, owner="busy", lease=LEASE, now=lambda: now[0])
    assert busy.claim(_inbound("NEET in JESS", "renewed"))
    now[0] = T0 + LEASE * 0.9
    busy.renew()
    other = _conversation(bot, owner="other", now=T0 + LEASE * 1.5)
    other.add_messenger(RecordingMessenger())
    assert other.recover() == 0
    other.shutdown()


# -- the store's ledger, on SQLite and PostgreSQL -----------------------------------------------------------


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_the_ledger_claims_once_takes_over_once_and_prunes(empty_engine: Engine) -> None:
    prepare(empty_engine, seed=False)
    with Session(empty_engine) as session, session.begin():
        payload = {"text": "NEET in JESS"}
        assert ledger.claim_event(session, ["e1", "m1"], payload=payload, owner="a", now=T0, lease=LEASE)
        assert not ledger.claim_event(session, ["e2", "m1"], payload=payload, owner="b", now=T0, lease=LEASE)
        assert ledger.claim_event(session, ["old"], now=T0 - timedelta(days=10))
        assert ledger.take_over_expired(session, owner="b", now=T0 + LEASE / 2, lease=LEASE) == []
        later = T0 + LEASE * 2
        taken = ledger.take_over_expired(session, owner="b", now=later, lease=LEASE)
        assert [(claim.key, claim.payload, claim.attempts) for claim in taken] == [("e1", payload, 2)]
        assert ledger.take_over_expired(session, owner="c", now=later, lease=LEASE) == []
        assert ledger.prune_events(session, older_than=T0 - timedelta(days=3)) == 1
        ledger.mark_done(session, "e1")
        rows = {row.event_id: row.state for row in session.scalars(select(ProcessedEvent))}
    assert rows == {"e1": "done", "m1": "done"}


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_an_event_that_keeps_failing_is_given_up(empty_engine: Engine) -> None:
    prepare(empty_engine, seed=False)
    with Session(empty_engine) as session, session.begin():
        assert ledger.claim_event(session, ["poison"], payload={}, owner="a", now=T0, lease=LEASE)
        now = T0
        for _ in range(MAX_ATTEMPTS - 1):
            now += LEASE * 2
            assert len(ledger.take_over_expired(session, owner="a", now=now, lease=LEASE)) == 1
        assert ledger.event_state(session, "poison") == "claimed"
        assert ledger.take_over_expired(session, owner="a", now=now + LEASE * 2, lease=LEASE) == []
        assert ledger.event_state(session, "poison") == "done"


def test_recovery_leaves_another_platforms_events_for_a_process_that_serves_it(bot: Briefbot) -> None:
    dead = _ledger(bot, "dead")
    assert dead.claim(Inbound("teams", "U1", "help", Destination("teams", "{}"), keys=("teams:elsewhere",)))
    slack_only = _conversation(bot, owner="slack-only", now=T0 + LEASE * 2)
    slack_only.add_messenger(RecordingMessenger("slack"))
    assert slack_only.recover() == 0
    slack_only.shutdown()
    assert slack_only.ledger.state("teams:elsewhere") == "claimed"
    teams = _conversation(bot, owner="teams", now=T0 + LEASE * 2)
    messenger = RecordingMessenger("teams")
    teams.add_messenger(messenger)
    assert teams.recover() == 1
    teams.shutdown()
    assert len(messenger.posts()) == 1


# -- faults: a store outage, a clean shutdown, a chart that can't be drawn ----------------------------------


def _flaky(answer: Callable[[str], Answer], failures: int) -> Callable[[str], Answer]:
    left = [failures]

    def ask(text: str) -> Answer:
        if left[0] > 0:
            left[0] -= 1
            raise StoreUnavailable("connection refused")
        return answer(text)

    return ask


def test_a_store_outage_delays_the_answer_but_does_not_lose_it(bot: Briefbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot, "ask", _flaky(bot.ask, failures=3))
    conversation = Conversation(
        bot, pacer=TokenBucketPacer(rate=1000, burst=10), ledger=_ledger(bot, "outage"), retry_delays=(0.01,) * 5
    )
    messenger = RecordingMessenger()
    conversation.add_messenger(messenger)
    assert conversation.submit(_inbound("NEET in JESS", "outage")) is not None
    assert messenger.wait_for(2)
    conversation.shutdown()
    assert [card.title[:10] for card in messenger.posts()] == ["NEET 16-18"]
    assert conversation.ledger.state("test:outage") == "done"


def test_a_store_that_stays_down_ends_in_one_apology(bot: Briefbot, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bot, "ask", _flaky(bot.ask, failures=100))
    conversation = Conversation(
        bot, pacer=TokenBucketPacer(rate=1000, burst=10), ledger=_ledger(bot, "down"), retry_delays=(0.01,) * 3
    )
    messenger = RecordingMessenger()
    conversation.add_messenger(messenger)
    conversation.submit(_inbound("NEET in JESS", "down"))
    assert messenger.wait_for(1)
    conversation.shutdown()
    assert [card.title for card in messenger.posts()] == [APOLOGY]


def test_a_shutdown_finishes_what_is_running_and_hands_over_what_is_not(
    bot: Briefbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    entered, release = threading.Event(), threading.Event()
    real_ask = bot.ask

    def slow(text: str) -> Answer:
        if text == "CP plans JESS":
            entered.set()
            release.wait(10)
        return real_ask(text)

    monkeypatch.setattr(bot, "ask", slow)
    stopping = Conversation(bot, workers=1, pacer=TokenBucketPacer(rate=1000, burst=10), ledger=_ledger(bot, "stop"))
    stopped_messenger = RecordingMessenger()
    stopping.add_messenger(stopped_messenger)
    assert stopping.submit(_inbound("CP plans JESS", "running")) is not None
    assert entered.wait(5)
    assert stopping.submit(_inbound("NEET in JESS", "queued")) is not None  # waits for the one worker
    stopper = threading.Thread(target=stopping.shutdown, kwargs={"grace": 0.2})
    stopper.start()

    successor, messenger = _conversation(bot, owner="successor"), RecordingMessenger()
    successor.add_messenger(messenger)
    deadline = time.monotonic() + 5
    taken = 0
    while not taken and time.monotonic() < deadline:  # handed over without waiting out the lease
        taken = successor.recover()
        time.sleep(0.05)
    assert taken == 1
    release.set()
    stopper.join(10)
    assert messenger.wait_for(2)
    successor.shutdown()
    assert [card.title[:10] for card in stopped_messenger.posts()] == ["Child prot"]
    assert [card.title[:10] for card in messenger.posts()] == ["NEET 16-18"]


def test_a_chart_that_cannot_be_drawn_leaves_the_answer_and_a_note(
    bot: Briefbot, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(_answer: Answer) -> None:
        raise TimeoutError("chart took too long")

    monkeypatch.setattr(bot, "chart", broken)
    conversation, messenger = _conversation(bot, owner="nochart"), RecordingMessenger()
    conversation.add_messenger(messenger)
    _answered(conversation, messenger, _inbound("NEET in JESS", "nochart"), 2)
    assert [card.title[:10] for card in messenger.posts()] == ["NEET 16-18", CHART_NOTE[:10]]


def test_beyond_its_queue_a_question_gets_a_polite_busy_reply(bot: Briefbot, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    real_ask = bot.ask
    monkeypatch.setattr(bot, "ask", lambda text: (release.wait(10), real_ask(text))[1])
    conversation = Conversation(
        bot, workers=1, pacer=TokenBucketPacer(rate=1000, burst=10), ledger=_ledger(bot, "busy"), max_queue=2
    )
    messenger = RecordingMessenger()
    conversation.add_messenger(messenger)
    for index in range(3):
        assert conversation.submit(_inbound("CP plans JESS", f"busy-{index}")) is not None
    assert messenger.wait_for(1)
    assert [card.title for card in messenger.posts()] == [BUSY]  # the third, at once
    release.set()
    assert messenger.wait_for(5)
    conversation.shutdown()
    assert len(messenger.posts()) == 3 and conversation.ledger.state("test:busy-2") == "done"


def test_replies_let_requests_being_acknowledged_go_first(bot: Briefbot) -> None:
    conversation = _conversation(bot)
    messenger = RecordingMessenger()
    conversation.add_messenger(messenger)
    with conversation.arrivals.arriving():
        future = conversation.submit(_inbound("NEET in JESS", "arrivals-1"))
        assert future is not None
        time.sleep(0.1)
        assert messenger.sent == [], "a reply started while a request was still being acknowledged"
    future.result(timeout=10)
    assert messenger.wait_for(1)
    conversation.shutdown()


def test_a_stream_of_requests_does_not_starve_the_replies() -> None:
    arrivals = Arrivals()
    with arrivals.arriving():
        began = time.monotonic()
        assert arrivals.wait_quiet(timeout=0.05) is False
        assert time.monotonic() - began < 1
    assert arrivals.wait_quiet(timeout=0) is True
