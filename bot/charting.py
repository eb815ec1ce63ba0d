"""Chart requests for answers: the plain data the renderers in charts/ draw."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot import places
from bot.formatting import number, ordinal
from bot.lexicon import FULL
from bot.wording import highest_first, measure_words, period_of, shown
from charts.specs import Bar, ComparisonChart, Marker, Point, Reference, Series, TargetLine, TrendChart, ValueFormat
from data.queries import Fact, IndicatorInfo

if TYPE_CHECKING:
    from bot.answering import Answerer

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."


def _points(facts: list[Fact]) -> tuple[Point, ...]:
    return tuple(Point(fact.period_end, period_of(fact), fact.value) for fact in facts)


def short_name(answerer: Answerer, place: str) -> str:
    """ "JESS", "BCM", "Leeds", "Middleton Park": what fits beside a line end."""
    lexicon = answerer.lexicon
    info = lexicon.geographies[place]
    if info.type == "school_cluster":
        acronyms = [
            word
            for word, owners in lexicon.geography_words.items()
            if list(owners) == [place] and owners[place] == FULL and word.isalpha() and len(word) <= 4
        ]
        if acronyms:
            return min(acronyms, key=len).upper()
    if info.type == "comparator_group":
        return "Statistical neighbours"
    return info.name.removesuffix(" cluster")


def _source_line(answerer: Answerer, facts: list[Fact]) -> str:
    titles = dict.fromkeys(answerer.lexicon.source_title(fact.source_document) for fact in facts)
    as_at = max(fact.period_end for fact in facts)
    line = f"Source: {'; '.join(titles)}. Latest period: {as_at.day} {as_at:%b %Y}."
    if any(fact.source_document.endswith(".csv") for fact in facts):
        line += " " + ATTRIBUTION
    return line


def _format(answerer: Answerer, indicator: str) -> ValueFormat:
    info = answerer.lexicon.indicators[indicator]
    return ValueFormat(info.unit, info.decimals)


def trend(answerer: Answerer, indicator: str, place: str, series: list[Fact], others: list[str]) -> TrendChart:
    lexicon = answerer.lexicon
    info = lexicon.indicators[indicator]
    kind = series[-1].period_kind
    start = series[0].period_end
    lines = [Series(short_name(answerer, place), _points(series), focus=True, definition=info.name)]
    all_facts = list(series)
    for other in [*others, *places.comparators(lexicon, place, series[-1].period_end)]:
        facts = [f for f in answerer._series(indicator, other) if f.period_kind == kind and f.period_end >= start]
        if len(facts) >= 1 and all(line.name != short_name(answerer, other) for line in lines):
            lines.append(Series(short_name(answerer, other), _points(facts), definition=info.name))
            all_facts += facts
    breaks = []
    sibling = places.sibling_with_data(lexicon, indicator, place)
    if sibling is not None and lexicon.indicators[sibling].unit == info.unit:
        later = [f for f in answerer._series(sibling, place) if f.period_end > series[-1].period_end]
        if later:
            sibling_name = lexicon.indicators[sibling].short_name
            lines.append(
                Series(
                    f"{short_name(answerer, place)}: {sibling_name}",
                    _points(later),
                    focus=True,
                    definition=lexicon.indicators[sibling].name,
                )
            )
            breaks.append(Marker(later[0].period_end, "Definition changes"))
            all_facts += later
    target = next(iter(lexicon.targets.get((indicator, place), ())), None)
    first, last = series[0], series[-1]
    direction = _direction(first.value, last.value)
    yearly = _same_day_each_year(all_facts)
    span = f"{period_of(first)} to {period_of(last)}"
    if yearly:
        span = f"{first.period_end.year} to {last.period_end.year}"
    start_value = shown(first, info) if info.unit in {"percent", "money"} else number_only(first, info)
    title = (
        f"{title_measure(info)[0].upper()}{title_measure(info)[1:]} in {short_name(answerer, place)} "
        f"{direction} {start_value} to {shown(last, info)}, {span}"
    )
    if yearly:
        lines = [replace(line, points=tuple(replace(p, label=str(p.when.year)) for p in line.points)) for line in lines]
    subtitle = info.name + (f", at {first.period_end.day} {first.period_end:%B} each year" if yearly else "")
    return TrendChart(
        title=title,
        subtitle=subtitle,
        series=tuple(lines),
        value_format=_format(answerer, indicator),
        source=_source_line(answerer, all_facts),
        target=TargetLine(target.value, target.label) if target is not None else None,
        breaks=tuple(breaks),
    )


def number_only(fact: Fact, info: IndicatorInfo) -> str:
    return "suppressed" if fact.value is None else number(fact.value, info.decimals)


def _same_day_each_year(facts: list[Fact]) -> bool:
    days = {(fact.period_end.month, fact.period_end.day) for fact in facts}
    return len(days) == 1 and all(fact.period_kind == "snapshot" for fact in facts)


def _direction(first: float | None, last: float | None) -> str:
    if first is None or last is None:
        return "went from"
    if first == last:
        return "was unchanged:"
    return "rose from" if last > first else "fell from"


def comparison(
    answerer: Answerer, indicator: str, rows: list[Fact], focus: str | None, references: tuple[Fact, ...]
) -> ComparisonChart:
    info = answerer.lexicon.indicators[indicator]
    ordered = highest_first(rows)
    highlight = focus or rows[0].geography
    bars = tuple(Bar(short_name(answerer, fact.geography), fact.value, fact.geography == highlight) for fact in ordered)
    title = _comparison_title(answerer, title_measure(info), ordered, focus)
    return ComparisonChart(
        title=title,
        subtitle=info.name,
        bars=bars,
        value_format=_format(answerer, indicator),
        source=_source_line(answerer, [*rows, *references]),
        references=tuple(
            Reference(short_name(answerer, ref.geography), ref.value) for ref in references if ref.value is not None
        ),
    )


def possessive(name: str) -> str:
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def title_measure(info: IndicatorInfo) -> str:
    """ "NEET 16-18", "child protection plan rate": the measure as words in a title."""
    return measure_words(info).replace(" (%)", "")


def _comparison_title(answerer: Answerer, measure: str, ordered: list[Fact], focus: str | None) -> str:
    info = answerer.lexicon.indicators[ordered[0].indicator]
    period = period_of(ordered[0])
    if focus is None or focus not in [fact.geography for fact in ordered]:
        leader = short_name(answerer, ordered[0].geography)
        return f"{leader} had the highest {measure} of the {len(ordered)} areas, {period}"
    mine = next(fact for fact in ordered if fact.geography == focus)
    others = [fact for fact in ordered if fact.geography != focus]
    name = short_name(answerer, focus)
    if len(others) == 1:
        other = others[0]
        if mine.value is None or other.value is None or mine.value == other.value:
            return f"{name} and {short_name(answerer, other.geography)}: {measure}, {period}"
        side = "higher" if mine.value > other.value else "lower"
        return (
            f"{possessive(name)} {measure} was {side} than {possessive(short_name(answerer, other.geography))}: "
            f"{shown(mine, info)} against {shown(other, info)}, {period}"
        )
    rank = ordered.index(mine) + 1
    position = {1: "the highest"}.get(rank, "the lowest" if rank == len(ordered) else f"the {ordinal(rank)} highest")
    return f"{name} had {position} {measure} of the {len(ordered)} areas, {period}"


def for_value(
    answerer: Answerer, indicator: str, place: str, fact: Fact, compared: list[Fact]
) -> TrendChart | ComparisonChart | None:
    series = [
        f
        for f in answerer._series(indicator, place)
        if f.period_kind == fact.period_kind and f.period_end <= fact.period_end
    ]
    if len(series) >= 2:
        return trend(answerer, indicator, place, series, [])
    if compared:
        return comparison(answerer, indicator, [fact, *compared], place, ())
    return None
