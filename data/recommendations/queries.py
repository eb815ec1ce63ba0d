"""Reading recommendations: each query takes a session and returns frozen dataclasses, never ORM rows."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from data.db import as_utc
from data.models import Recommendation, RecommendationPlan, RecommendationStatus, RecommendationUpdate

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class PlanInfo:
    key: str
    name: str
    short_name: str
    body: str
    vocabulary: str
    words: tuple[str, ...]
    position: int
    source_document: str
    source_locator: str


@dataclass(frozen=True)
class StatusInfo:
    vocabulary: str
    code: str
    label: str
    short_label: str
    description: str
    is_open: bool
    position: int


@dataclass(frozen=True)
class UpdateInfo:
    """One dated entry: a response, a progress update or a status change (`status`: the status it set)."""

    id: int
    label: str
    dated: date
    precision: str  # "day", or "month" for an entry about a month ("March 2011 update")
    text: str
    status: StatusInfo | None
    source_document: str
    source_locator: str
    recorded_by: str
    recorded_at: datetime
    change_set: int | None


@dataclass(frozen=True)
class RecommendationInfo:
    plan: PlanInfo
    code: str
    theme_number: int | None
    theme_name: str | None
    text: str
    responsible_officer: str | None
    status: StatusInfo
    source_document: str
    source_locator: str
    updates: tuple[UpdateInfo, ...] = ()  # oldest first

    @property
    def latest(self) -> UpdateInfo | None:
        return self.updates[-1] if self.updates else None


@dataclass(frozen=True)
class RecFilter:
    """Which recommendations: every condition given must hold. Words are matched, case-insensitively and each
    on its own, against the recommendation's text, its theme's name and its plan's name."""

    plans: tuple[str, ...] = ()  # plan keys; none: every plan
    theme: int | None = None
    statuses: tuple[str, ...] = ()  # status codes; none: any
    is_open: bool | None = None  # True: only statuses that count as open; False: only closed ones
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeRef:
    plan: str
    code: str


@dataclass(frozen=True)
class SummaryRow:
    """One row of a summary: a theme of a plan, or a whole plan that has no themes."""

    plan: PlanInfo
    theme_number: int | None
    theme_name: str | None
    counts: tuple[int, ...]  # one per status of the summary, in its order

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True)
class StatusSummary:
    """Recommendations counted by row (theme or plan) and status, for the plans sharing one vocabulary."""

    vocabulary: str
    plans: tuple[PlanInfo, ...]
    statuses: tuple[StatusInfo, ...]
    rows: tuple[SummaryRow, ...]

    @property
    def totals(self) -> tuple[int, ...]:
        return tuple(sum(row.counts[index] for row in self.rows) for index in range(len(self.statuses)))

    @property
    def total(self) -> int:
        return sum(self.totals)


@dataclass(frozen=True)
class RecommendationChange:
    """A recommendation with one entry of its history that is new since a date."""

    recommendation: RecommendationInfo
    update: UpdateInfo


def plans(session: Session) -> list[PlanInfo]:
    rows = session.scalars(select(RecommendationPlan).order_by(RecommendationPlan.position, RecommendationPlan.key))
    return [_plan(row) for row in rows]


def statuses(session: Session, vocabulary: str | None = None) -> list[StatusInfo]:
    statement = select(RecommendationStatus).order_by(RecommendationStatus.vocabulary, RecommendationStatus.position)
    if vocabulary is not None:
        statement = statement.where(RecommendationStatus.vocabulary == vocabulary)
    return [_status(row) for row in session.scalars(statement)]


def held_codes(session: Session) -> list[CodeRef]:
    """Every recommendation's plan and code, in plan then numbering order."""
    rows = session.execute(
        select(RecommendationPlan.key, Recommendation.code, RecommendationPlan.position).join(
            RecommendationPlan, Recommendation.plan_id == RecommendationPlan.id
        )
    ).all()
    ordered = sorted(rows, key=lambda row: (row[2], code_order(row[1])))  # plan position, then numbering
    return [CodeRef(plan, code) for plan, code, _position in ordered]


def recommendations(session: Session, wanted: RecFilter | None = None) -> list[RecommendationInfo]:
    """The recommendations that match, each with its history, in plan then numbering order."""
    status = aliased(RecommendationStatus)
    statement = _matching(
        select(Recommendation, RecommendationPlan, status)
        .join(RecommendationPlan, Recommendation.plan_id == RecommendationPlan.id)
        .join(status, Recommendation.status_id == status.id),
        wanted or RecFilter(),
        status,
    )
    rows = session.execute(statement).tuples().all()
    history = _updates(session, [recommendation.id for recommendation, _plan_row, _status_row in rows])
    found = [
        _recommendation(recommendation, _plan(plan), _status(status_row), history.get(recommendation.id, ()))
        for recommendation, plan, status_row in rows
    ]
    return sorted(found, key=_order)


def find(session: Session, code: str, plan_keys: Sequence[str] = ()) -> list[RecommendationInfo]:
    """The recommendations numbered `code` (one per plan that has it), narrowed to plan_keys if given."""
    return recommendations(session, RecFilter(plans=tuple(plan_keys), codes=(code,)))


def summary(session: Session, wanted: RecFilter | None = None) -> list[StatusSummary]:
    """Counts by theme (or plan, where a plan has no themes) and status, computed from the rows: one summary
    per vocabulary, every status of it a column (zero where none), in plan then theme order."""
    status = aliased(RecommendationStatus)
    statement = _matching(
        select(
            RecommendationPlan.key, Recommendation.theme_number, Recommendation.theme_name, status.code, func.count()
        )
        .join_from(Recommendation, RecommendationPlan, Recommendation.plan_id == RecommendationPlan.id)
        .join(status, Recommendation.status_id == status.id)
        .group_by(RecommendationPlan.key, Recommendation.theme_number, Recommendation.theme_name, status.code),
        wanted or RecFilter(),
        status,
    )
    counted: dict[tuple[str, int | None, str | None], dict[str, int]] = defaultdict(dict)
    for plan, theme, theme_name, code, count in session.execute(statement).tuples():
        counted[(plan, theme, theme_name)][code] = count
    known = {plan.key: plan for plan in plans(session)}
    vocabularies: dict[str, list[StatusInfo]] = defaultdict(list)
    for info in statuses(session):
        vocabularies[info.vocabulary].append(info)
    rows_by_vocabulary: dict[str, list[SummaryRow]] = defaultdict(list)
    for (plan_key, theme, theme_name), counts in counted.items():
        plan = known[plan_key]
        columns = vocabularies[plan.vocabulary]
        counts_in_order = tuple(counts.get(column.code, 0) for column in columns)
        rows_by_vocabulary[plan.vocabulary].append(SummaryRow(plan, theme, theme_name, counts_in_order))
    summaries = []
    for vocabulary, rows in rows_by_vocabulary.items():
        rows.sort(key=lambda row: (row.plan.position, row.theme_number or 0))
        in_order = tuple(dict.fromkeys(row.plan for row in rows))
        summaries.append(StatusSummary(vocabulary, in_order, tuple(vocabularies[vocabulary]), tuple(rows)))
    return sorted(summaries, key=lambda found: found.plans[0].position)


def changed_since(session: Session, since: date, wanted: RecFilter | None = None) -> list[RecommendationChange]:
    """Entries new since a day (London), newest first: those dated on or after it (an entry about a month
    counts from that month's first day, so "since 31 Mar 2011" keeps the March 2011 update), and those an
    officer recorded on or after it whatever they are dated (a late "March 2011 update" added today is news)."""
    from_moment = datetime.combine(since, time(), tzinfo=LONDON)
    changed = or_(
        and_(RecommendationUpdate.date_precision == "day", RecommendationUpdate.dated >= since),
        and_(RecommendationUpdate.date_precision == "month", RecommendationUpdate.dated >= since.replace(day=1)),
        and_(RecommendationUpdate.change_set_id.is_not(None), RecommendationUpdate.recorded_at >= from_moment),
    )
    ids = set(session.scalars(select(RecommendationUpdate.id).where(changed)))
    if not ids:
        return []
    changes = [
        RecommendationChange(recommendation, update)
        for recommendation in recommendations(session, wanted)
        for update in recommendation.updates
        if update.id in ids
    ]
    return sorted(changes, key=lambda change: (change.update.dated, change.update.id), reverse=True)


def code_order(code: str) -> tuple[tuple[int, int, str], ...]:
    """Numbering order: 2.1.9 before 2.1.10 (a part that is not a number sorts after those that are)."""
    return tuple((0, int(part), "") if part.isdigit() else (1, 0, part) for part in code.split("."))


def _order(recommendation: RecommendationInfo) -> tuple[Any, ...]:
    return (recommendation.plan.position, code_order(recommendation.code))


def _matching(statement: Select[Any], wanted: RecFilter, status: Any) -> Select[Any]:
    conditions: list[ColumnElement[bool]] = []
    if wanted.plans:
        conditions.append(RecommendationPlan.key.in_(wanted.plans))
    if wanted.theme is not None:
        conditions.append(Recommendation.theme_number == wanted.theme)
    if wanted.statuses:
        conditions.append(status.code.in_(wanted.statuses))
    if wanted.is_open is not None:
        conditions.append(status.is_open == wanted.is_open)
    if wanted.codes:
        conditions.append(Recommendation.code.in_(wanted.codes))
    conditions += [_mentions(word) for word in wanted.words]
    return statement.where(*conditions)


def _mentions(word: str) -> ColumnElement[bool]:
    pattern = "%" + word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(
        Recommendation.text.ilike(pattern, escape="\\"),
        Recommendation.theme_name.ilike(pattern, escape="\\"),
        RecommendationPlan.name.ilike(pattern, escape="\\"),
    )


def _updates(session: Session, recommendation_ids: Iterable[int]) -> dict[int, tuple[UpdateInfo, ...]]:
    wanted = list(recommendation_ids)
    if not wanted:
        return {}
    status = aliased(RecommendationStatus)
    rows = session.execute(
        select(RecommendationUpdate, status)
        .outerjoin(status, RecommendationUpdate.status_id == status.id)
        .where(RecommendationUpdate.recommendation_id.in_(wanted))
        .order_by(RecommendationUpdate.dated, RecommendationUpdate.id)
    ).tuples()
    found: dict[int, list[UpdateInfo]] = defaultdict(list)
    for update, status_row in rows:
        found[update.recommendation_id].append(_update(update, None if status_row is None else _status(status_row)))
    return {key: tuple(value) for key, value in found.items()}


def _plan(row: RecommendationPlan) -> PlanInfo:
    return PlanInfo(
        key=row.key,
        name=row.name,
        short_name=row.short_name,
        body=row.body,
        vocabulary=row.vocabulary,
        words=tuple(row.words or ()),
        position=row.position,
        source_document=row.source_document,
        source_locator=row.source_locator,
    )


def _status(row: RecommendationStatus) -> StatusInfo:
    return StatusInfo(
        vocabulary=row.vocabulary,
        code=row.code,
        label=row.label,
        short_label=row.short_label,
        description=row.description,
        is_open=row.is_open,
        position=row.position,
    )


def _update(row: RecommendationUpdate, status: StatusInfo | None) -> UpdateInfo:
    return UpdateInfo(
        id=row.id,
        label=row.label,
        dated=row.dated,
        precision=row.date_precision,
        text=row.text,
        status=status,
        source_document=row.source_document,
        source_locator=row.source_locator,
        recorded_by=row.recorded_by,
        recorded_at=as_utc(row.recorded_at),
        change_set=row.change_set_id,
    )


def _recommendation(
    row: Recommendation, plan: PlanInfo, status: StatusInfo, updates: tuple[UpdateInfo, ...]
) -> RecommendationInfo:
    return RecommendationInfo(
        plan=plan,
        code=row.code,
        theme_number=row.theme_number,
        theme_name=row.theme_name,
        text=row.text,
        responsible_officer=row.responsible_officer,
        status=status,
        source_document=row.source_document,
        source_locator=row.source_locator,
        updates=updates,
    )
