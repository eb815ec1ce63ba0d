"""The delivery outbox: each digest (committee, meeting, kind, destination) goes out once, across crashes,
restarts and replicas. Claimed with a lease (data.chat.leases, shared with the event ledger); "posted" from just
before the platform is asked, with the platform's message id once it answers; "sent" when its charts are attached
too. A lease that ran out is taken over by one process only. A taken-over delivery that is "posted" with no
message id is uncertain: its holder died between asking the platform and hearing back, so whoever finishes it
must find out whether the message is there before posting it again (bot.digest.delivery).

Nothing here commits: each function changes rows inside the caller's transaction (bot.store.Store.write)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from data.chat import leases
from data.chat.leases import Seen, TakeOver
from data.db import as_utc, rows_matched
from data.figures.writes import record_audit
from data.models import Delivery

ENTITY = "delivery"
GIVEN_UP = "given up after repeated failures"
NOTE_LIMIT = 1000


@dataclass(frozen=True)
class DeliveryKey:
    committee_id: int
    meeting_id: int
    kind: str  # digest, preview, ward
    destination: str  # "platform:address"

    @property
    def name(self) -> str:
        """The delivery's own name, unique among all deliveries: what the audit log and a posted message carry."""
        return f"{self.committee_id}:{self.meeting_id}:{self.kind}:{self.destination}"


@dataclass(frozen=True)
class DeliveryClaim:
    """A delivery this process holds. message_id is set when an earlier holder already posted it; `uncertain`
    when an earlier holder was posting it and died before hearing whether the platform took it. `attempts` is
    the claim's generation: a take-over raises it, so a holder that was taken over can tell (begin_posting)."""

    id: int
    key: DeliveryKey
    due_at: datetime
    late: bool
    message_id: str | None
    attempts: int
    claimed_at: datetime
    uncertain: bool = False


@dataclass(frozen=True)
class DeliveryInfo:
    id: int
    key: DeliveryKey
    state: str
    due_at: datetime
    late: bool
    message_id: str | None
    attempts: int
    note: str | None
    support_note: str | None = None


@dataclass(frozen=True)
class AuditActor:
    """Who did something by hand, for the audit log: their key ("slack:U123") and the chat or CLI it came from."""

    key: str
    channel: str
    name: str = ""

    @property
    def shown(self) -> str:
        return self.name or self.key


def _utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _key(row: Delivery) -> DeliveryKey:
    return DeliveryKey(row.committee_id, row.meeting_id, row.kind, row.destination)


def claim(
    session: Session,
    key: DeliveryKey,
    *,
    owner: str,
    now: datetime,
    lease: timedelta,
    due_at: datetime,
    late: bool = False,
    by: AuditActor | None = None,
) -> DeliveryClaim | None:
    """This process's to deliver, or None when another holds it or it is finished.

    The unique key does the work on first sight: of two concurrent inserts one fails, on either backend (and
    only that insert is undone). A row already there is taken over only when its lease ran out unfinished.
    `by`: someone asked for it now ("Post now"), audited with the claim."""
    if _find(session, key) is not None:
        # The usual case on every sweep after a digest went out: no doomed insert (and no server error log).
        return _take_over_one(session, key, owner=owner, now=now, lease=lease, by=by)
    row = Delivery(
        committee_id=key.committee_id,
        meeting_id=key.meeting_id,
        kind=key.kind,
        destination=key.destination,
        state="claimed",
        due_at=due_at.astimezone(UTC),
        late=late,
        owner=owner[: leases.OWNER_LENGTH],
        lease_until=now + lease,
        attempts=1,
        claimed_at=now,
    )

    def insert() -> None:
        session.add(row)
        if by is not None:
            _audit(session, key, by, "post_now", "posted at once from the preview")
        session.flush()

    if not leases.first_to_insert(session, insert):
        return _take_over_one(session, key, owner=owner, now=now, lease=lease, by=by)
    return DeliveryClaim(row.id, key, due_at, late, None, 1, now)


def _find(session: Session, key: DeliveryKey) -> Delivery | None:
    return session.scalars(
        select(Delivery).where(
            Delivery.committee_id == key.committee_id,
            Delivery.meeting_id == key.meeting_id,
            Delivery.kind == key.kind,
            Delivery.destination == key.destination,
        )
    ).first()


def _take_over_one(
    session: Session, key: DeliveryKey, *, owner: str, now: datetime, lease: timedelta, by: AuditActor | None = None
) -> DeliveryClaim | None:
    row = _find(session, key)
    if row is None or row.state in ("sent", "skipped") or leases.held(row.lease_until, now):
        return None
    return _take_over(session, row, owner=owner, now=now, lease=lease, by=by)


def _take_over(
    session: Session, row: Delivery, *, owner: str, now: datetime, lease: timedelta, by: AuditActor | None = None
) -> DeliveryClaim | None:
    # Plain values first: the update below refreshes the row in the session.
    ident, key, seen = row.id, _key(row), Seen(row.lease_until, row.attempts)
    state, message_id = row.state, row.message_id
    due_at, late, claimed_at = as_utc(row.due_at), row.late, as_utc(row.claimed_at)
    outcome = leases.take_over(
        session,
        Delivery,
        Delivery.id == ident,
        seen,
        owner=owner,
        now=now,
        lease=lease,
        given_up={"state": "skipped", "note": GIVEN_UP},
    )
    if outcome is TakeOver.LOST:
        return None
    if by is not None:
        _audit(session, key, by, "post_now", "posted at once from the preview")
    if outcome is TakeOver.GIVEN_UP:
        return None
    uncertain = state == "posted" and message_id is None
    return DeliveryClaim(ident, key, due_at, late, message_id, seen.attempts + 1, claimed_at, uncertain)


def take_over_expired(
    session: Session, *, owner: str, now: datetime, lease: timedelta, limit: int = 50
) -> list[DeliveryClaim]:
    """Deliveries a dead process claimed and never finished; each becomes one live process's."""
    rows = session.scalars(
        select(Delivery)
        .where(Delivery.state.in_(("claimed", "posted")), Delivery.lease_until < now)
        .order_by(Delivery.due_at)
        .limit(limit)
    ).all()
    taken = []
    for row in rows:
        claimed = _take_over(session, row, owner=owner, now=now, lease=lease)
        if claimed is not None:
            taken.append(claimed)
    return taken


def begin_posting(session: Session, claim: DeliveryClaim, *, owner: str, now: datetime, lease: timedelta) -> bool:
    """Its own write, just before the platform is asked: from here until mark_posted the outcome is
    uncertain to anyone who takes the delivery over. False when this process no longer holds the claim (it was
    taken over meanwhile: a raised attempt count), and so must not post. The lease is renewed for the post."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == claim.id,
            Delivery.owner == owner[: leases.OWNER_LENGTH],
            Delivery.attempts == claim.attempts,
            Delivery.state.in_(("claimed", "posted")),
            Delivery.message_id.is_(None),
        )
        .values(state="posted", lease_until=now + lease)
    )
    return rows_matched(result) == 1


def posting_failed(session: Session, delivery_id: int) -> None:
    """The platform refused the post (it answered, so nothing went out): claimed again, not uncertain."""
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.state == "posted", Delivery.message_id.is_(None))
        .values(state="claimed")
    )


def mark_posted(session: Session, delivery_id: int, message_id: str) -> None:
    """The message is out: whoever finishes this delivery later must not post it again."""
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(state="posted", message_id=message_id))


def mark_sent(session: Session, delivery_id: int, *, now: datetime) -> None:
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id).values(state="sent", lease_until=None, sent_at=now)
    )


def mark_skipped(session: Session, delivery_id: int, note: str) -> None:
    """Nothing to post after all (the meeting was cancelled or has begun): closed, with the reason."""
    session.execute(
        update(Delivery).where(Delivery.id == delivery_id).values(state="skipped", lease_until=None, note=note)
    )


def release(session: Session, delivery_id: int) -> None:
    """Forget a claim that never reached the platform (its meeting was cancelled or moved), so the key can be
    claimed again."""
    session.execute(
        delete(Delivery).where(Delivery.id == delivery_id, Delivery.state == "claimed", Delivery.message_id.is_(None))
    )


def deliveries(session: Session, meeting_id: int | None = None) -> list[DeliveryInfo]:
    query = select(Delivery).order_by(Delivery.id)
    if meeting_id is not None:
        query = query.where(Delivery.meeting_id == meeting_id)
    return [_info(row) for row in session.scalars(query)]


def delivery(session: Session, delivery_id: int) -> DeliveryInfo | None:
    row = session.get(Delivery, delivery_id)
    return None if row is None else _info(row)


def find(session: Session, key: DeliveryKey) -> DeliveryInfo | None:
    row = _find(session, key)
    return None if row is None else _info(row)


def _info(row: Delivery) -> DeliveryInfo:
    return DeliveryInfo(
        row.id,
        _key(row),
        row.state,
        _utc(row.due_at) or row.due_at,
        row.late,
        row.message_id,
        row.attempts,
        row.note,
        row.support_note,
    )


# -- by hand, from a preview's buttons -------------------------------------------------------------------------
def skip(session: Session, key: DeliveryKey, *, due_at: datetime, now: datetime, by: AuditActor) -> str:
    """Close a delivery before it is posted: "skipped"; or why not: "already skipped", "posted" (it is out, or
    was being posted when its process died), or "busy" (a live process is posting it now). Audited with who."""
    row = _find(session, key)
    if row is None:
        row = Delivery(
            committee_id=key.committee_id,
            meeting_id=key.meeting_id,
            kind=key.kind,
            destination=key.destination,
            state="skipped",
            due_at=due_at.astimezone(UTC),
            owner=by.key[: leases.OWNER_LENGTH],
            attempts=0,
            claimed_at=now,
            note=_skipped_note(by),
        )

        def insert() -> None:
            session.add(row)
            _audit(session, key, by, "skip", "skipped from the preview")
            session.flush()

        if leases.first_to_insert(session, insert):
            return "skipped"
        # Claimed by a process that fell due meanwhile: judged as it now stands.
        return skip(session, key, due_at=due_at, now=now, by=by)
    return _skip_existing(session, row, now=now, by=by)


def _skip_existing(session: Session, row: Delivery, *, now: datetime, by: AuditActor) -> str:
    if row.state == "skipped":
        return "already skipped"
    if row.message_id is not None or row.state in ("posted", "sent"):
        return "posted"
    if leases.held(row.lease_until, now):
        return "busy"
    key, seen_lease = _key(row), row.lease_until
    unchanged = Delivery.lease_until.is_(None) if seen_lease is None else Delivery.lease_until == seen_lease
    result = session.execute(
        update(Delivery)
        .where(Delivery.id == row.id, unchanged, Delivery.state == "claimed", Delivery.message_id.is_(None))
        .values(state="skipped", lease_until=None, owner=by.key[: leases.OWNER_LENGTH], note=_skipped_note(by))
    )
    if not rows_matched(result):
        return "busy"
    _audit(session, key, by, "skip", "skipped from the preview")
    return "skipped"


def _skipped_note(by: AuditActor) -> str:
    return f"skipped by {by.shown}"


def set_support_note(session: Session, delivery_id: int, text: str, *, by: AuditActor) -> bool:
    """The area support team's note on a preview (empty text removes it); False when the preview is gone. Audited
    with the text before and after. The caller commits."""
    row = session.get(Delivery, delivery_id)
    if row is None:
        return False
    before = row.support_note
    row.support_note = text.strip()[:NOTE_LIMIT] or None
    record_audit(
        session,
        actor=by.key,
        channel=by.channel,
        action="update",
        entity=ENTITY,
        entity_key=_entity_key(_key(row)),
        after={"support_note": row.support_note, "was": before, "by": by.shown},
        reason="note from the area support team",
    )
    return True


def support_note(session: Session, committee_id: int, meeting_id: int) -> str | None:
    """The note the area support team added to this meeting's preview, if any (the latest preview's)."""
    return session.scalars(
        select(Delivery.support_note)
        .where(
            Delivery.committee_id == committee_id,
            Delivery.meeting_id == meeting_id,
            Delivery.kind == "preview",
            Delivery.support_note.is_not(None),
        )
        .order_by(Delivery.id.desc())
    ).first()


def _audit(session: Session, key: DeliveryKey, by: AuditActor, action: str, reason: str) -> None:
    record_audit(
        session,
        actor=by.key,
        channel=by.channel,
        action=action,
        entity=ENTITY,
        entity_key=_entity_key(key),
        after={"kind": key.kind, "destination": key.destination, "by": by.shown},
        reason=reason,
    )


def _entity_key(key: DeliveryKey) -> str:
    return key.name
