"""One formatter: a figure reads the same in the answer's text, on the chart and in the chart's alt text."""

from __future__ import annotations

from datetime import date

import pytest

from bot.figures.answering.formatting import figure
from bot.figures.answering.wording import shown
from charts.alt_text import describe
from charts.numbers import SYMBOL_WORDS
from charts.render import build_figure
from charts.specs import Bar, ComparisonChart, Point, Series, TrendChart, ValueFormat
from data.figures.queries import Fact, IndicatorInfo

DAY = date(2013, 3, 31)

# (value, unit, decimals, symbol, as written)
CASES = [
    (3532.0, "count", 0, None, "3,532"),
    (0.0, "count", 0, None, "0"),
    (9.9, "percent", 1, None, "9.9%"),
    (10.0, "percent", 1, None, "10.0%"),
    (62.0, "rate_per_10000", 0, None, "62 per 10,000"),
    (34.66, "rate_per_10000", 1, None, "34.7 per 10,000"),
    (4_800_000.0, "money", 0, None, "£4.8m"),
    (4_000_000.0, "money", 0, None, "£4m"),
    (1_250.0, "money", 0, None, "£1,250"),
    (12.5, "average", 1, None, "12.5"),
    (3.0, "rank", 0, None, "3rd"),
    (11.0, "rank", 0, None, "11th"),
    (None, "percent", 1, None, "no figure"),
    *[(None, "count", 0, symbol, words) for symbol, words in SYMBOL_WORDS.items()],
]


def _fact(value: float | None, symbol: str | None) -> Fact:
    return Fact(
        "X",
        "P",
        "Place",
        "ward",
        DAY,
        DAY,
        "snapshot",
        "31/3/13",
        value,
        symbol,
        None,
        None,
        "final",
        "doc",
        "row 1",
        None,
    )


def _info(unit: str, decimals: int) -> IndicatorInfo:
    return IndicatorInfo("X", "A figure", "Figure", unit, decimals, "no_judgement", "X", "context", "", "")


def _comparison(value: float | None, unit: str, decimals: int, symbol: str | None) -> ComparisonChart:
    return ComparisonChart(
        "Title", "Subtitle", (Bar("Here", value, highlight=True, symbol=symbol),), ValueFormat(unit, decimals), "Src."
    )


def _chart_bar_label(spec: ComparisonChart) -> str:
    (label,) = [text.get_text() for text in build_figure(spec).axes[0].texts]
    return label


def _chart_line_label(value: float, unit: str, decimals: int) -> str:
    spec = TrendChart(
        "Title",
        "Subtitle",
        (Series("Here", (Point(DAY, "2013", value), Point(date(2014, 3, 31), "2014", value)), focus=True),),
        ValueFormat(unit, decimals),
        "Src.",
    )
    (label,) = [text.get_text() for text in build_figure(spec).axes[0].texts]
    return label.removeprefix("Here").lstrip(" \n")


@pytest.mark.parametrize(("value", "unit", "decimals", "symbol", "written"), CASES)
def test_text_chart_and_alt_text_agree(
    value: float | None, unit: str, decimals: int, symbol: str | None, written: str
) -> None:
    text = shown(_fact(value, symbol), _info(unit, decimals))
    spec = _comparison(value, unit, decimals, symbol)
    assert text == written
    assert figure(value, unit, decimals, symbol) == written
    assert _chart_bar_label(spec) == written
    assert f"highest first: Here {written} (highlighted)." in describe(spec)
    if value is not None:  # lines end at their last figure, so only figures get a line label
        assert _chart_line_label(value, unit, decimals) == written
