"""The figures store: places, indicators, observations with their revisions, documents and targets."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from data.models.base import Base, one_of

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


class Geography(Base):
    __tablename__ = "geography"
    __table_args__ = (CheckConstraint(one_of("type", GEOGRAPHY_TYPES), name="ck_geography_type"),)

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
        CheckConstraint(one_of("relation", MEMBERSHIP_RELATIONS), name="ck_membership_relation"),
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
        CheckConstraint(one_of("unit", UNITS), name="ck_indicator_unit"),
        CheckConstraint(one_of("polarity", POLARITIES), name="ck_indicator_polarity"),
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
        CheckConstraint(one_of("status", STATUSES), name="ck_observation_status"),
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
