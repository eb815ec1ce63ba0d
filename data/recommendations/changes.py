"""Officers' changes to recommendations as change sets (data.figures.changes): a new status from the plan's own
vocabulary, or a dated update. Proposed as a pending change set holding what each row was checked against,
applied once in the caller's transaction with an audit row per write carrying the change set's id, and
undone exactly, as a change set of its own.

The rules (who may, how old a preview may be, what counts as stale) are the core's; this keeps the store's
side consistent."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from data.db import as_utc
from data.figures.changes import (
    ChangeRefused,
    ChangeSetInfo,
    change_set,
    open_undo,
    propose_payload,
    settle,
    undo_target,
)
from data.figures.validation import limits, texts_problem
from data.figures.writes import audit_row, jsonable
from data.models import AuditLog, Recommendation, RecommendationPlan, RecommendationStatus, RecommendationUpdate

REC_KIND = "rec"
REC_UNDO_KIND = "rec_undo"
STATUS_ENTITY = "recommendation"
UPDATE_ENTITY = "recommendation_update"
ENTRY_LIMITS = limits(RecommendationUpdate, ("label", "text"))


@dataclass(frozen=True)
class RecChange:
    """One row of a recommendations change set. Every change adds a dated entry (label, dated, text); a status
    change also sets `status`, and keeps the status its preview saw (`expected_status`) to re-check."""

    action: str  # "status" or "update"
    plan: str
    code: str
    label: str
    dated: date
    precision: str  # "day" or "month"
    text: str
    status: str | None = None
    expected_status: str | None = None

    def to_json(self) -> dict[str, Any]:
        return jsonable(asdict(self)) or {}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RecChange:
        return cls(**{**data, "dated": date.fromisoformat(str(data["dated"]))})


@dataclass(frozen=True)
class RecChangeSet:
    info: ChangeSetInfo
    changes: tuple[RecChange, ...]


@dataclass(frozen=True)
class RecUndone:
    change_set: int
    statuses_restored: int
    entries_removed: int
    entries_restored: int


@dataclass(frozen=True)
class _Step:
    """One audited write of the change set being undone."""

    action: str
    entity: str
    key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def entry_problem(label: str, text: str) -> str | None:
    """Why an entry's label or text can't be stored (a NUL, over the column's length), or None."""
    return texts_problem({"label": label, "text": text}, ENTRY_LIMITS)


def propose(
    session: Session, changes: list[RecChange], *, actor: str, actor_name: str, channel: str, note: str | None = None
) -> int:
    payload = [change.to_json() for change in changes]
    return propose_payload(
        session, payload, actor=actor, actor_name=actor_name, channel=channel, kind=REC_KIND, note=note
    )


def rec_change_set(session: Session, change_set_id: int) -> RecChangeSet | None:
    """A change set of recommendations (None when there is none of that number, or it changed figures)."""
    info = change_set(session, change_set_id)
    if info is None or info.kind not in (REC_KIND, REC_UNDO_KIND):
        return None
    return RecChangeSet(info, tuple(RecChange.from_json(item) for item in info.payload))


def apply(session: Session, change_set_id: int, *, source_document: str) -> tuple[RecChange, ...]:
    """Write a pending change set's rows (the caller's transaction). Raises ChangeRefused when it is no longer
    pending: already applied (a replayed click) or cancelled."""
    found = rec_change_set(session, change_set_id)
    if found is None or found.info.kind != REC_KIND or not settle(session, change_set_id, "applied"):
        raise ChangeRefused("That change was already confirmed or cancelled.")
    now = datetime.now(UTC)
    for change in found.changes:
        _write(session, change, found.info, source_document, now)
    return found.changes


def undo(session: Session, change_set_id: int, *, actor: str, actor_name: str, channel: str) -> RecUndone:
    """Put back the statuses a change set replaced and remove the entries it added (or, undoing an undo, the
    reverse), as a new applied change set. Refused when something it wrote has changed since."""
    undo_target(session, change_set_id, (REC_KIND, REC_UNDO_KIND))
    steps = _steps(session, change_set_id)
    moved = [step.key for step in steps if not _as_written(session, step)]
    if moved:
        raise ChangeRefused(
            f"Change set {change_set_id} can't be undone: {'; '.join(moved[:3])} changed since. "
            "Undo the later change first."
        )
    now = datetime.now(UTC)
    undo_set = open_undo(
        session, change_set_id, actor=actor, actor_name=actor_name, channel=channel, kind=REC_UNDO_KIND, now=now
    )
    reason = f"undo of change set {change_set_id}"
    counts = {"status": 0, "delete": 0, "create": 0}
    for step in reversed(steps):
        counts[_reverse(session, step, now, actor, channel, reason, undo_set)] += 1
    return RecUndone(undo_set, counts["status"], counts["delete"], counts["create"])


# -- writing ---------------------------------------------------------------------------------------------------
def _write(session: Session, change: RecChange, info: ChangeSetInfo, source_document: str, now: datetime) -> None:
    recommendation, vocabulary = _recommendation(session, change.plan, change.code)
    key = f"{change.plan} | {change.code}"
    reason = info.note or f"change set {info.id}"
    status_id = None
    if change.action == "status" and change.status is not None:
        before = _status_code(session, recommendation.status_id)
        status_id = _status_id(session, vocabulary, change.status)
        recommendation.status_id = status_id
        after = {"status": change.status}
        _audit(session, now, info, "update", STATUS_ENTITY, key, {"status": before}, after, reason)
    entry = RecommendationUpdate(
        recommendation_id=recommendation.id,
        label=change.label,
        dated=change.dated,
        date_precision=change.precision,
        text=change.text,
        status_id=status_id,
        source_document=source_document,
        source_locator=f"change set {info.id}",
        recorded_by=info.actor_name,
        recorded_at=now,
        change_set_id=info.id,
    )
    session.add(entry)
    session.flush()
    payload = _entry_payload(entry, change.plan, change.code, change.status if status_id else None)
    _audit(session, now, info, "create", UPDATE_ENTITY, f"{key} | {change.label}", None, payload, reason)


def _audit(
    session: Session,
    now: datetime,
    info: ChangeSetInfo,
    action: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
) -> None:
    _audit_as(session, now, info.actor, info.channel, action, entity, key, before, after, reason, info.id)


def _audit_as(
    session: Session,
    now: datetime,
    actor: str,
    channel: str,
    action: str,
    entity: str,
    key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
    change_set_id: int,
) -> None:
    # data.figures.writes' audit row, with this entity instead of an observation's.
    row = audit_row(now, actor, channel, action, key, before, after, reason, change_set_id) | {"entity": entity}
    session.execute(insert(AuditLog), [row])


def _entry_payload(entry: RecommendationUpdate, plan: str, code: str, status: str | None) -> dict[str, Any]:
    return {
        "id": entry.id,
        "plan": plan,
        "code": code,
        "label": entry.label,
        "dated": entry.dated,
        "date_precision": entry.date_precision,
        "text": entry.text,
        "status": status,
        "source_document": entry.source_document,
        "source_locator": entry.source_locator,
        "recorded_by": entry.recorded_by,
        "recorded_at": as_utc(entry.recorded_at).isoformat(),
        "change_set_id": entry.change_set_id,
    }


# -- undoing ---------------------------------------------------------------------------------------------------
def _steps(session: Session, change_set_id: int) -> list[_Step]:
    rows = session.execute(
        select(AuditLog.action, AuditLog.entity, AuditLog.entity_key, AuditLog.before, AuditLog.after)
        .where(AuditLog.change_set_id == change_set_id, AuditLog.entity.in_((STATUS_ENTITY, UPDATE_ENTITY)))
        .order_by(AuditLog.id)
    ).tuples()
    return [_Step(*row) for row in rows]


def _as_written(session: Session, step: _Step) -> bool:
    """Whether what the step wrote still stands (else undoing it would overwrite a later change)."""
    if step.entity == STATUS_ENTITY:
        plan, code = _key(step.key)
        recommendation, _vocabulary = _recommendation(session, plan, code)
        return _status_code(session, recommendation.status_id) == (step.after or {}).get("status")
    exists = _entry_exists(session, int((step.after or step.before or {})["id"]))
    return exists if step.action == "create" else not exists


def _reverse(session: Session, step: _Step, now: datetime, actor: str, channel: str, reason: str, undo_set: int) -> str:
    """Reverse one step under the undo's change set; says which kind of step it was."""
    if step.entity == STATUS_ENTITY:
        plan, code = _key(step.key)
        recommendation, vocabulary = _recommendation(session, plan, code)
        recommendation.status_id = _status_id(session, vocabulary, str((step.before or {})["status"]))
        _audit_as(
            session, now, actor, channel, "update", step.entity, step.key, step.after, step.before, reason, undo_set
        )
        return "status"
    if step.action == "create":
        payload = step.after or {}
        session.execute(delete(RecommendationUpdate).where(RecommendationUpdate.id == int(payload["id"])))
        _audit_as(session, now, actor, channel, "delete", step.entity, step.key, payload, None, reason, undo_set)
        return "delete"
    payload = step.before or {}
    _restore_entry(session, payload)
    _audit_as(session, now, actor, channel, "create", step.entity, step.key, None, payload, reason, undo_set)
    return "create"


def _restore_entry(session: Session, payload: dict[str, Any]) -> None:
    """An entry an undo removed, put back as it was (same id, so a later undo finds it)."""
    recommendation, vocabulary = _recommendation(session, str(payload["plan"]), str(payload["code"]))
    status = payload.get("status")
    session.add(
        RecommendationUpdate(
            id=int(payload["id"]),
            recommendation_id=recommendation.id,
            label=str(payload["label"]),
            dated=date.fromisoformat(str(payload["dated"])),
            date_precision=str(payload["date_precision"]),
            text=str(payload["text"]),
            status_id=_status_id(session, vocabulary, str(status)) if status else None,
            source_document=str(payload["source_document"]),
            source_locator=str(payload["source_locator"]),
            recorded_by=str(payload["recorded_by"]),
            recorded_at=datetime.fromisoformat(str(payload["recorded_at"])),
            change_set_id=payload.get("change_set_id"),
        )
    )
    session.flush()


# -- lookups -----------------------------------------------------------------------------------------------------
def _key(key: str) -> tuple[str, str]:
    plan, code = (part.strip() for part in key.split(" | ")[:2])
    return plan, code


def _recommendation(session: Session, plan: str, code: str) -> tuple[Recommendation, str]:
    row = session.execute(
        select(Recommendation, RecommendationPlan.vocabulary)
        .join(RecommendationPlan, Recommendation.plan_id == RecommendationPlan.id)
        .where(RecommendationPlan.key == plan, Recommendation.code == code)
    ).first()
    if row is None:
        raise ChangeRefused(f"There is no recommendation {code} in {plan}.")
    return row[0], row[1]


def _status_id(session: Session, vocabulary: str, code: str) -> int:
    found = session.scalar(
        select(RecommendationStatus.id).where(
            RecommendationStatus.vocabulary == vocabulary, RecommendationStatus.code == code
        )
    )
    if found is None:
        raise ChangeRefused(f"{code!r} is not a status of {vocabulary}.")
    return found


def _status_code(session: Session, status_id: int) -> str:
    return str(session.scalar(select(RecommendationStatus.code).where(RecommendationStatus.id == status_id)))


def _entry_exists(session: Session, entry_id: int) -> bool:
    return session.scalar(select(RecommendationUpdate.id).where(RecommendationUpdate.id == entry_id)) is not None
