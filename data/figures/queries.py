"""Read-side queries. Each takes a session and returns plain frozen dataclasses, never ORM rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from data.models import (
    AuditLog,
    Document,
    Geography,
    GeographyAlias,
    GeographyMembership,
    Indicator,
    IndicatorAlias,
    Observation,
    Target,
)


@dataclass(frozen=True)
class IndicatorInfo:
    code: str
    name: str
    short_name: str
    unit: str
    decimals: int
    polarity: str
    family: str
    theme: str
    definition: str
    source: str


@dataclass(frozen=True)
class GeographyInfo:
    code: str
    name: str
    type: str
    valid_from: date | None
    valid_to: date | None


@dataclass(frozen=True)
class Fact:
    """One figure with everything needed to state it honestly."""

    indicator: str
    geography: str
    geography_name: str
    geography_type: str
    period_start: date
    period_end: date
    period_kind: str
    period_label: str
    value: float | None
    symbol: str | None
    numerator: float | None
    denominator: float | None
    status: str
    source_document: str
    source_locator: str
    note: str | None
    decimals: int | None = None  # as published; None: the indicator's default
    change_set: int | None = None  # the officer's change set that set it by hand; None: from a file or report


@dataclass(frozen=True)
class TargetInfo:
    indicator: str
    geography: str
    value: float
    by_date: date
    label: str
    source_document: str
    source_locator: str


@dataclass(frozen=True)
class Alias:
    alias: str
    code: str
    kind: str = "name"


@dataclass(frozen=True)
class Membership:
    parent: str
    child: str
    relation: str
    valid_from: date | None
    valid_to: date | None


_FACT_COLUMNS = (
    Indicator.code,
    Geography.code,
    Geography.name,
    Geography.type,
    Observation.period_start,
    Observation.period_end,
    Observation.period_kind,
    Observation.period_label,
    Observation.value,
    Observation.symbol,
    Observation.numerator,
    Observation.denominator,
    Observation.status,
    Observation.source_document,
    Observation.source_locator,
    Observation.note,
    Observation.decimals,
    Observation.change_set_id,
)


def _facts_for(indicator: str, geography: str) -> Select[Any]:
    return (
        select(*_FACT_COLUMNS)
        .join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        .join(Geography, Observation.geography_id == Geography.id)
        .where(Indicator.code == indicator, Geography.code == geography)
    )


def latest(session: Session, indicator: str, geography: str, *, on_or_before: date | None = None) -> Fact | None:
    statement = _facts_for(indicator, geography)
    if on_or_before is not None:
        statement = statement.where(Observation.period_end <= on_or_before)
    statement = statement.order_by(Observation.period_end.desc(), Observation.period_start.desc()).limit(1)
    row = session.execute(statement).first()
    return Fact(*row) if row is not None else None


def series(
    session: Session, indicator: str, geography: str, *, start: date | None = None, end: date | None = None
) -> list[Fact]:
    statement = _facts_for(indicator, geography)
    if start is not None:
        statement = statement.where(Observation.period_end >= start)
    if end is not None:
        statement = statement.where(Observation.period_end <= end)
    statement = statement.order_by(Observation.period_end, Observation.period_start)
    return [Fact(*row) for row in session.execute(statement)]


def facts(session: Session, indicators: list[str], geographies: list[str]) -> list[Fact]:
    """Every figure for any of these indicators in any of these places, oldest first."""
    statement = (
        select(*_FACT_COLUMNS)
        .join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        .join(Geography, Observation.geography_id == Geography.id)
        .where(Indicator.code.in_(indicators), Geography.code.in_(geographies))
        .order_by(Observation.period_end, Observation.period_start)
    )
    return [Fact(*row) for row in session.execute(statement)]


def indicators(session: Session) -> list[IndicatorInfo]:
    rows = session.execute(
        select(
            Indicator.code,
            Indicator.name,
            Indicator.short_name,
            Indicator.unit,
            Indicator.decimals,
            Indicator.polarity,
            Indicator.family,
            Indicator.theme,
            Indicator.definition,
            Indicator.source,
        ).order_by(Indicator.code)
    )
    return [IndicatorInfo(*row) for row in rows]


def geographies(session: Session) -> list[GeographyInfo]:
    rows = session.execute(
        select(Geography.code, Geography.name, Geography.type, Geography.valid_from, Geography.valid_to).order_by(
            Geography.code
        )
    )
    return [GeographyInfo(*row) for row in rows]


def indicator_aliases(session: Session) -> list[Alias]:
    rows = session.execute(select(IndicatorAlias.alias, Indicator.code).join(Indicator))
    return [Alias(*row) for row in rows]


def geography_aliases(session: Session) -> list[Alias]:
    rows = session.execute(select(GeographyAlias.alias, Geography.code, GeographyAlias.kind).join(Geography))
    return [Alias(*row) for row in rows]


def memberships(session: Session) -> list[Membership]:
    parent, child = aliased(Geography), aliased(Geography)
    rows = session.execute(
        select(
            parent.code,
            child.code,
            GeographyMembership.relation,
            GeographyMembership.valid_from,
            GeographyMembership.valid_to,
        )
        .join(parent, GeographyMembership.parent_id == parent.id)
        .join(child, GeographyMembership.child_id == child.id)
    )
    return [Membership(*row) for row in rows]


def data_coverage(session: Session) -> set[tuple[str, str]]:
    """(indicator, geography) pairs that hold at least one figure."""
    rows = session.execute(
        select(Indicator.code, Geography.code)
        .join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        .join(Geography, Observation.geography_id == Geography.id)
        .distinct()
    )
    return {(indicator, geography) for indicator, geography in rows}


def targets(session: Session) -> list[TargetInfo]:
    rows = session.execute(
        select(
            Indicator.code,
            Geography.code,
            Target.value,
            Target.by_date,
            Target.label,
            Target.source_document,
            Target.source_locator,
        )
        .join_from(Target, Indicator, Target.indicator_id == Indicator.id)
        .join(Geography, Target.geography_id == Geography.id)
        .order_by(Target.by_date)
    )
    return [TargetInfo(*row) for row in rows]


def document_citations(session: Session) -> dict[str, str]:
    """How to cite each document: its title and, where known, its date ("..., 19 Jun 2013")."""
    rows = session.execute(select(Document.key, Document.title, Document.published)).tuples().all()
    return {
        key: f"{title} ({published.day} {published:%b %Y})" if published else title for key, title, published in rows
    }


def observation_count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Observation)) or 0


def store_version(session: Session) -> int:
    """The newest audit id: every write leaves an audit row, so this changes whenever the store does."""
    return session.scalar(select(func.max(AuditLog.id))) or 0


@dataclass(frozen=True)
class Holding:
    """What is held for one indicator: how many figures and places, the first and latest period."""

    indicator: str
    figures: int
    places: int
    first: date
    latest: date


def holdings(session: Session) -> list[Holding]:
    rows = session.execute(
        select(
            Indicator.code,
            func.count(Observation.id),
            func.count(func.distinct(Observation.geography_id)),
            func.min(Observation.period_end),
            func.max(Observation.period_end),
        )
        .join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        .group_by(Indicator.code)
        .order_by(Indicator.code)
    )
    return [Holding(*row) for row in rows]
