"""Chat infrastructure: committees and meetings, the event ledger, people's preferences, the digest outbox,
ward councillors and Teams conversation references."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, one_of


class Committee(Base):
    __tablename__ = "committee"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    geography_id: Mapped[int] = mapped_column(ForeignKey("geography.id"))
    channel: Mapped[str | None] = mapped_column(String(100))
    moderngov_id: Mapped[str | None] = mapped_column(String(20))
    # Digest settings: where it goes (channel on platform), how many days ahead, which figures (None: the
    # default list), and the area support team's channel that gets the preview.
    platform: Mapped[str] = mapped_column(String(20), default="slack", server_default="slack")
    lead_days: Mapped[int] = mapped_column(Integer, default=7, server_default="7")
    indicators: Mapped[list[str] | None] = mapped_column(JSON)
    support_channel: Mapped[str | None] = mapped_column(String(100))


MEETING_STATUSES = ("confirmed", "cancelled")


class Meeting(Base):
    __tablename__ = "meeting"
    __table_args__ = (
        UniqueConstraint("committee_id", "starts_at", name="uq_meeting"),
        CheckConstraint(one_of("status", MEETING_STATUSES), name="ck_meeting_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    place: Mapped[str | None] = mapped_column(String(300))
    source_id: Mapped[str | None] = mapped_column(String(100))
    # Where the date came from (manual, moderngov, ical) and whether it still stands: a cancelled meeting
    # keeps its row so its pending digest is cancelled rather than re-imported.
    source: Mapped[str] = mapped_column(String(20), default="manual", server_default="manual")
    status: Mapped[str] = mapped_column(String(16), default="confirmed", server_default="confirmed")
    title: Mapped[str | None] = mapped_column(String(300))
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


EVENT_STATES = ("claimed", "posted", "done")


class ProcessedEvent(Base):
    """Chat events seen: retries and duplicate deliveries are answered once, across processes.

    An event is claimed with a lease and the work to do (payload), posted, then done; a claim whose lease ran out
    before it was done belongs to a process that died, and the next process finishes it."""

    __tablename__ = "processed_event"
    __table_args__ = (CheckConstraint(one_of("state", EVENT_STATES), name="ck_processed_event_state"),)

    event_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    state: Mapped[str] = mapped_column(String(10), default="done", server_default="done", index=True)
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    owner: Mapped[str | None] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    posted_ref: Mapped[str | None] = mapped_column(String(200))


class UserPreference(Base):
    """A chat user's chosen areas, shown on their home tab."""

    __tablename__ = "user_preference"

    user_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    areas: Mapped[list[str]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


DELIVERY_STATES = ("claimed", "posted", "sent", "skipped")


class Delivery(Base):
    """The outbox: one row per (committee, meeting, kind, destination), so a digest goes out once.

    Claimed with a lease before posting, "posted" with the platform's message id once the message is out,
    "sent" when its charts are attached too. A claim whose lease ran out belongs to a process that died: the
    next process takes it over (compare-and-set on the lease) and finishes it without posting twice."""

    __tablename__ = "delivery"
    __table_args__ = (
        UniqueConstraint("committee_id", "meeting_id", "kind", "destination", name="uq_delivery"),
        CheckConstraint(one_of("state", DELIVERY_STATES), name="ck_delivery_state"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    committee_id: Mapped[int] = mapped_column(ForeignKey("committee.id", ondelete="CASCADE"))
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meeting.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    destination: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(10), index=True)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    message_id: Mapped[str | None] = mapped_column(String(200))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    note: Mapped[str | None] = mapped_column(Text)
    # A preview's: what the area support team added with Edit note, shown at the top of the digest.
    support_note: Mapped[str | None] = mapped_column(Text)


class WardCouncillor(Base):
    """A ward's councillor, by chat user id: they get their ward's (and its clusters') part of each digest by DM."""

    __tablename__ = "ward_councillor"
    __table_args__ = (UniqueConstraint("geography_id", "platform", "user_id", name="uq_ward_councillor"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geography_id: Mapped[int] = mapped_column(ForeignKey("geography.id", ondelete="CASCADE"), index=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(100))


class ConversationReference(Base):
    """Where a chat platform lets the bot post unprompted (Teams: the reference saved when the bot is installed
    in a team, chat or personal scope), by the platform's conversation id. A conversation that refused the bot
    (it was removed) is marked dead, not deleted, so admins can see what stopped and when."""

    __tablename__ = "conversation_reference"

    platform: Mapped[str] = mapped_column(String(20), primary_key=True)
    address: Mapped[str] = mapped_column(String(300), primary_key=True)
    reference: Mapped[dict[str, Any]] = mapped_column(JSON)
    scope: Mapped[str] = mapped_column(String(20))
    name: Mapped[str | None] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    dead_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    dead_reason: Mapped[str | None] = mapped_column(Text)


class ThreadContext(Base):
    """The last question asked in a chat thread (a Slack thread, a Teams reply chain, a DM, a CLI session),
    as understanding read it, so that "and 2022?" in the same thread is read with its measure, place and
    period. Keyed by a digest of the thread's key: platform ids can be long, and the key is all a lookup needs."""

    __tablename__ = "thread_context"

    thread: Mapped[str] = mapped_column(String(64), primary_key=True)
    question: Mapped[dict[str, Any]] = mapped_column(JSON)
    asked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
