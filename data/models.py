"""The indicator store: typed SQLAlchemy 2.0 models.

Queries elsewhere return frozen dataclasses; these classes never leave the data package.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

GEOGRAPHY_TYPES = (
    "country",
    "region",
    "local_authority",
    "comparator_group",
    "committee_area",
    "ward",
    "school_cluster",
)
UNITS = ("count", "percent", "rate_per_10000", "average", "money", "rank")
POLARITIES = ("higher_is_better", "lower_is_better", "no_judgement")
STATUSES = ("provisional", "final")
SUPPRESSION_SYMBOLS = ("c", "x", "z", "u", "low", "k", "~", ":")
MEMBERSHIP_RELATIONS = ("part_of", "member_of", "related_to")


def _in(column: str, values: tuple[str, ...]) -> str:
    quoted = ", ".join(f"'{value}'" for value in values)
    return f"{column} IN ({quoted})"


class Base(DeclarativeBase):
    pass


class Geography(Base):
    __tablename__ = "geography"
    __table_args__ = (CheckConstraint(_in("type", GEOGRAPHY_TYPES), name="ck_geography_type"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(32), index=True)
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    note: Mapped[str | None] = mapped_column(Text)

    aliases: Mapped[list[GeographyAlias]] = relationship(back_populates="geography", cascade="all")


class GeographyAlias(Base):
    """Other names and codes for a place: "BCM", "City and Hunslet", old ward or LA codes."""

    __tablename__ = "geography_alias"
    __table_args__ = (UniqueConstraint("geography_id", "alias", name="uq_geography_alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geography_id: Mapped[int] = mapped_column(ForeignKey("geography.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200), index=True)
    kind: Mapped[str] = mapped_column(String(16), default="name")

    geography: Mapped[Geography] = relationship(back_populates="aliases")


class GeographyMembership(Base):
    """child part_of / member_of / related_to parent, over a validity window."""

    __tablename__ = "geography_membership"
    __table_args__ = (
        UniqueConstraint("parent_id", "child_id", "relation", "valid_from", name="uq_geography_membership"),
        CheckConstraint(_in("relation", MEMBERSHIP_RELATIONS), name="ck_membership_relation"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("geography.id", ondelete="CASCADE"), index=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("geography.id", ondelete="CASCADE"), index=True)
    relation: Mapped[str] = mapped_column(String(16))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    source: Mapped[str | None] = mapped_column(Text)


class Indicator(Base):
    __tablename__ = "indicator"
    __table_args__ = (
        CheckConstraint(_in("unit", UNITS), name="ck_indicator_unit"),
        CheckConstraint(_in("polarity", POLARITIES), name="ck_indicator_polarity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    short_name: Mapped[str] = mapped_column(String(100))
    unit: Mapped[str] = mapped_column(String(32))
    decimals: Mapped[int] = mapped_column(Integer, default=0)
    polarity: Mapped[str] = mapped_column(String(32))
    family: Mapped[str] = mapped_column(String(64), index=True)
    theme: Mapped[str] = mapped_column(String(64), index=True)
    definition: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text)

    aliases: Mapped[list[IndicatorAlias]] = relationship(back_populates="indicator", cascade="all")


class IndicatorAlias(Base):
    """The words councillors use: "CP plans", "kids in care", "LAC"."""

    __tablename__ = "indicator_alias"
    __table_args__ = (UniqueConstraint("indicator_id", "alias", name="uq_indicator_alias"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200), index=True)

    indicator: Mapped[Indicator] = relationship(back_populates="aliases")


class Observation(Base):
    """One figure: indicator x geography x period, with where it came from."""

    __tablename__ = "observation"
    __table_args__ = (
        UniqueConstraint("indicator_id", "geography_id", "period_end", "period_start", name="uq_observation_key"),
        CheckConstraint("value IS NOT NULL OR symbol IS NOT NULL", name="ck_observation_value_or_symbol"),
        CheckConstraint(_in("status", STATUSES), name="ck_observation_status"),
    )
    # uq_observation_key's column order (indicator, geography, period_end, ...) also serves "latest value"
    # and "series" lookups, so no separate index is kept.

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    geography_id: Mapped[int] = mapped_column(ForeignKey("geography.id"), index=True)
    period_start: Mapped[date] = mapped_column(Date)
    period_end: Mapped[date] = mapped_column(Date)
    period_kind: Mapped[str] = mapped_column(String(20))
    period_label: Mapped[str] = mapped_column(String(64))
    value: Mapped[float | None] = mapped_column(Float)
    # Decimal places as published (a report's "62" is not DfE's "62.0"); None: the indicator's default.
    decimals: Mapped[int | None] = mapped_column(Integer)
    symbol: Mapped[str | None] = mapped_column(String(8))
    numerator: Mapped[float | None] = mapped_column(Float)
    denominator: Mapped[float | None] = mapped_column(Float)
    status: Mapped[str] = mapped_column(String(16), default="final")
    source_document: Mapped[str] = mapped_column(String(300))
    source_locator: Mapped[str] = mapped_column(String(300))
    source_quote: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_by: Mapped[str] = mapped_column(String(100))
    # The officer's change set that wrote this version; None when a file or the seed did (not "by hand").
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"))


class ObservationRevision(Base):
    """A superseded version of an observation: corrections never overwrite silently."""

    __tablename__ = "observation_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observation.id", ondelete="CASCADE"), index=True)
    previous: Mapped[dict[str, Any]] = mapped_column(JSON)
    superseded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    superseded_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str] = mapped_column(Text)
    # The change set that superseded this version, and the one that had written it: undo restores both.
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"), index=True)
    previous_change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"))


class Document(Base):
    """A report or statistical release that figures are cited from."""

    __tablename__ = "document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    published: Mapped[date | None] = mapped_column(Date)
    publisher: Mapped[str] = mapped_column(String(200))
    licence: Mapped[str | None] = mapped_column(String(200))


class Target(Base):
    __tablename__ = "target"
    __table_args__ = (UniqueConstraint("indicator_id", "geography_id", "by_date", name="uq_target"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    indicator_id: Mapped[int] = mapped_column(ForeignKey("indicator.id"))
    geography_id: Mapped[int] = mapped_column(ForeignKey("geography.id"))
    value: Mapped[float] = mapped_column(Float)
    by_date: Mapped[date] = mapped_column(Date)
    label: Mapped[str] = mapped_column(String(200))
    source_document: Mapped[str] = mapped_column(String(300))
    source_locator: Mapped[str] = mapped_column(String(300))
    source_quote: Mapped[str | None] = mapped_column(Text)


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
        CheckConstraint(_in("status", MEETING_STATUSES), name="ck_meeting_status"),
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
        CheckConstraint(_in("kind", CHANGE_SET_KINDS), name="ck_change_set_kind"),
        CheckConstraint(_in("state", CHANGE_SET_STATES), name="ck_change_set_state"),
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


DATE_PRECISIONS = ("day", "month")


class RecommendationPlan(Base):
    """A set of recommendations a body follows over time: a Scrutiny Board inquiry's report, the Children's
    Services Improvement Plan. Its statuses come from its own vocabulary (rows of recommendation_status)."""

    __tablename__ = "recommendation_plan"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    short_name: Mapped[str] = mapped_column(String(100))
    body: Mapped[str] = mapped_column(String(200))
    vocabulary: Mapped[str] = mapped_column(String(40))
    # Other ways people name it ("improvement plan", "interim report"), normalised, for reading questions.
    words: Mapped[list[str]] = mapped_column(JSON)
    position: Mapped[int] = mapped_column(Integer)
    source_document: Mapped[str] = mapped_column(String(300))
    source_locator: Mapped[str] = mapped_column(String(300))


class RecommendationStatus(Base):
    """One status of a vocabulary: a scrutiny stage ("3 Not achieved (obstacle)") or an Improvement Board
    category (CSIB, Other, Closed), with whether a recommendation in it is still open."""

    __tablename__ = "recommendation_status"
    __table_args__ = (UniqueConstraint("vocabulary", "code", name="uq_recommendation_status"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    vocabulary: Mapped[str] = mapped_column(String(40))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(200))
    short_label: Mapped[str] = mapped_column(String(60))
    description: Mapped[str] = mapped_column(Text)
    is_open: Mapped[bool] = mapped_column(Boolean)
    position: Mapped[int] = mapped_column(Integer)
    source_document: Mapped[str] = mapped_column(String(300))
    source_locator: Mapped[str] = mapped_column(String(300))


class Recommendation(Base):
    __tablename__ = "recommendation"
    __table_args__ = (UniqueConstraint("plan_id", "code", name="uq_recommendation"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("recommendation_plan.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(20))
    theme_number: Mapped[int | None] = mapped_column(Integer)
    theme_name: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    responsible_officer: Mapped[str | None] = mapped_column(String(200))
    status_id: Mapped[int] = mapped_column(ForeignKey("recommendation_status.id"), index=True)
    source_document: Mapped[str] = mapped_column(String(300))
    source_locator: Mapped[str] = mapped_column(String(300))


class RecommendationUpdate(Base):
    """A dated entry in a recommendation's history: a Director's response, a progress update, or a status
    change (status_id: the status it set). `dated` is what the entry is about; a month's entry ("March 2011
    update") holds the first of the month with precision "month"."""

    __tablename__ = "recommendation_update"
    __table_args__ = (
        CheckConstraint(_in("date_precision", DATE_PRECISIONS), name="ck_recommendation_update_precision"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    recommendation_id: Mapped[int] = mapped_column(ForeignKey("recommendation.id", ondelete="CASCADE"), index=True)
    label: Mapped[str] = mapped_column(String(200))
    dated: Mapped[date] = mapped_column(Date, index=True)
    date_precision: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    status_id: Mapped[int | None] = mapped_column(ForeignKey("recommendation_status.id"))
    source_document: Mapped[str] = mapped_column(String(300))
    source_locator: Mapped[str] = mapped_column(String(300))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The officer's change set that added it (None: the seed did): undo removes exactly these.
    change_set_id: Mapped[int | None] = mapped_column(ForeignKey("change_set.id"), index=True)


class Meta(Base):
    """Small facts about the store itself, such as which bundled catalogue it was last synchronised with."""

    __tablename__ = "meta"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


EVENT_STATES = ("claimed", "posted", "done")


class ProcessedEvent(Base):
    """Chat events seen: retries and duplicate deliveries are answered once, across processes.

    An event is claimed with a lease and the work to do (payload), posted, then done; a claim whose lease ran out
    before it was done belongs to a process that died, and the next process finishes it."""

    __tablename__ = "processed_event"
    __table_args__ = (CheckConstraint(_in("state", EVENT_STATES), name="ck_processed_event_state"),)

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
        CheckConstraint(_in("state", DELIVERY_STATES), name="ck_delivery_state"),
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
