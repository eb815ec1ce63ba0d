"""Reading what officers changed: the audit trail with names, and which figures were set by hand."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import as_utc
from data.figures.changes.sets import FigureKey, keyed_rows
from data.models import AuditLog, ChangeSet


@dataclass(frozen=True)
class AuditEntry:
    """One audited write, with the change set (and so the person's name) behind it where there is one."""

    id: int
    at: datetime
    actor: str
    actor_name: str
    channel: str
    action: str
    entity: str
    entity_key: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    reason: str | None
    change_set: int | None


def audit_entries(
    session: Session,
    *,
    since: datetime | None = None,
    actor: str | None = None,
    indicator: str | None = None,
    geography: str | None = None,
    limit: int = 50,
) -> list[AuditEntry]:
    """Newest first. actor matches the actor id or the name on its change set; indicator (and geography)
    narrow to figures."""
    statement = select(
        AuditLog.id,
        AuditLog.at,
        AuditLog.actor,
        ChangeSet.actor_name,
        AuditLog.channel,
        AuditLog.action,
        AuditLog.entity,
        AuditLog.entity_key,
        AuditLog.before,
        AuditLog.after,
        AuditLog.reason,
        AuditLog.change_set_id,
    ).outerjoin(ChangeSet, AuditLog.change_set_id == ChangeSet.id)
    if since is not None:
        statement = statement.where(AuditLog.at >= since)
    if actor:
        statement = statement.where((AuditLog.actor == actor) | (ChangeSet.actor_name == actor))
    if indicator:
        prefix = f"{indicator} | {geography} | " if geography else f"{indicator} | "
        statement = statement.where(AuditLog.entity == "observation", AuditLog.entity_key.startswith(prefix))
    rows = session.execute(statement.order_by(AuditLog.id.desc()).limit(limit)).all()
    return [
        AuditEntry(id, as_utc(at), who, name or who, channel, action, entity, key, before, after, reason, change)
        for id, at, who, name, channel, action, entity, key, before, after, reason, change in rows
    ]


@dataclass(frozen=True)
class ManualUpdate:
    """A figure set by hand: who and when, for an answer's "updated by <name> on <date>"."""

    actor_name: str
    at: datetime
    change_set: int


def manual_updates(session: Session, keys: Iterable[FigureKey]) -> dict[FigureKey, ManualUpdate]:
    """For each figure (indicator, geography, period start, period end) written by an officer's change set and
    not since replaced by a file or the seed: who set it and when. Figures not set by hand are absent."""
    extra = (ChangeSet.actor_name, ChangeSet.applied_at, ChangeSet.created_at, ChangeSet.id)
    return {
        key: ManualUpdate(name, as_utc(applied or created), number)
        for key, (*_key, name, applied, created, number) in keyed_rows(session, keys, *extra)
    }
