"""A digest bullet's chart as plain data: the areas over time where there is a series, else side by side."""

from __future__ import annotations

from bot.digest.bullets import AreaFigure
from bot.figures.answering.wording import highest_first_by
from charts.specs import Bar, ChartSpec, ComparisonChart, Point, Reference, Series, TrendChart, ValueFormat
from data.figures.periods import uk_date
from data.figures.queries import Fact, IndicatorInfo


def chart_for(info: IndicatorInfo, areas: list[AreaFigure], city: Fact | None, source: str) -> ChartSpec | None:
    """source: the citation of the figures shown."""
    fmt = ValueFormat(info.unit, info.decimals)
    source = f"Source: {source}."
    if any(area.previous is not None for area in areas):
        return _trend(info, areas, fmt, source)
    if len(areas) < 2:
        return None
    # A count for the whole city dwarfs an area's: shown as a line only for rates and percentages.
    references = (
        (Reference("Leeds", city.value, decimals=city.decimals),)
        if city and city.value is not None and info.unit != "count"
        else ()
    )
    counts = info.unit in {"count", "money"}
    return ComparisonChart(
        title=_counts_title(info, areas, fmt) if counts else _highest_title(info, areas, fmt),
        subtitle=info.name,
        bars=_as_listed(areas) if counts else _highest_first(areas),
        value_format=fmt,
        source=source,
        references=references,
    )


def _trend(info: IndicatorInfo, areas: list[AreaFigure], fmt: ValueFormat, source: str) -> TrendChart:
    series = tuple(
        Series(
            area.name,
            tuple(
                Point(f.period_end, f.period_label, f.value, f.symbol, decimals=f.decimals)
                for f in (area.previous, area.latest)
                if f
            ),
            focus=index == 0,
        )
        for index, area in enumerate(areas)
    )
    return TrendChart(
        title=f"{info.short_name}: " + ", ".join(_direction(area) for area in areas),
        subtitle=info.name,
        series=series,
        value_format=fmt,
        source=source,
    )


def _direction(area: AreaFigure) -> str:
    """The finding for one area, as a title states it: "up in JESS"."""
    before, now = area.previous, area.latest
    if before is None or before.value is None or now.value is None:
        return f"{area.name} only at {uk_date(now.period_end)}"
    word = "up" if now.value > before.value else "down" if now.value < before.value else "unchanged"
    return f"{word} in {area.name}"


def _highest_title(info: IndicatorInfo, areas: list[AreaFigure], fmt: ValueFormat) -> str:
    held = [area for area in areas if area.latest.value is not None]
    when = uk_date(areas[0].latest.period_end)
    if not held:
        return f"{info.short_name} by area, {when}"
    top = highest_first_by(held, _latest_value)[0]
    value = fmt.text(top.latest.value, decimals=top.latest.decimals)
    return f"{info.short_name}: highest in {top.name} ({value}) at {when}"


def _counts_title(info: IndicatorInfo, areas: list[AreaFigure], fmt: ValueFormat) -> str:
    """Counts of areas of different size are not ranked: "Children looked after at 31 Mar 2013: JESS 214,
    BCM 88 (areas of different size)"."""
    when = uk_date(areas[0].latest.period_end)
    listing = ", ".join(
        f"{area.name} {fmt.text(area.latest.value, decimals=area.latest.decimals)}"
        for area in areas
        if area.latest.value is not None
    )
    return f"{info.short_name} at {when}: {listing} (areas of different size)"


def _as_listed(areas: list[AreaFigure]) -> tuple[Bar, ...]:
    own = areas[0].name
    return tuple(
        Bar(area.name, area.latest.value, highlight=area.name == own, decimals=area.latest.decimals) for area in areas
    )


def _highest_first(areas: list[AreaFigure]) -> tuple[Bar, ...]:
    """Bars in the order every comparison chart uses, the committee's own area (listed first) highlighted."""
    own = areas[0].name
    ranked = highest_first_by(areas, _latest_value)
    return tuple(
        Bar(area.name, area.latest.value, highlight=area.name == own, decimals=area.latest.decimals) for area in ranked
    )


def _latest_value(area: AreaFigure) -> float | None:
    return area.latest.value
