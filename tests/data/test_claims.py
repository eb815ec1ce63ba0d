"""Claims that arrive together are written together, and still exactly once: on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Engine, event, insert, select
from sqlalchemy.orm import Session

from bot.conversation.ledger import EventLedger
from bot.conversation.model import Destination, Inbound
from bot.store import Store
from data import db
from data.chat import ledger
from data.chat.ledger import ClaimRequest
from data.models import ProcessedEvent
from data.store import prepare
from tests.conftest import BACKENDS


class Unqueued(Store):
    """No queue for our own threads: the store itself must keep each claim once when writers really race."""

    def queued(self, *, urgent: bool = False) -> AbstractContextManager[object]:
        return nullcontext()


T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)


pytestmark = pytest.mark.parametrize("store_url", BACKENDS, indirect=True)


@pytest.fixture
def engine(empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=False, official=False)
    return empty_engine


def _states(engine: Engine) -> dict[str, str]:
    with Session(engine) as session:
        return {row.event_id: row.state for row in session.scalars(select(ProcessedEvent))}


def _claim(engine: Engine, *requests: ClaimRequest) -> list[bool]:
    with Session(engine) as session, session.begin():
        return ledger.claim_events(session, requests, owner="p1", now=T0, lease=LEASE)


def test_a_batch_claims_each_new_event_once_in_order(engine: Engine) -> None:
    _claim(engine, ClaimRequest(("old",), {}))
    results = _claim(
        engine,
        ClaimRequest(("mention-1", "message-1"), {"text": "NEET in JESS"}),
        ClaimRequest(("mention-2",), {"text": "CP plans Beeston"}),
        ClaimRequest(("message-1",), {"text": "NEET in JESS"}),  # the same message, arriving under its alias
        ClaimRequest(("old", "other"), {}),
    )
    assert results == [True, True, False, False]
    states = _states(engine)
    assert states == {"old": "claimed", "mention-1": "claimed", "message-1": "done", "mention-2": "claimed"}
    with Session(engine) as session:
        first = session.get(ProcessedEvent, "mention-1")
        assert first is not None and first.payload == {"text": "NEET in JESS"} and first.owner == "p1"


def test_a_key_another_process_wrote_meanwhile_fails_only_its_own_event(engine: Engine) -> None:
    """Between the batch's look-up and its insert another replica claims one key: the batch's insert fails,
    and each event is then claimed on its own, so only the raced one is refused."""
    rival = db.make_engine(str(engine.url.render_as_string(hide_password=False)))
    raced = threading.Event()

    def rival_inserts_first(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO PROCESSED_EVENT") and not raced.is_set():
            raced.set()
            with rival.begin() as connection:
                connection.execute(insert(ProcessedEvent).values(event_id="b", received_at=T0, state="done"))

    event.listen(engine, "before_cursor_execute", rival_inserts_first)
    try:
        assert _claim(engine, ClaimRequest(("a",), {}), ClaimRequest(("b",), {})) == [True, False]
    finally:
        event.remove(engine, "before_cursor_execute", rival_inserts_first)
        rival.dispose()
    assert raced.is_set()
    assert _states(engine) == {"b": "done", "a": "claimed"}


def test_concurrent_claims_through_the_ledger_each_win_once(engine: Engine) -> None:
    ledger = EventLedger(Unqueued(engine), owner="p1", lease=LEASE)
    start = threading.Barrier(24)
    results: list[bool] = []

    def claim(index: int) -> None:
        # Twelve events, each delivered twice (as Slack sends a mention and its message event).
        inbound = Inbound(
            platform="slack",
            user="U1",
            text="NEET in JESS",
            reply_to=Destination("slack", "C1"),
            keys=(f"slack:event-{index % 12}",),
        )
        start.wait()
        results.append(ledger.claim(inbound))

    threads = [threading.Thread(target=claim, args=(index,)) for index in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results).count(True) == 12
    assert len(ledger.held()) == 12


def test_a_claim_commits_with_its_block_and_is_undone_with_it(engine: Engine) -> None:
    """The transaction rule (bot/store.py): the ledger writes inside the caller's block and leaves the commit to
    it, so a block that fails after claiming leaves no claim behind."""
    store = Store(engine)
    with pytest.raises(RuntimeError), store.write() as session:
        assert ledger.claim_event(session, ["undone"], payload={}, owner="p1", now=T0, lease=LEASE)
        raise RuntimeError("the block fails after the claim")
    assert _states(engine) == {}
    with store.write() as session:
        assert ledger.claim_event(session, ["kept"], payload={}, owner="p1", now=T0, lease=LEASE)
    assert _states(engine) == {"kept": "claimed"}


def test_a_refused_claim_undoes_only_its_own_insert(engine: Engine) -> None:
    """Insert-or-refuse inside a block: the refused insert is undone (a savepoint), what the block wrote before
    and after it stays, on SQLite and PostgreSQL."""
    _claim(engine, ClaimRequest(("taken",), {}))
    with Store(engine).write() as session:
        session.execute(insert(ProcessedEvent).values(event_id="before", received_at=T0, state="done"))
        assert not ledger.claim_event(session, ["taken"], payload={}, owner="p2", now=T0, lease=LEASE)
        assert ledger.claim_event(session, ["after"], payload={}, owner="p2", now=T0, lease=LEASE)
    assert _states(engine) == {"taken": "claimed", "before": "done", "after": "claimed"}
