"""Figures in sentences: the house-style formatter (charts.numbers, shared with the charts) and change sizes."""

from __future__ import annotations

from charts.numbers import SYMBOL_WORDS, UNIT_PHRASES, bare_number, figure, money, number, ordinal

__all__ = [
    "SYMBOL_WORDS",
    "UNIT_PHRASES",
    "bare_number",
    "difference",
    "figure",
    "money",
    "number",
    "ordinal",
    "percent_change",
]


def difference(delta: float, unit: str, decimals: int) -> str:
    """The size of a change: "56", "1.3 percentage points", "4 per 10,000"."""
    size = abs(delta)
    if unit == "percent":
        points = number(size, decimals)  # as precise as the figures it is the gap between
        return f"{points} percentage point" + ("" if float(points.replace(",", "")) == 1 else "s")
    if unit == "rate_per_10000":
        return f"{number(size, decimals)} per 10,000"
    if unit == "money":
        return money(size)
    if unit == "rank":
        return f"{number(size, 0)} place" + ("" if size == 1 else "s")
    return number(size, decimals)


def percent_change(previous: float, current: float) -> str | None:
    """ "12%"; a change under 1% keeps one decimal ("0.4%") rather than round to a "0%" beside a real change."""
    if previous == 0:
        return None
    share = (current - previous) / previous * 100
    if round(abs(share)) >= 1:
        return f"{share:+.0f}%".replace("+", "")
    if round(abs(share), 1) > 0:
        return f"{share:+.1f}%".replace("+", "")
    return "less than 0.1%"
