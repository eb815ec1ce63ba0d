"""Undo: restore exactly what a change set replaced and remove what it added, as a change set of its own."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from data.figures.changes.sets import ChangeRefused, ChangeSetInfo, FigureKey, change_set
from data.figures.writes import OBSERVATION, PAYLOAD_FIELDS, REVISION, audit_row, code_ids, jsonable
from data.models import AuditLog, ChangeSet, Geography, Indicator, Observation, ObservationRevision


@dataclass(frozen=True)
class UndoSummary:
    change_set: int
    restored: int
    removed: int


@dataclass(frozen=True)
class _Step:
    """One audited write of the change set being undone, with the figure as it stands now."""

    action: str
    label: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    observation_id: int | None
    current: dict[str, Any] | None
    current_set: int | None


# What a figure undo may reverse: a figure's set or import, or an undo of one.
FIGURE_UNDOABLE = ("set", "import", "undo")


def undo(session: Session, change_set_id: int, *, actor: str, actor_name: str, channel: str) -> UndoSummary:
    """Restore what a change set replaced and remove what it added, as a new applied change set. Refused when
    it was never applied, is already undone, or a figure it wrote has changed since (undo that first)."""
    target = undo_target(session, change_set_id, FIGURE_UNDOABLE)
    steps = _steps(session, change_set_id)
    moved = [step.label for step in steps if _jsonish(step.current) != _jsonish(step.after)]
    if moved:
        raise ChangeRefused(
            f"Change set {change_set_id} can't be undone: {len(moved)} figure(s) changed since "
            f"({'; '.join(moved[:3])}). Undo the later change first."
        )
    now = datetime.now(UTC)
    undo_set = open_undo(
        session, change_set_id, actor=actor, actor_name=actor_name, channel=channel, kind="undo", now=now
    )
    reason = f"undo of change set {change_set_id}"
    restored = removed = 0
    for step in steps:
        if step.action == "create":
            _remove(session, step, now, actor, channel, reason, undo_set)
            removed += 1
        else:
            previous = _previous_set(session, step, change_set_id, target.undoes)
            _restore(session, step, previous, now, actor, channel, reason, undo_set)
            restored += 1
    return UndoSummary(undo_set, restored, removed)


def undo_target(session: Session, change_set_id: int, kinds: tuple[str, ...]) -> ChangeSetInfo:
    """The change set to undo, if it may be: applied, not undone already, and of one of `kinds` (figures are
    undone by figure rules, recommendations by theirs). Raises ChangeRefused saying why not."""
    target = change_set(session, change_set_id)
    if target is None or target.state != "applied":
        raise ChangeRefused(f"Change set {change_set_id} was never applied, so there is nothing to undo.")
    if target.kind not in kinds:
        raise ChangeRefused(f"Change set {change_set_id} is a change of another kind ({target.kind}), not undone here.")
    already = session.scalar(
        select(ChangeSet.id).where(ChangeSet.undoes_id == change_set_id, ChangeSet.state == "applied")
    )
    if already is not None:
        raise ChangeRefused(f"Change set {change_set_id} was already undone (by change set {already}).")
    return target


def open_undo(
    session: Session, change_set_id: int, *, actor: str, actor_name: str, channel: str, kind: str, now: datetime
) -> int:
    """The undo's own change set, applied as it is made (at `now`, the moment its steps are stamped with); the
    caller writes its audited steps under its id."""
    undo_set = ChangeSet(
        created_at=now,
        actor=actor,
        actor_name=actor_name,
        channel=channel,
        kind=kind,
        state="applied",
        note=f"undo of change set {change_set_id}",
        payload=None,
        applied_at=now,
        undoes_id=change_set_id,
    )
    session.add(undo_set)
    session.flush()
    return undo_set.id


def _steps(session: Session, change_set_id: int) -> list[_Step]:
    rows = session.execute(
        select(AuditLog.action, AuditLog.entity_key, AuditLog.before, AuditLog.after)
        .where(AuditLog.change_set_id == change_set_id, AuditLog.entity == "observation")
        .order_by(AuditLog.id)
    ).all()
    steps = []
    for action, label, before, after in rows:
        observation_id, current, current_set = _observation(session, parse_label(label))
        steps.append(_Step(action, label, before, after, observation_id, current, current_set))
    return steps


def _observation(session: Session, key: FigureKey) -> tuple[int | None, dict[str, Any] | None, int | None]:
    indicator, geography, start, end = key
    columns = [getattr(Observation, name) for name in PAYLOAD_FIELDS]
    row = session.execute(
        select(Observation.id, Observation.change_set_id, *columns)
        .join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        .join(Geography, Observation.geography_id == Geography.id)
        .where(
            Indicator.code == indicator,
            Geography.code == geography,
            Observation.period_start == start,
            Observation.period_end == end,
        )
    ).first()
    if row is None:
        return None, None, None
    observation_id, change_set, *values = row
    return observation_id, dict(zip(PAYLOAD_FIELDS, values, strict=True)), change_set


def _jsonish(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    # Audit rows hold JSON; floats and ints compare equal, so 151 and 151.0 are the same figure.
    return None if payload is None else {key: payload.get(key) for key in PAYLOAD_FIELDS}


def _previous_set(session: Session, step: _Step, change_set_id: int, undoes: int | None) -> int | None:
    """Which change set wrote the version being restored: kept on the revision (None: a file or the seed)."""
    if step.action == "delete":
        return undoes  # a figure an undo removed was written by the change set that undo undid
    return session.scalar(
        select(ObservationRevision.previous_change_set_id).where(
            ObservationRevision.observation_id == step.observation_id,
            ObservationRevision.change_set_id == change_set_id,
        )
    )


def _remove(session: Session, step: _Step, now: datetime, actor: str, channel: str, reason: str, undo_set: int) -> None:
    session.execute(delete(Observation).where(Observation.id == step.observation_id))
    session.execute(
        insert(AuditLog), [audit_row(now, actor, channel, "delete", step.label, step.current, None, reason, undo_set)]
    )


def _restore(
    session: Session,
    step: _Step,
    previous_set: int | None,
    now: datetime,
    actor: str,
    channel: str,
    reason: str,
    undo_set: int,
) -> None:
    restored = {key: (step.before or {}).get(key) for key in PAYLOAD_FIELDS}
    stamp = {"updated_at": now, "updated_by": actor, "change_set_id": previous_set}
    if step.observation_id is None:  # undoing an undo that removed it: put it back
        indicator, geography, start, end = parse_label(step.label)
        ids = (
            code_ids(session, Indicator, [indicator])[indicator],
            code_ids(session, Geography, [geography])[geography],
        )
        row = {"indicator_id": ids[0], "geography_id": ids[1], "period_start": start, "period_end": end}
        session.execute(insert(OBSERVATION), [{**row, **restored, **stamp}])
        action = "create"
    else:
        session.execute(update(OBSERVATION).where(OBSERVATION.c.id == step.observation_id).values(**restored, **stamp))
        revision = {
            "observation_id": step.observation_id,
            "previous": jsonable(step.current),
            "superseded_at": now,
            "superseded_by": actor,
            "reason": reason,
            "change_set_id": undo_set,
            "previous_change_set_id": step.current_set,
        }
        session.execute(insert(REVISION), [revision])
        action = "update"
    session.execute(
        insert(AuditLog), [audit_row(now, actor, channel, action, step.label, step.current, restored, reason, undo_set)]
    )


def parse_label(label: str) -> FigureKey:
    """The key back from an audit row's entity_key ("CPP_COUNT | cluster-jess | 2013-06-30 to 2013-06-30")."""
    indicator, geography, span = (part.strip() for part in label.split(" | "))
    start, _, end = span.partition(" to ")
    return indicator, geography, date.fromisoformat(start), date.fromisoformat(end)
