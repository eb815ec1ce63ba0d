"""Scrutiny recommendations and improvement-plan actions, with their dated updates."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from data.models.base import Base, one_of

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
        CheckConstraint(one_of("date_precision", DATE_PRECISIONS), name="ck_recommendation_update_precision"),
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
