"""Writing figures: every change is audited, and a correction keeps the previous value in history.

Callers own the transaction: a batch is written inside the caller's session and committed (or rolled
back) as one unit, so an import is all or nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Table, bindparam, insert, select, update
from sqlalchemy.orm import Session

from data.figures.bulk import insert_rows
from data.figures.periods import Period
from data.figures.validation import FigureRules, InvalidFigure, limits, shown_text, texts_problem
from data.models import AuditLog, Geography, Indicator, Observation, ObservationRevision

PAYLOAD_FIELDS = (
    "period_kind",
    "period_label",
    "value",
    "decimals",
    "symbol",
    "numerator",
    "denominator",
    "status",
    "source_document",
    "source_locator",
    "source_quote",
    "note",
)
Key = tuple[int, int, date, date]
OBSERVATION: Table = Observation.__table__  # type: ignore[assignment]
AUDIT_LOG: Table = AuditLog.__table__  # type: ignore[assignment]
REVISION: Table = ObservationRevision.__table__  # type: ignore[assignment]


class UnknownReference(ValueError):
    """An indicator or geography code the store does not hold."""


@dataclass(frozen=True)
class ObservationInput:
    indicator: str
    geography: str
    period: Period
    value: float | None
    symbol: str | None = None
    decimals: int | None = None  # as published; None: the indicator's default
    numerator: float | None = None
    denominator: float | None = None
    status: str = "final"
    source_document: str = ""
    source_locator: str = ""
    source_quote: str | None = None
    note: str | None = None

    @property
    def label(self) -> str:
        return f"{self.indicator} | {self.geography} | {self.period.start} to {self.period.end}"

    def payload(self) -> dict[str, Any]:
        """A fresh dict each call (callers extend it); built from the cached one, read millions of times."""
        return dict(self._payload)

    @cached_property
    def _payload(self) -> dict[str, Any]:
        return {
            "period_kind": self.period.kind.value,
            "period_label": self.period.label,
            "value": self.value,
            "decimals": self.decimals,
            "symbol": self.symbol,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "status": self.status,
            "source_document": self.source_document,
            "source_locator": self.source_locator,
            "source_quote": self.source_quote,
            "note": self.note,
        }


@dataclass(frozen=True)
class WriteSummary:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def code_ids(session: Session, model: type[Indicator] | type[Geography], codes: Iterable[str]) -> dict[str, int]:
    wanted = sorted(set(codes))
    found: dict[str, int] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(session.execute(select(model.code, model.id).where(model.code.in_(chunk))).tuples().all())
    missing = [code for code in wanted if code not in found]
    if missing:
        kind = "indicator" if model is Indicator else "geography"
        raise UnknownReference(f"unknown {kind} code(s): {', '.join(missing[:10])}")
    return found


def write_observations(
    session: Session,
    inputs: Sequence[ObservationInput],
    *,
    actor: str,
    channel: str,
    reason: str,
    audit_creates: bool = True,
    corroborate: bool = False,
    defer_to_other_sources: bool = False,
    change_set: int | None = None,
    today: date | None = None,
) -> WriteSummary:
    """Insert new figures and revise changed ones. Bulk file imports pass audit_creates=False and write one
    audit row for the file instead; revisions are always audited one by one. With corroborate=True, a figure
    whose value is unchanged keeps its existing provenance (another publication agreeing is not a revision).
    An officer's edit passes its change set: the figures, revisions and audit rows carry it (a file import
    passes none, so a figure it revises is no longer one set by hand). `today` (by default London's) is the
    horizon no figure's period may end after."""
    indicator_ids = code_ids(session, Indicator, (item.indicator for item in inputs))
    geography_ids = code_ids(session, Geography, (item.geography for item in inputs))
    check_inputs(session, inputs, today)
    existing = _existing(session, indicator_ids.values(), geography_ids.values())
    now = datetime.now(UTC)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    revisions: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    unchanged = 0
    for item in inputs:
        key = (indicator_ids[item.indicator], geography_ids[item.geography], item.period.end, item.period.start)
        after = item.payload()
        current = existing.get(key)
        if current is None:
            inserts.append({**_new_row(key, after, now, actor), "change_set_id": change_set})
            if audit_creates:
                audits.append(audit_row(now, actor, channel, "create", item.label, None, after, reason, change_set))
            continue
        observation_id, before, previous_set = current
        agrees = corroborate and (before["value"], before["symbol"]) == (after["value"], after["symbol"])
        # A reload of a bundled source must not undo what a later publication revised.
        deferred = defer_to_other_sources and before["source_document"] != after["source_document"]
        if before == after or agrees or deferred:
            unchanged += 1
            continue
        updates.append(
            {"id": observation_id, **after, "updated_at": now, "updated_by": actor, "change_set_id": change_set}
        )
        revisions.append(
            {
                "observation_id": observation_id,
                "previous": jsonable(before),
                "superseded_at": now,
                "superseded_by": actor,
                "reason": reason,
                "change_set_id": change_set,
                "previous_change_set_id": previous_set,
            }
        )
        audits.append(audit_row(now, actor, channel, "update", item.label, before, after, reason, change_set))
    if inserts:
        # The driver's own bulk path (COPY on PostgreSQL): an import may bring half a million figures.
        insert_rows(session, OBSERVATION, inserts)
    if updates:
        session.execute(
            update(OBSERVATION).where(OBSERVATION.c.id == bindparam("observation_id")),
            [{**row, "observation_id": row.pop("id")} for row in updates],
        )
    if revisions:
        session.execute(insert(REVISION), revisions)
    if audits:
        session.execute(insert(AUDIT_LOG), audits)
    return WriteSummary(created=len(inserts), updated=len(updates), unchanged=unchanged)


def check_inputs(session: Session, inputs: Sequence[ObservationInput], today: date | None = None) -> None:
    """The last line of defence: whatever path a figure came by, the shared rules (data.figures.validation) hold.
    Importers and the officers' updates check earlier, where they can name the line or the field; a path that
    does not is still refused here, naming the figure and where it came from."""
    rules = FigureRules.of(session, today)
    problems = []
    for item in inputs:
        problem = rules.problem(item.indicator, item.geography, item.period, item.payload())
        if problem:
            where = f" ({item.source_locator})" if item.source_locator else ""
            problems.append(f"{item.label}{where}: {problem}")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise InvalidFigure("nothing was written: " + "; ".join(problems[:3]) + more)


def _existing(
    session: Session, indicator_ids: Iterable[int], geography_ids: Iterable[int]
) -> dict[Key, tuple[int, dict[str, Any], int | None]]:
    """Current figures by key: id, payload and the change set that wrote them (None: not set by hand)."""
    columns = [getattr(Observation, name) for name in PAYLOAD_FIELDS]
    wanted_geographies = set(geography_ids)
    found: dict[Key, tuple[int, dict[str, Any], int | None]] = {}
    for indicator_id in set(indicator_ids):
        statement = select(
            Observation.id,
            Observation.geography_id,
            Observation.period_end,
            Observation.period_start,
            Observation.change_set_id,
            *columns,
        ).where(Observation.indicator_id == indicator_id)
        if len(wanted_geographies) <= 500:
            statement = statement.where(Observation.geography_id.in_(wanted_geographies))
        for row in session.execute(statement).tuples():
            observation_id, geography_id, end, start, change_set, *values = row
            if geography_id in wanted_geographies:
                found[(indicator_id, geography_id, end, start)] = (
                    observation_id,
                    dict(zip(PAYLOAD_FIELDS, values, strict=True)),
                    change_set,
                )
    return found


def _new_row(key: Key, payload: dict[str, Any], now: datetime, actor: str) -> dict[str, Any]:
    indicator_id, geography_id, end, start = key
    return {
        "indicator_id": indicator_id,
        "geography_id": geography_id,
        "period_start": start,
        "period_end": end,
        **payload,
        "updated_at": now,
        "updated_by": actor,
    }


def audit_row(
    now: datetime,
    actor: str,
    channel: str,
    action: str,
    entity_key: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    reason: str,
    change_set: int | None = None,
) -> dict[str, Any]:
    return {
        "at": now,
        "actor": actor,
        "channel": channel,
        "action": action,
        "entity": "observation",
        "entity_key": entity_key,
        "before": jsonable(before),
        "after": jsonable(after),
        "reason": reason,
        "change_set_id": change_set,
    }


def jsonable(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    if payload is None:
        return None
    return {key: value.isoformat() if isinstance(value, date) else value for key, value in payload.items()}


def record_audit(
    session: Session,
    *,
    actor: str,
    channel: str,
    action: str,
    entity: str,
    entity_key: str,
    after: dict[str, Any] | None = None,
    reason: str = "",
    change_set: int | None = None,
) -> None:
    """An audit row for writes other than observations (catalogue loads, imports as a whole)."""
    session.execute(
        insert(AuditLog),
        [
            {
                "at": datetime.now(UTC),
                "actor": actor,
                "channel": channel,
                "action": action,
                "entity": entity,
                "entity_key": entity_key,
                "before": None,
                "after": jsonable(after),
                "reason": reason,
                "change_set_id": change_set,
            }
        ],
    )


def add_indicator(
    session: Session,
    *,
    code: str,
    name: str,
    unit: str,
    decimals: int,
    polarity: str,
    theme: str,
    definition: str,
    source: str,
    actor: str,
    channel: str,
    reason: str,
    family: str | None = None,
) -> Indicator:
    """An indicator that an import brings (LAIT, generic mode, a described export), audited: its own family
    unless the import names one (a count and its rate per 10,000 belong together)."""
    texts = {"code": code, "name": name, "theme": theme, "definition": definition, "source": source}
    problem = texts_problem(texts, limits(Indicator, texts))
    if problem:
        raise InvalidFigure(f"indicator {shown_text(code)}: {problem}")
    indicator = Indicator(
        code=code,
        name=name,
        short_name=name[:100],
        unit=unit,
        decimals=decimals,
        polarity=polarity,
        family=family or code,
        theme=theme,
        definition=definition,
        source=source,
        aliases=[],
    )
    session.add(indicator)
    session.flush()
    record_audit(
        session,
        actor=actor,
        channel=channel,
        action="create",
        entity="indicator",
        entity_key=code,
        after={"name": name, "unit": unit},
        reason=reason,
    )
    return indicator
