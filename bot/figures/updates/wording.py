"""How updates read, once for every platform: preview rows, refusals, history lines. Plain text only."""

from __future__ import annotations

from dataclasses import dataclass

from bot.figures.language.lexicon import Lexicon
from bot.figures.updates.reading import FieldError, UpdateRequest
from charts.numbers import figure as figure_text
from data.figures.changes import AuditEntry, ProposedFigure, parse_label
from data.figures.periods import Period, PeriodKind, uk_date

REFUSAL = (
    "Sorry, only children's services officers can change figures. Nothing was changed. "
    "If you should be one, ask an admin to add you."
)
ALREADY_SETTLED = "That change was already confirmed or cancelled."
NOT_YOURS = "Only the officer who previewed that change can confirm or cancel it."
# Where a figure set by hand says it came from (its locator names the change set).
SOURCE = "Set by an officer in briefbot"


@dataclass(frozen=True)
class PreviewRow:
    """One row of a preview: how it was read, what is held (old) and what it would be (new), or why not."""

    line: int | None
    reading: str
    change: str  # new, changed, unchanged or rejected
    old: str | None
    new: str | None
    errors: tuple[FieldError, ...] = ()
    status: str = "final"

    @classmethod
    def rejected(cls, request: UpdateRequest, errors: tuple[FieldError, ...]) -> PreviewRow:
        typed = " ".join(part for part in (request.indicator, request.area, request.period, request.value) if part)
        return cls(request.line, typed, "rejected", None, None, errors)

    @property
    def text(self) -> str:
        where = f"Row {self.line}: " if self.line is not None else ""
        provisional = " (provisional)" if self.status == "provisional" else ""
        if self.change == "rejected":
            reasons = "; ".join(error.message for error in self.errors)
            return f"{where}rejected: “{self.reading}”: {reasons}"
        if self.change == "changed":
            return f"{where}{self.reading}: {self.old} → {self.new}{provisional}"
        if self.change == "unchanged":
            return f"{where}{self.reading}: {self.new}, unchanged"
        return f"{where}{self.reading}: new, {self.new}{provisional}"


def shown(value: float | None, symbol: str | None, decimals: int | None, unit: str) -> str:
    places = decimals if decimals is not None else (0 if value is None or value.is_integer() else 1)
    return figure_text(value, unit, places, symbol)


def reading_of(figure: ProposedFigure, lexicon: Lexicon) -> str:
    info = lexicon.indicators[figure.indicator]
    period = Period(end=figure.period_end, start=figure.period_start, kind=PeriodKind(figure.period_kind))
    return f"{info.short_name} [{figure.indicator}], {lexicon.geographies[figure.geography].name}, {period.display}"


def history_line(entry: AuditEntry, unit: str) -> str:
    """`30 Jun 2013: 149 → 151, by Jo on 25 Nov 2026 (change set 7)`."""
    after, before = entry.after or {}, entry.before or {}
    _indicator, _place, start, end = parse_label(entry.entity_key)
    kind = PeriodKind(str((after or before).get("period_kind", "range")))
    label = Period(end=end, start=start, kind=kind).display
    old = _value(before, unit) if before else None
    new = _value(after, unit) if after else None
    if entry.action == "delete":
        what = f"{old} removed"
    elif old is None:
        what = f"new, {new}"
    else:
        what = f"{old} → {new}"
    by = f"by {entry.actor_name} on {uk_date(entry.at.date())}"
    where = f" (change set {entry.change_set})" if entry.change_set else f" ({entry.reason})" if entry.reason else ""
    return f"{label}: {what}, {by}{where}"


def _value(payload: dict[str, object], unit: str) -> str:
    value = payload.get("value")
    symbol = payload.get("symbol")
    decimals = payload.get("decimals")
    return shown(
        float(value) if isinstance(value, int | float) else None,
        symbol if isinstance(symbol, str) else None,
        decimals if isinstance(decimals, int) else None,
        unit,
    )
