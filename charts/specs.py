"""What a chart shows, as plain data. The renderers know nothing of databases or chat platforms."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charts.numbers import UNIT_PHRASES, axis_tick, figure


@dataclass(frozen=True)
class ValueFormat:
    """How to print a value: unit is count, percent, rate_per_10000, average, money or rank."""

    unit: str
    decimals: int = 0

    def label(self) -> str:
        return UNIT_PHRASES.get(self.unit, UNIT_PHRASES["count"])

    def text(self, value: float | None, symbol: str | None = None, decimals: int | None = None) -> str:
        """The value as the answer's sentences state it (charts.numbers.figure), at the precision it was
        published with where that is known (a report's 62 is not DfE's 62.0), else the measure's own."""
        return figure(value, self.unit, self.decimals if decimals is None else decimals, symbol)

    def tick(self, value: float) -> str:
        return axis_tick(value, self.unit)


@dataclass(frozen=True)
class Point:
    when: date
    label: str
    value: float | None
    symbol: str | None = None  # why value is missing (c, x, z...): shown as words
    decimals: int | None = None  # as published; None: the value format's


@dataclass(frozen=True)
class Series:
    name: str
    points: tuple[Point, ...]
    focus: bool = False
    definition: str = ""


@dataclass(frozen=True)
class Marker:
    """A vertical line on a time axis: where a definition changes, say."""

    when: date
    label: str


@dataclass(frozen=True)
class TargetLine:
    value: float
    label: str


@dataclass(frozen=True)
class TrendChart:
    title: str
    subtitle: str
    series: tuple[Series, ...]
    value_format: ValueFormat
    source: str
    target: TargetLine | None = None
    breaks: tuple[Marker, ...] = ()


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    highlight: bool = False
    note: str = ""
    symbol: str | None = None  # why value is missing (c, x, z...): shown as words
    decimals: int | None = None  # as published; None: the value format's


@dataclass(frozen=True)
class Reference:
    label: str
    value: float
    decimals: int | None = None  # as published; None: the value format's


@dataclass(frozen=True)
class ComparisonChart:
    title: str
    subtitle: str
    bars: tuple[Bar, ...]
    value_format: ValueFormat
    source: str
    references: tuple[Reference, ...] = ()


@dataclass(frozen=True)
class TurnTheCurveChart:
    """Actual against a baseline projected from a chosen stretch of years; the gap stated in children."""

    title: str
    subtitle: str
    actual: Series
    baseline_from: date
    baseline_to: date
    value_format: ValueFormat
    source: str
    children_per_unit: float
    projected_label: str = "if the earlier trend had continued"


@dataclass(frozen=True)
class StatusChart:
    title: str
    subtitle: str
    themes: tuple[str, ...]
    statuses: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    source: str


ChartSpec = TrendChart | ComparisonChart | TurnTheCurveChart | StatusChart
