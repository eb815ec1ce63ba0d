"""The event ledger: every platform event claimed with a lease, posted, then done, so each is answered once.

The lease itself (claim by insert, take over by compare-and-set, give up after repeated failures) is
data.chat.leases, shared with the delivery outbox. Nothing here commits: each function changes rows inside the
caller's transaction (bot.store.Store.write)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import delete, false, insert, or_, select, update
from sqlalchemy.orm import Session

from data.chat import leases
from data.chat.leases import Seen, TakeOver
from data.db import rows_matched
from data.models import ProcessedEvent

KEY_LENGTH = 100


@dataclass(frozen=True)
class Claim:
    """An event this process holds: its keys, the work recorded with it, and what was already posted."""

    key: str
    payload: dict[str, Any]
    posted_ref: str | None
    attempts: int


def claim_event(
    session: Session,
    keys: Sequence[str],
    *,
    payload: dict[str, Any] | None = None,
    owner: str = "",
    now: datetime | None = None,
    lease: timedelta | None = None,
) -> bool:
    """True the first time any of these keys is seen, in any process or replica sharing the store.

    The first key carries the work (payload) and, with a lease, stays "claimed" until marked done; the others
    are aliases under which the same event may arrive again (Slack sends a mention as two events). Primary keys
    do the work: a concurrent second claim fails on insert, whatever the backend, and only that insert is undone
    (a savepoint), so the caller's transaction goes on."""
    now = now or datetime.now(UTC)
    unique = _unique_keys(keys)
    if lease is not None:
        rows = _claim_rows(unique, payload, owner=owner, now=now, lease=lease)
    else:
        rows = [_claim_row(key, now, work=False) for key in unique]
    return not rows or _inserted(session, rows)


def _unique_keys(keys: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(key[:KEY_LENGTH] for key in keys))


def _inserted(session: Session, rows: list[dict[str, Any]]) -> bool:
    """Insert the rows, or none of them and say False when any key is already stored. A table-level insert, not
    ORM objects: the platform's acknowledgement waits on this write, and the unit of work's bookkeeping was most
    of its cost."""
    return leases.first_to_insert(
        session,
        lambda: session.execute(insert(ProcessedEvent.__table__), rows),  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class ClaimRequest:
    """One event to claim in a batch: its keys (the first carries the work) and the work itself."""

    keys: tuple[str, ...]
    payload: dict[str, Any]


def claim_events(
    session: Session, requests: Sequence[ClaimRequest], *, owner: str, now: datetime, lease: timedelta
) -> list[bool]:
    """claim_event for many events in one transaction (one write, however many arrived together), in order:
    an event whose key is already stored, or was claimed earlier in the batch, is not claimed. Another process
    inserting one of the keys meanwhile fails the batch's insert; then each is claimed on its own."""
    wanted = [_unique_keys(request.keys) for request in requests]
    stored = set(
        session.scalars(
            select(ProcessedEvent.event_id).where(ProcessedEvent.event_id.in_({k for keys in wanted for k in keys}))
        )
    )
    results: list[bool] = []
    rows: list[dict[str, Any]] = []
    for request, keys in zip(requests, wanted, strict=True):
        fresh = stored.isdisjoint(keys)
        results.append(fresh)
        if fresh:
            stored.update(keys)
            rows += _claim_rows(keys, request.payload, owner=owner, now=now, lease=lease)
    if not rows:
        return results
    if not _inserted(session, rows):
        return [
            claim_event(session, keys, payload=request.payload, owner=owner, now=now, lease=lease) if fresh else False
            for request, keys, fresh in zip(requests, wanted, results, strict=True)
        ]
    return results


def _claim_rows(
    keys: Sequence[str], payload: dict[str, Any] | None, *, owner: str, now: datetime, lease: timedelta
) -> list[dict[str, Any]]:
    rows = [_claim_row(key, now, work=index == 0) for index, key in enumerate(keys)]
    if rows:
        owned = owner[: leases.OWNER_LENGTH]
        rows[0] |= {"lease_until": now + lease, "owner": owned, "attempts": 1, "payload": payload}
    return rows


def _claim_row(key: str, now: datetime, *, work: bool) -> dict[str, Any]:
    return {
        "event_id": key,
        "received_at": now,
        "state": "claimed" if work else "done",
        "lease_until": None,
        "owner": None,
        "attempts": 0,
        "payload": None,
    }


def mark_posted(session: Session, key: str, ref: str) -> None:
    """The answer is out: a process that finishes this event later must not post it again."""
    session.execute(
        update(ProcessedEvent).where(ProcessedEvent.event_id == key[:KEY_LENGTH]).values(state="posted", posted_ref=ref)
    )


def mark_done(session: Session, key: str) -> None:
    session.execute(
        update(ProcessedEvent)
        .where(ProcessedEvent.event_id == key[:KEY_LENGTH])
        .values(state="done", lease_until=None, payload=None)
    )


def _set_lease(session: Session, keys: Sequence[str], *, owner: str, until: datetime) -> int:
    """Move the lease of this owner's unfinished events; how many were still its own."""
    if not keys:
        return 0
    result = session.execute(
        update(ProcessedEvent)
        .where(ProcessedEvent.event_id.in_([key[:KEY_LENGTH] for key in keys]))
        .where(ProcessedEvent.owner == owner[: leases.OWNER_LENGTH])
        .where(ProcessedEvent.state != "done")
        .values(lease_until=until)
    )
    return rows_matched(result)


def renew(session: Session, keys: Sequence[str], *, owner: str, until: datetime) -> None:
    """Keep the events this process is still working on from being taken over."""
    _set_lease(session, keys, owner=owner, until=until)


def reassert(session: Session, key: str, *, owner: str, until: datetime) -> bool:
    """Still this owner's and unfinished: extend the lease and say so. False when another process took it over
    (its lease ran out while this one waited, e.g. through a database outage), which must then not post."""
    return _set_lease(session, [key], owner=owner, until=until) == 1


def release(session: Session, keys: Sequence[str], *, owner: str, now: datetime) -> None:
    """Give unfinished events back at once (a clean shutdown), so the next process needn't wait out the lease."""
    # Already past, so the next process's "lease ran out" test holds at once.
    _set_lease(session, keys, owner=owner, until=now - timedelta(seconds=1))


def take_over_expired(
    session: Session,
    *,
    owner: str,
    now: datetime,
    lease: timedelta,
    prefixes: Sequence[str] | None = None,
    limit: int = 50,
) -> list[Claim]:
    """Claims whose lease ran out (their process died) become this owner's; each is taken by one process only.

    `prefixes` limits it to the keys of platforms this process serves (a Slack-only process leaves Teams'
    events for a process that can answer them). An event that has failed leases.MAX_ATTEMPTS times, or has no
    work recorded, is given up (marked done) rather than retried for ever."""
    query = select(ProcessedEvent).where(ProcessedEvent.state != "done").where(ProcessedEvent.lease_until < now)
    if prefixes is not None:
        query = query.where(or_(false(), *(ProcessedEvent.event_id.startswith(prefix) for prefix in prefixes)))
    expired = session.scalars(query.order_by(ProcessedEvent.received_at).limit(limit)).all()
    # Plain values first: the updates below refresh the rows in the session.
    candidates = [(row.event_id, Seen(row.lease_until, row.attempts), row.payload, row.posted_ref) for row in expired]
    taken: list[Claim] = []
    for key, seen, payload, posted_ref in candidates:
        outcome = leases.take_over(
            session,
            ProcessedEvent,
            ProcessedEvent.event_id == key,
            seen,
            owner=owner,
            now=now,
            lease=lease,
            given_up={"state": "done"},
            give_up=payload is None,
        )
        if outcome is TakeOver.TAKEN and payload is not None:
            taken.append(Claim(key, dict(payload), posted_ref, seen.attempts + 1))
    return taken


def prune_events(session: Session, *, older_than: datetime) -> int:
    """Forget finished events received before a date (Slack retries within minutes; a few days is plenty)."""
    result = session.execute(
        delete(ProcessedEvent).where(ProcessedEvent.received_at < older_than).where(ProcessedEvent.state == "done")
    )
    return rows_matched(result)


def event_state(session: Session, key: str) -> str | None:
    row = session.get(ProcessedEvent, key[:KEY_LENGTH])
    return None if row is None else row.state
