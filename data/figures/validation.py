"""What a figure may be, for every way one reaches the store: briefbot's long CSV, an official file read
through a mapping, a LAIT table, generic mode and an officer's `set` in chat or the CLI.

One set of rules, so a value refused in chat is refused in a file too, and the store (SQLite or PostgreSQL)
is never handed a value one backend would take and the other refuse. Each check returns the reason in words
(lower case, no full stop: callers put it after a line number or make it a sentence), or None when fine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from data.models import SUPPRESSION_SYMBOLS, Base, Observation

# A rate per 10,000 children above 10,000 would be more than one event per child: a slip, not a figure.
MAX_RATE_PER_10000 = 10_000.0
# Free text (a quotation, a note) held in an unbounded column: longer than this is a pasted file, not a note.
MAX_TEXT_CHARS = 10_000
# Where a value may be below zero: a budget's change is money and can fall.
MAY_BE_NEGATIVE = frozenset({"money"})
WHOLE_UNITS = {"count": "a count", "rank": "a rank"}
NOUNS = {
    "count": "count",
    "percent": "percentage",
    "rate_per_10000": "rate",
    "average": "average",
    "rank": "rank",
    "money": "sum of money",
}


class InvalidFigure(ValueError):
    """A figure (or its text) that no path may write; raised by data.figures.writes as the last line of defence."""


def number_text(number: float) -> str:
    return f"{number:,.10g}" if abs(number) >= 10_000 else f"{number:.10g}"


def value_problem(value: float | None, unit: str, *, decimals: int | None = None) -> str | None:
    """Why `value` can't be a figure in `unit`. `decimals` is how many places were typed, where known:
    a count typed as "15.0" is not whole either."""
    if value is None:
        return None
    shown = number_text(value)
    if value < 0 and unit not in MAY_BE_NEGATIVE:
        return f"a {NOUNS.get(unit, 'figure')} can't be negative, not {shown}"
    if unit in WHOLE_UNITS and (decimals or not value.is_integer()):
        return f"{WHOLE_UNITS[unit]} is a whole number, not {shown}"
    if unit == "rank" and value < 1:
        return f"a rank starts at 1, not {shown}"
    if unit == "percent" and value > 100:
        return f"{shown} is over 100, and a percentage is between 0 and 100"
    if unit == "rate_per_10000" and value > MAX_RATE_PER_10000:
        return f"a rate of {shown} per 10,000 is not believable (the limit is {MAX_RATE_PER_10000:,.0f})"
    return None


def symbol_problem(symbol: str | None) -> str | None:
    if symbol is None or symbol in SUPPRESSION_SYMBOLS:
        return None
    return f"symbol {shown_text(symbol)} is not one of {', '.join(SUPPRESSION_SYMBOLS)}"


def ratio_problem(numerator: float | None, denominator: float | None) -> str | None:
    """A numerator and denominator are counts of people: not negative, and the part no bigger than the whole."""
    for name, number in (("numerator", numerator), ("denominator", denominator)):
        if number is not None and number < 0:
            return f"the {name} can't be negative, not {number_text(number)}"
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
        problem = text_problem(name, text, limits.get(name))
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


def shown_text(text: str, limit: int = 40) -> str:
    """A value quoted in a message: repr (so a newline can't break the line), cut short."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
