"""Each thread's last question in the store (data.chat.threads), on SQLite and PostgreSQL, and a follow-up
answered by a new service on the same store after a restart."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.briefbot import Briefbot
from bot.store import Store
from data import db
from data.chat import threads
from data.models import ThreadContext
from tests.conftest import BACKENDS

NOON = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
# A Teams channel reply chain: conversation ids run long, and the key is the whole of one.
TEAMS_CHAIN = "teams:19:" + "a1b2c3" * 40 + "@thread.tacv2;messageid=1700000000001"


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_threads_question_is_kept_replaced_and_recalled(seeded_engine: Engine) -> None:
    store = Store(seeded_engine)
    with store.write() as session:
        threads.remember(session, TEAMS_CHAIN, {"text": "NEET in JESS"}, NOON)
    with store.write() as session:
        threads.remember(session, TEAMS_CHAIN, {"text": "and 2012?"}, NOON + timedelta(minutes=5))
    with store.read() as session:
        recalled = threads.recall(session, TEAMS_CHAIN)
        rows = session.scalar(select(func.count()).select_from(ThreadContext))
        assert threads.recall(session, TEAMS_CHAIN.replace("1700000000001", "1700000000002")) is None
    assert recalled == threads.AskedBefore({"text": "and 2012?"}, NOON + timedelta(minutes=5))
    assert recalled.asked_at.tzinfo is not None and rows == 1


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_thread_written_meanwhile_by_another_process_is_updated_not_refused(seeded_engine: Engine) -> None:
    """Another replica inserted the row between this one's read and write: the insert gives way to an update,
    inside the same transaction, which still commits."""
    with Session(seeded_engine) as session, session.begin():
        session.add(ThreadContext(thread=threads.thread_digest("slack:C1:1.0"), question={"n": 1}, asked_at=NOON))
    store = Store(seeded_engine)
    with store.write() as session:
        threads.remember(session, "slack:C1:1.0", {"n": 2}, NOON + timedelta(seconds=1))
        threads.remember(session, "slack:C1:2.0", {"n": 3}, NOON + timedelta(seconds=1))
    with store.read() as session:
        recalled = [threads.recall(session, key) for key in ("slack:C1:1.0", "slack:C1:2.0")]
    assert [None if kept is None else kept.question for kept in recalled] == [{"n": 2}, {"n": 3}]


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_old_questions_are_forgotten(seeded_engine: Engine) -> None:
    store = Store(seeded_engine)
    with store.write() as session:
        threads.remember(session, "cli:old", {"n": 1}, NOON - timedelta(days=8))
        threads.remember(session, "cli:new", {"n": 2}, NOON)
    with store.write() as session:
        assert threads.forget_before(session, NOON - timedelta(days=7)) == 1
    with store.read() as session:
        assert threads.recall(session, "cli:old") is None and threads.recall(session, "cli:new") is not None


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_follow_up_still_works_after_a_restart(seeded_engine: Engine, store_url: str) -> None:
    """The question is written by one service; a new service on a new engine (the process restarted) reads the
    follow-up with it. Seed 000 §3.1.2: "149 on a plan at 31/3/13 (93 at 31/3/12)" in JESS."""
    before = Briefbot(seeded_engine, today=lambda: date(2026, 11, 22), strict=True)
    first = before.ask("CP plans JESS", thread="slack:C-restart:1700000000.000100")
    assert [fact.value for fact in first.facts if fact.role == "asked"] == [149]
    seeded_engine.dispose()

    engine = db.make_engine(store_url)
    try:
        after = Briefbot(engine, today=lambda: date(2026, 11, 22), strict=True)
        answer = after.ask("and 31/3/12?", thread="slack:C-restart:1700000000.000100")
    finally:
        engine.dispose()
    asked = [(fact.geography, fact.period_end, fact.value) for fact in answer.facts if fact.role == "asked"]
    assert asked == [("cluster-jess", date(2012, 3, 31), 93)]
    assert answer.reading.endswith("(measure and place from your last question)")
