"""Figures in UK house style: 3,532; 9.9%; 62 per 10,000; £4.8m; 31 Mar 2013."""

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


def figure(value: float | None, unit: str, decimals: int, symbol: str | None = None) -> str:
    """A value with its unit, ready for a sentence. Suppressed figures become words, never numbers."""
    if value is None:
        return SYMBOL_WORDS.get(symbol or "", "no figure")
    if unit == "percent":
        return f"{number(value, decimals)}%"
    if unit == "rate_per_10000":
        return f"{number(value, decimals)} per 10,000"
    if unit == "money":
        return money(value)
    if unit == "rank":
        return ordinal(round(value))
    return number(value, decimals)


def difference(delta: float, unit: str, decimals: int) -> str:
    """The size of a change: "56", "1.3 percentage points", "4 per 10,000"."""
    size = abs(delta)
    if unit == "percent":
        points = number(size, max(decimals, 1))
        return f"{points} percentage point" + ("" if points == "1.0" else "s")
    if unit == "rate_per_10000":
        return f"{number(size, decimals)} per 10,000"
    if unit == "money":
        return money(size)
    if unit == "rank":
        return f"{number(size, 0)} place" + ("" if size == 1 else "s")
    return number(size, decimals)


def percent_change(previous: float, current: float) -> str | None:
    if previous == 0:
        return None
    return f"{(current - previous) / previous * 100:+.0f}%".replace("+", "")
