"""A digest bullet's chart as plain data: the areas over time where there is a series, else side by side."""

from __future__ import annotations

from bot.digest.bullets import AreaFigure
from charts.specs import Bar, ChartSpec, ComparisonChart, Point, Reference, Series, TrendChart, ValueFormat
from data.periods import uk_date
from data.queries import Fact, IndicatorInfo


def chart_for(info: IndicatorInfo, areas: list[AreaFigure], city: Fact | None, source: str) -> ChartSpec | None:
    """source: the citation of the figures shown."""
    fmt = ValueFormat(info.unit, info.decimals)
    source = f"Source: {source}."
    if any(area.previous is not None for area in areas):
        return _trend(info, areas, fmt, source)
    if len(areas) < 2:
        return None
    # A count for the whole city dwarfs an area's: shown as a line only for rates and percentages.
    references = (Reference("Leeds", city.value),) if city and city.value is not None and info.unit != "count" else ()
    latest = areas[0].latest
    return ComparisonChart(
        title=f"{info.short_name} by area, {uk_date(latest.period_end)}",
        subtitle=info.name,
        bars=tuple(Bar(area.name, area.latest.value, highlight=index == 0) for index, area in enumerate(areas)),
        value_format=fmt,
        source=source,
        references=references,
    )


def _trend(info: IndicatorInfo, areas: list[AreaFigure], fmt: ValueFormat, source: str) -> TrendChart:
    series = tuple(
        Series(
            area.name,
            tuple(Point(f.period_end, f.period_label, f.value, f.symbol) for f in (area.previous, area.latest) if f),
            focus=index == 0,
        )
        for index, area in enumerate(areas)
    )
    return TrendChart(
        title=f"{info.short_name}: {' and '.join(area.name for area in areas)}",
        subtitle=info.name,
        series=series,
        value_format=fmt,
        source=source,
    )
