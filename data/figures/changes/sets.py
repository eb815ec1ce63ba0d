"""Officers' change sets in the store: proposed (pending, with the values each row was checked against),
applied once in the caller's transaction, or cancelled. Undo is in data.figures.changes.undo, history in
data.figures.changes.history.

The rules (who may, how old a preview may be, what counts as stale) live in the core; this package only keeps
the store's side consistent.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Row, select, update
from sqlalchemy.orm import Session

from data.db import as_utc, rows_matched
from data.figures.periods import Period, PeriodKind
from data.figures.writes import ObservationInput, WriteSummary, jsonable, write_observations
from data.models import ChangeSet, Geography, Indicator, Observation

FigureKey = tuple[str, str, date, date]  # indicator, geography, period start, period end
# Change sets whose payload is figures (ProposedFigure rows); other kinds keep a payload of their own.
FIGURE_KINDS = ("set", "import")


class ChangeRefused(ValueError):
    """A change set that cannot be applied or undone as asked; the message says why, in plain words."""


@dataclass(frozen=True)
class Figure:
    """A figure as it stands: what a preview was checked against and what a confirmation re-checks."""

    value: float | None
    symbol: str | None
    status: str
    change_set: int | None = None

    def same_as(self, other: Figure | None) -> bool:
        return other is not None and (self.value, self.symbol, self.status) == (other.value, other.symbol, other.status)


@dataclass(frozen=True)
class ProposedFigure:
    """One row of a change set: the figure to write and the figure it was previewed against (None: new)."""

    indicator: str
    geography: str
    period_start: date
    period_end: date
    period_kind: str
    value: float | None
    symbol: str | None
    decimals: int | None
    status: str
    note: str | None
    line: int | None = None
    expected: Figure | None = None

    @property
    def key(self) -> FigureKey:
        return (self.indicator, self.geography, self.period_start, self.period_end)

    def to_json(self) -> dict[str, Any]:
        return jsonable(asdict(self)) or {}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ProposedFigure:
        expected = data.get("expected")
        return cls(
            **{**data, "expected": Figure(**expected) if expected else None}
            | {
                "period_start": date.fromisoformat(data["period_start"]),
                "period_end": date.fromisoformat(data["period_end"]),
            }
        )

    def observation(self, source_document: str, source_locator: str) -> ObservationInput:
        kind = PeriodKind(self.period_kind)
        return ObservationInput(
            indicator=self.indicator,
            geography=self.geography,
            period=Period(end=self.period_end, start=self.period_start, kind=kind),
            value=self.value,
            symbol=self.symbol,
            decimals=self.decimals,
            status=self.status,
            source_document=source_document,
            source_locator=source_locator,
            source_quote=self.note,
            note=self.note,
        )


@dataclass(frozen=True)
class ChangeSetInfo:
    id: int
    created_at: datetime
    actor: str
    actor_name: str
    channel: str
    kind: str
    state: str
    note: str | None
    figures: tuple[ProposedFigure, ...]
    applied_at: datetime | None
    undoes: int | None
    # The rows as stored, for kinds whose payload is not figures (recommendations' changes).
    payload: tuple[dict[str, Any], ...] = ()


def keyed_rows(session: Session, keys: Iterable[FigureKey], *columns: Any) -> Iterator[tuple[FigureKey, Row[Any]]]:
    """The held figures among `keys`, each with the extra columns asked for (one query for them all)."""
    wanted = set(keys)
    if not wanted:
        return
    statement = (
        select(Indicator.code, Geography.code, Observation.period_start, Observation.period_end, *columns)
        .join_from(Observation, Indicator, Observation.indicator_id == Indicator.id)
        .join(Geography, Observation.geography_id == Geography.id)
        .where(Indicator.code.in_({key[0] for key in wanted}), Geography.code.in_({key[1] for key in wanted}))
    )
    if any(getattr(column, "class_", None) is ChangeSet for column in columns):
        statement = statement.join(ChangeSet, Observation.change_set_id == ChangeSet.id)
    for row in session.execute(statement):
        key = (row[0], row[1], row[2], row[3])
        if key in wanted:
            yield key, row


def current_figures(session: Session, keys: Iterable[FigureKey]) -> dict[FigureKey, Figure]:
    extra = (Observation.value, Observation.symbol, Observation.status, Observation.change_set_id)
    return {key: Figure(*row[4:]) for key, row in keyed_rows(session, keys, *extra)}


def propose(
    session: Session,
    figures: Sequence[ProposedFigure],
    *,
    actor: str,
    actor_name: str,
    channel: str,
    kind: str,
    note: str | None = None,
) -> int:
    """A pending change set holding the rows as previewed; nothing is written to the figures yet."""
    payload = [figure.to_json() for figure in figures]
    return propose_payload(session, payload, actor=actor, actor_name=actor_name, channel=channel, kind=kind, note=note)


def propose_payload(
    session: Session,
    payload: list[dict[str, Any]],
    *,
    actor: str,
    actor_name: str,
    channel: str,
    kind: str,
    note: str | None = None,
) -> int:
    """A pending change set holding any kind's rows (JSON), with what each was checked against."""
    row = ChangeSet(
        created_at=datetime.now(UTC),
        actor=actor,
        actor_name=actor_name,
        channel=channel,
        kind=kind,
        state="pending",
        note=note,
        payload=payload,
    )
    session.add(row)
    session.flush()
    return row.id


def change_set(session: Session, change_set_id: int) -> ChangeSetInfo | None:
    row = session.get(ChangeSet, change_set_id)
    return None if row is None else _info(row)


def _info(row: ChangeSet) -> ChangeSetInfo:
    return ChangeSetInfo(
        id=row.id,
        created_at=as_utc(row.created_at),
        actor=row.actor,
        actor_name=row.actor_name,
        channel=row.channel,
        kind=row.kind,
        state=row.state,
        note=row.note,
        figures=tuple(ProposedFigure.from_json(item) for item in row.payload or ()) if row.kind in FIGURE_KINDS else (),
        applied_at=as_utc(row.applied_at) if row.applied_at else None,
        undoes=row.undoes_id,
        payload=tuple(row.payload or ()),
    )


def settle(session: Session, change_set_id: int, state: str) -> bool:
    """pending -> state, once: a replayed confirmation (or a cancel racing a confirm) finds it settled."""
    result = session.execute(
        update(ChangeSet)
        .where(ChangeSet.id == change_set_id, ChangeSet.state == "pending")
        .values(state=state, applied_at=datetime.now(UTC) if state == "applied" else None)
    )
    return rows_matched(result) > 0


def cancel(session: Session, change_set_id: int) -> bool:
    return settle(session, change_set_id, "cancelled")


def apply(
    session: Session, change_set_id: int, *, source_document: str, reason: str, today: date | None = None
) -> WriteSummary:
    """Write a pending change set's figures as one unit (the caller's transaction). Raises ChangeRefused when it
    is no longer pending: already applied (a replayed click) or cancelled, and InvalidFigure (nothing written)
    when a figure breaks the shared rules as the store stands now. `today` is the caller's clock."""
    info = change_set(session, change_set_id)
    if info is None or not settle(session, change_set_id, "applied"):
        raise ChangeRefused("That change was already confirmed or cancelled.")
    inputs = [figure.observation(source_document, f"change set {info.id}") for figure in info.figures]
    return write_observations(
        session, inputs, actor=info.actor, channel=info.channel, reason=reason, change_set=info.id, today=today
    )


def last_applied(session: Session, actor: str, kinds: tuple[str, ...] = FIGURE_KINDS) -> ChangeSetInfo | None:
    """The actor's newest applied edit of these kinds (by default a figure's set or import) not undone."""
    undone = select(ChangeSet.undoes_id).where(ChangeSet.undoes_id.is_not(None), ChangeSet.state == "applied")
    row = session.scalars(
        select(ChangeSet)
        .where(
            ChangeSet.actor == actor,
            ChangeSet.state == "applied",
            ChangeSet.kind.in_(kinds),
            ChangeSet.id.not_in(undone),
        )
        .order_by(ChangeSet.id.desc())
        .limit(1)
    ).first()
    return None if row is None else _info(row)
