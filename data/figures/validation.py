"""What a figure may be, for every way one reaches the store: briefbot's long CSV, an official file read
through a mapping, a LAIT table, generic mode and an officer's `set` in chat, a form, a shared CSV or the CLI.

One set of rules, so a value refused in chat is refused in a file too, and the store (SQLite or PostgreSQL)
is never handed a value one backend would take and the other refuse. Each check returns the reason in words
(lower case, no full stop: callers put it after a line number or make it a sentence), or None when fine.

The rules that need the store (which indicators and places exist, the population held for a place) are held
by `FigureRules`, read once per write; data.figures.writes applies them to every batch as the last line of
defence, and each path applies them earlier where it can name the line or the field.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data.figures.periods import Period, uk_date
from data.models import STATUSES, SUPPRESSION_SYMBOLS, Base, Geography, Indicator, Observation

LONDON = ZoneInfo("Europe/London")
# A rate per 10,000 children above 10,000 would be more than one event per child: a slip, not a figure.
MAX_RATE_PER_10000 = 10_000.0
# The most any figure in a unit can be, whatever the place: past these it is a slip of the keyboard (or a
# 1e300 from a broken file), never a figure. A count (or an average, a numerator, a denominator): ten
# billion, more than the world's people and than the school sessions England's pupils could attend in a
# year (about 3 billion, the largest counts DfE publishes); counts of children have a far tighter bound, the
# children living there (FigureRules.population_problem). Money: more than all UK public spending in a
# year (about £1.2 trillion), in either direction. A rank: England has 153 local authorities and about 7,000
# wards, so a rank past 10,000 ranks nothing.
MAX_COUNT = 1e10
MAX_MAGNITUDE = {"count": MAX_COUNT, "average": MAX_COUNT, "money": 1e12, "rank": 10_000.0}
# Free text (a quotation, a note) held in an unbounded column: longer than this is a pasted file, not a note.
MAX_TEXT_CHARS = 10_000
# Where a value may be below zero: a budget's change is money and can fall; a progress score is an average
# that is below zero where pupils progressed less than similar pupils nationally.
MAY_BE_NEGATIVE = frozenset({"money", "average"})
# The children the store holds for a place: ONS's 0 to 17 and the reports' 0 to 18 (the larger bound wins).
POPULATIONS = ("POP_0_17", "POP_0_18")
# Where the store holds no children for a place, it still can't have more than England does.
ENGLAND = "E92000001"
WHOLE_UNITS = {"count": "a count", "rank": "a rank"}
NOUNS = {
    "count": "count",
    "percent": "percentage",
    "rate_per_10000": "rate",
    "average": "average",
    "rank": "rank",
    "money": "sum of money",
}


def london_today() -> date:
    """Today where the figures are kept (a snapshot taken this morning in Leeds is not "tomorrow" in UTC)."""
    return datetime.now(LONDON).date()


class InvalidFigure(ValueError):
    """A figure (or its text) that no path may write; raised by data.figures.writes as the last line of defence."""


def number_text(number: float) -> str:
    """A number as a message quotes it: 3,532 and 100,000,000,000 in full; only a broken 1e300 as 1e+300."""
    return f"{number:,.15g}" if abs(number) >= 10_000 else f"{number:.10g}"


def value_problem(value: float | None, unit: str, *, decimals: int | None = None) -> str | None:
    """Why `value` can't be a figure in `unit`. `decimals` is how many places were typed, where known:
    a count typed as "15.0" is not whole either."""
    if value is None:
        return None
    if value < 0 and unit not in MAY_BE_NEGATIVE:
        return f"a {NOUNS.get(unit, 'figure')} can't be negative, not {number_text(value)}"
    if unit in WHOLE_UNITS and (decimals or not value.is_integer()):
        return f"{WHOLE_UNITS[unit]} is a whole number, not {number_text(value)}"
    if unit == "rank" and value < 1:
        return f"a rank starts at 1, not {number_text(value)}"
    if unit == "percent" and value > 100:
        return f"{number_text(value)} is over 100, and a percentage is between 0 and 100"
    if unit == "rate_per_10000" and value > MAX_RATE_PER_10000:
        return f"a rate of {number_text(value)} per 10,000 is not believable (the limit is {MAX_RATE_PER_10000:,.0f})"
    return magnitude_problem(value, unit)


def magnitude_problem(value: float, unit: str) -> str | None:
    limit = MAX_MAGNITUDE.get(unit)
    if limit is None or abs(value) <= limit:
        return None
    noun = NOUNS.get(unit, "figure")
    article = "an" if noun[0] in "aeiou" else "a"
    return f"{article} {noun} of {number_text(value)} is not believable (the most is {limit:,.0f})"


def symbol_problem(symbol: str | None) -> str | None:
    if symbol is None or symbol in SUPPRESSION_SYMBOLS:
        return None
    return f"symbol {shown_text(symbol)} is not one of {', '.join(SUPPRESSION_SYMBOLS)}"


def ratio_problem(numerator: float | None, denominator: float | None) -> str | None:
    """A numerator and denominator are counts of people: not negative, and the part no bigger than the whole."""
    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and number < 0:
            return f"the {name} can't be negative, not {number_text(number)}"
        if number is not None and number > MAX_COUNT:
            return f"the {name} {number_text(number)} is not believable (the most is {MAX_COUNT:,.0f})"
    if numerator is not None and denominator is not None and numerator > denominator:
        return f"the numerator {number_text(numerator)} is more than the denominator {number_text(denominator)}"
    return None


def figure_problem(
    unit: str,
    value: float | None,
    *,
    symbol: str | None = None,
    decimals: int | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
) -> str | None:
    """Every rule for one figure, first failure first."""
    if (value is None) == (symbol is None):
        return "give either a value or a suppression symbol, not both or neither"
    return (
        symbol_problem(symbol) or value_problem(value, unit, decimals=decimals) or ratio_problem(numerator, denominator)
    )


def column_limit(model: type[Base], column: str) -> int | None:
    """The length the store allows for a text column (None: unbounded), read from the model so the check
    and the schema can't drift apart."""
    length: int | None = getattr(model.__table__.c[column].type, "length", None)
    return length


def limits(model: type[Base], columns: Iterable[str]) -> dict[str, int | None]:
    return {column: column_limit(model, column) for column in columns}


def text_problem(name: str, text: str | None, limit: int | None) -> str | None:
    """PostgreSQL refuses a NUL character and text over a column's length; SQLite stores both. Refusing them
    here makes the two backends accept exactly the same inputs."""
    if text is None:
        return None
    if "\x00" in text:
        return f"{name} contains a NUL character"
    allowed = MAX_TEXT_CHARS if limit is None else limit
    if len(text) > allowed:
        return f"{name} is {len(text):,} characters long; the most the store holds is {allowed:,}"
    return None


def texts_problem(texts: Mapping[str, str | None], limits: Mapping[str, int | None]) -> str | None:
    """The first text problem among named fields, each against its own limit."""
    for name, text in texts.items():
        limit = limits.get(name)
        if text is None or (len(text) <= (limit or MAX_TEXT_CHARS) and "\x00" not in text):
            continue  # the common case, inline: an import checks millions of these
        problem = text_problem(name, text, limit)
        if problem:
            return problem
    return None


# An observation's text columns, checked against the model's lengths.
TEXT_FIELDS = ("period_label", "status", "source_document", "source_locator", "source_quote", "note")
OBSERVATION_LIMITS = limits(Observation, TEXT_FIELDS)


def observation_problem(unit: str, payload: Mapping[str, Any]) -> str | None:
    """Every rule for an observation about to be written (data.figures.writes' payload). Published decimals are
    not a count's fault here: DfE writes some whole counts as "62.0"."""
    return figure_problem(
        unit,
        payload["value"],
        symbol=payload["symbol"],
        numerator=payload["numerator"],
        denominator=payload["denominator"],
    ) or texts_problem({name: payload[name] for name in TEXT_FIELDS}, OBSERVATION_LIMITS)


def period_problem(period: Period, today: date) -> str | None:
    """A figure is a measurement of something that has happened, so its period must have ended by today.

    The horizon is the same for every kind of period, for a reason each: a snapshot (31 Mar) is a count
    taken on that day, so it may be today (an officer's count this morning) but not tomorrow; a month,
    quarter, financial, academic or calendar year is an outturn, and until it ends only part of it is known:
    a figure for "2026/27" in December 2026 would be answered as the year's and be wrong (a year-to-date
    figure is a range ending on the day it was counted); a range (DfE's Dec-Feb NEET average, a term) is
    the same. A publication's usual lag (DfE's 31 March figures appear in the autumn) would be a tighter
    bound for official files, but an officer's own provisional figures arrive days after a period ends, so
    the lag would refuse true figures; "not after today" never does. Targets are different: a target is
    dated by when it should be met, often in the future, and is not an observation, so no horizon applies
    to it (targets are loaded from the seed's targets.csv, not through these paths).
    """
    if period.end <= today:
        return None
    return f"{period.display} is in the future: a figure is for a period that has ended by today ({uk_date(today)})"


@dataclass(frozen=True)
class Problem:
    """Why a figure can't be written, and which part of it is wrong (so a form can show it by its field)."""

    field: str  # indicator, geography, period, value, status or text
    reason: str

    def __str__(self) -> str:
        return self.reason


@dataclass(frozen=True)
class FigureRules:
    """Every rule for a figure, with what the store holds that they need: the indicators (and their units),
    the places, the children held for each place, and today. Read once per write with `of`."""

    units: Mapping[str, str]
    geographies: frozenset[str]
    # Counts whose family has a rate per 10,000 children: the rate's numerator, a count of children.
    children_counts: frozenset[str] = frozenset()
    populations: Mapping[str, float] | None = None  # geography code -> the most children held for it
    today: date | None = None

    @classmethod
    def of(cls, session: Session, today: date | None = None) -> FigureRules:
        indicators = session.execute(select(Indicator.code, Indicator.unit, Indicator.family)).tuples().all()
        rate_families = {family for _code, unit, family in indicators if unit == "rate_per_10000"}
        return cls(
            units={code: unit for code, unit, _family in indicators},
            geographies=frozenset(session.scalars(select(Geography.code)).all()),
            children_counts=frozenset(
                code for code, unit, family in indicators if unit == "count" and family in rate_families
            ),
            populations=children_held(session),
            today=today or london_today(),
        )

    def problem(self, indicator: str, geography: str, period: Period, payload: Mapping[str, Any]) -> Problem | None:
        """The first rule the figure breaks, or None. `payload` is data.figures.writes' (value, symbol,
        numerator, denominator and the text fields)."""
        unit = self.units.get(indicator)
        if unit is None:
            return Problem("indicator", f"unknown indicator {shown_text(indicator)}")
        if geography not in self.geographies:
            return Problem("geography", f"unknown geography {shown_text(geography)}")
        found = period_problem(period, self.today or london_today())
        if found:
            return Problem("period", found)
        found = figure_problem(
            unit,
            payload["value"],
            symbol=payload["symbol"],
            numerator=payload["numerator"],
            denominator=payload["denominator"],
        ) or self.population_problem(indicator, geography, payload["value"])
        if found:
            return Problem("value", found)
        if payload["status"] not in STATUSES:
            return Problem("status", f"status {shown_text(str(payload['status']))} is not provisional or final")
        found = texts_problem({name: payload[name] for name in TEXT_FIELDS}, OBSERVATION_LIMITS)
        return Problem("text", found) if found else None

    def population_problem(self, indicator: str, geography: str, value: float | None) -> str | None:
        """A count of children can't be more than the children living there. The bound is the most the store
        holds for the place in any year (a population moves by a few per cent a year; a slip is 10 or 1,000
        times too big); a place with none held (a ward, a cluster) is bounded by England's children."""
        if value is None or indicator not in self.children_counts:
            return None
        populations = self.populations or {}
        held = populations.get(geography)
        where = "this place"
        if held is None:
            held, where = populations.get(ENGLAND), "England"
        if held is None or value <= held:
            return None
        return f"a count of {value:,.10g} is more than the {held:,.0f} children the store holds for {where}"


def children_held(session: Session) -> dict[str, float]:
    """The most children (aged 0 to 17, or 0 to 18) the store holds for each place, in any period."""
    statement = (
        select(Geography.code, func.max(Observation.value))
        .join(Observation, Observation.geography_id == Geography.id)
        .join(Indicator, Observation.indicator_id == Indicator.id)
        .where(Indicator.code.in_(POPULATIONS), Observation.value.is_not(None))
        .group_by(Geography.code)
    )
    return {code: float(value) for code, value in session.execute(statement).tuples() if value is not None}


def shown_text(text: str, limit: int = 40) -> str:
    """A value quoted in a message: repr (so a newline can't break the line), cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
