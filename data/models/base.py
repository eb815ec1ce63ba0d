"""The declarative base and the tables every part of the store shares: store metadata, the audit log and
change sets (an officer's edit, an import or an undo, of figures or recommendations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def one_of(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    pass


class AuditLog(Base):
    """Every write: who, through which channel, what it was and what it became."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    actor: Mapped[str] = mapped_column(String(100))
    channel: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(20))
    entity: Mapped[str] = mapped_column(String(40))
    entity_key: Mapped[str] = mapped_column(String(300))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    reason: Mapped[str | None] = mapped_column(Text)
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"), index=True)


# Figures: set, import and their undo. Recommendations: rec (a status change or a dated update) and rec_undo.
CHANGE_SET_KINDS = ("set", "import", "undo", "rec", "rec_undo")
CHANGE_SET_STATES = ("pending", "applied", "cancelled")


class ChangeSet(Base):
    """An officer's edit, as one unit: previewed (pending, with the rows and the values they were checked
    against), then applied or cancelled. Every audit row and revision it causes carries its id, so it can be
    undone exactly; an undo is a change set of its own."""

    __tablename__ = "change_set"
    __table_args__ = (
        CheckConstraint(one_of("kind", CHANGE_SET_KINDS), name="ck_change_set_kind"),
        CheckConstraint(one_of("state", CHANGE_SET_STATES), name="ck_change_set_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(100), index=True)
    actor_name: Mapped[str] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(10))
    note: Mapped[str | None] = mapped_column(Text)
    payload: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    applied_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undoes_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"))


class Meta(Base):
    """Small facts about the store itself, such as which bundled catalogue it was last synchronised with."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
