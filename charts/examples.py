"""Example chart specs: plain data for the benchmarks, the tests and anyone trying a renderer."""

from __future__ import annotations

from datetime import date

from charts.specs import (
    Bar,
    ChartSpec,
    ComparisonChart,
    Marker,
    Point,
    Reference,
    Series,
    StatusChart,
    TargetLine,
    TrendChart,
    TurnTheCurveChart,
    ValueFormat,
)

PERCENT = ValueFormat("percent", 1)
RATE = ValueFormat("rate_per_10000")


def _years(values: list[float | None], first: int = 2013) -> tuple[Point, ...]:
    return tuple(Point(date(first + i, 3, 31), str(first + i), value) for i, value in enumerate(values))


TREND = TrendChart(
    title="Child protection plan rate in Leeds fell from 62 to 31 per 10,000, 2013 to 2018",
    subtitle="Children subject of a child protection plan per 10,000 children aged under 18",
    series=(
        Series("Leeds", _years([62, 47, 38, 35, 31, 31]), focus=True),
        Series("Statistical neighbours", _years([45, 53, 49, 50, 48, 53])),
        Series("England", _years([38, 42, 43, 43, 43, 45])),
        Series("Leeds: new measure", _years([30, 29], first=2019), focus=True),
    ),
    value_format=RATE,
    source="Source: Scrutiny Board report (6 Mar 2019). Latest period: 31 Mar 2018.",
    target=TargetLine(40, "Illustrative target"),
    breaks=(Marker(date(2019, 3, 31), "Definition changes"),),
)
COMPARISON = ComparisonChart(
    title="JESS had the highest NEET 16-18 of the 2 areas, 31 Mar 2013",
    subtitle="Young people aged 16-18 not in education, employment or training (%)",
    bars=(Bar("JESS", 9.9, highlight=True), Bar("BCM", 6.1)),
    value_format=PERCENT,
    source="Source: Inner South Area Committee report (19 Jun 2013), §3.5.1.",
    references=(Reference("Inner South", 8.6), Reference("Leeds", 5.5)),
)
CURVE = TurnTheCurveChart(
    title="The rate ended below its earlier trend",
    subtitle="Children in need per 10,000",
    actual=Series("Leeds", _years([410, 440, 390, 350, 370, 360]), focus=True),
    baseline_from=date(2013, 3, 31),
    baseline_to=date(2015, 3, 31),
    value_format=RATE,
    source="Source: test data.",
    children_per_unit=16.7673,
    projected_label="2013 to 2015 trend",
)
STATUS = StatusChart(
    title="Most recommendations were in theme 2",
    subtitle="By theme and route",
    themes=("1. Leadership", "2. Safeguarding"),
    statuses=("Improvement Board", "Other body", "Closed"),
    counts=((4, 3, 2), (10, 4, 6)),
    source="Source: Annex A.",
)
ALL: dict[str, ChartSpec] = {"trend": TREND, "comparison": COMPARISON, "turn-the-curve": CURVE, "status": STATUS}
