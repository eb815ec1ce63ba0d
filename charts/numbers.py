"""Figures in UK house style: 3,532; 9.9%; 62 per 10,000; £4.8m; 3rd. The one formatter for every figure shown.

Answers, chart labels and alt text all print figures through `figure`, so a number never reads one way in a
sentence and another on the chart beside it. Suppressed figures are stored as symbols and shown as words.
"""

from __future__ import annotations

SYMBOL_WORDS = {
    "c": "suppressed",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "fewer than 0.5",
    "k": "fewer than 0.5",
    "~": "suppressed",
    ":": "not available",
}
NO_FIGURE = "no figure"
UNIT_PHRASES = {
    "count": "number",
    "percent": "%",
    "rate_per_10000": "per 10,000 children",
    "average": "average",
    "money": "£",
    "rank": "rank",
}


def number(value: float, decimals: int = 0) -> str:
    return f"{value:,.{decimals}f}"


def money(value: float) -> str:
    if abs(value) >= 1_000_000:
        return f"£{value / 1_000_000:,.1f}m".replace(".0m", "m")
    return f"£{value:,.0f}"


def ordinal(value: int) -> str:
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def symbol_words(symbol: str | None) -> str:
    """What a missing value's symbol means; no symbol at all is simply "no figure"."""
    return SYMBOL_WORDS.get(symbol or "", NO_FIGURE)


def bare_number(value: float | None, decimals: int = 0, symbol: str | None = None) -> str:
    """The number without its unit, for a title that states the unit once ("fell from 62 to 31 per 10,000")."""
    return symbol_words(symbol) if value is None else number(value, decimals)


def figure(value: float | None, unit: str, decimals: int = 0, symbol: str | None = None) -> str:
    """A value with its unit, ready for a sentence or a label. Suppressed figures become words, never numbers."""
    if value is None:
        return symbol_words(symbol)
    if unit == "percent":
        return f"{number(value, decimals)}%"
    if unit == "rate_per_10000":
        return f"{number(value, decimals)} per 10,000"
    if unit == "money":
        return money(value)
    if unit == "rank":
        return ordinal(round(value))
    return number(value, decimals)


def axis_tick(value: float, unit: str) -> str:
    """A gridline's label: whole numbers where they are whole, and the unit only where it is a symbol."""
    if unit == "percent":
        return f"{value:,.0f}%" if value == int(value) else f"{value:,.1f}%"
    if unit == "money":
        return f"£{value / 1_000_000:,.0f}m" if abs(value) >= 1_000_000 else f"£{value:,.0f}"
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
