"""Conversation references in the store: saved on install, looked up to post unprompted, marked dead when the
platform says the bot is no longer there."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import ConversationReference


@dataclass(frozen=True)
class StoredReference:
    platform: str
    address: str
    reference: dict[str, Any]
    scope: str
    name: str
    dead_at: datetime | None


def save(
    session: Session, platform: str, address: str, reference: dict[str, Any], *, scope: str, name: str = ""
) -> None:
    """Insert or refresh (a reinstall revives a dead conversation). The caller commits."""
    now = datetime.now(UTC)
    row = session.get(ConversationReference, (platform, address))
    if row is None:
        row = ConversationReference(platform=platform, address=address)
        session.add(row)
    row.reference = reference
    row.scope = scope
    row.name = name or row.name
    row.updated_at = now
    row.dead_at = None
    row.dead_reason = None


def find(session: Session, platform: str, address: str) -> StoredReference | None:
    """A live reference, or None (never stored, or dead)."""
    row = session.get(ConversationReference, (platform, address))
    return _view(row) if row is not None and row.dead_at is None else None


def mark_dead(session: Session, platform: str, address: str, reason: str) -> bool:
    """True if a live reference was retired. The caller commits."""
    row = session.get(ConversationReference, (platform, address))
    if row is None or row.dead_at is not None:
        return False
    row.dead_at = datetime.now(UTC)
    row.dead_reason = reason
    return True


def listed(session: Session, platform: str) -> list[StoredReference]:
    rows = session.scalars(
        select(ConversationReference)
        .where(ConversationReference.platform == platform)
        .order_by(ConversationReference.scope, ConversationReference.address)
    )
    return [_view(row) for row in rows]


def _view(row: ConversationReference) -> StoredReference:
    return StoredReference(row.platform, row.address, dict(row.reference), row.scope, row.name or "", row.dead_at)
