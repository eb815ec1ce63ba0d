"""Chart requests for answers: the plain data the renderers in charts/ draw."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from bot.figures.answering.formatting import bare_number, figure, ordinal
from bot.figures.answering.wording import highest_first, measure_words, period_of, short_period, shown
from bot.figures.answering.wording import places as published_places
from bot.figures.language import places
from bot.figures.language.lexicon import FULL, Lexicon
from charts.specs import Bar, ComparisonChart, Marker, Point, Reference, Series, TargetLine, TrendChart, ValueFormat
from data.figures.queries import Fact, IndicatorInfo

if TYPE_CHECKING:
    # Annotations only: bot.figures.answering builds its Charts from its own fact loader.
    from bot.figures.answering.facts import FactLoader

ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
CLUSTER_ACRONYM_MAX = 4
SIZED = frozenset({"count", "money"})  # figures that grow with the size of the place


def _points(facts: list[Fact]) -> tuple[Point, ...]:
    return tuple(
        Point(fact.period_end, period_of(fact), fact.value, fact.symbol, decimals=fact.decimals) for fact in facts
    )


def short_name(lexicon: Lexicon, place: str) -> str:
    """ "JESS", "BCM", "Leeds", "Middleton Park": what fits beside a line end."""
    info = lexicon.geographies[place]
    if info.type == "school_cluster":
        acronyms = [
            word
            for word, owners in lexicon.geography_words.items()
            if list(owners) == [place] and owners[place] == FULL and word.isalpha() and len(word) <= CLUSTER_ACRONYM_MAX
        ]
        if acronyms:
            return min(acronyms, key=len).upper()
    if info.type == "comparator_group":
        return "Statistical neighbours"
    return info.name.removesuffix(" cluster")


def title_measure(info: IndicatorInfo) -> str:
    """ "NEET 16-18", "child protection plan rate": the measure as words in a title."""
    return measure_words(info).replace(" (%)", "")


class Charts:
    """Builds chart specs for answers, reading any further series it draws through the answer's fact loader."""

    def __init__(self, lexicon: Lexicon, facts: FactLoader) -> None:
        self._lexicon = lexicon
        self._facts = facts

    def for_value(
        self, indicator: str, place: str, fact: Fact, compared: list[Fact]
    ) -> TrendChart | ComparisonChart | None:
        """A single figure's chart: its history where there is one, else it beside its comparators."""
        series = [
            f
            for f in self._facts.series(indicator, place)
            if f.period_kind == fact.period_kind and f.period_end <= fact.period_end
        ]
        if len(series) >= 2:
            return self.trend(indicator, place, series, [])
        if compared:
            return self.comparison(indicator, [fact, *compared], place, ())
        return None

    def trend(self, indicator: str, place: str, series: list[Fact], others: list[str]) -> TrendChart:
        info = self._lexicon.indicators[indicator]
        lines, all_facts = self._trend_lines(indicator, place, series, others)
        later = self._sibling_after(indicator, place, series[-1])
        breaks = []
        if later:
            sibling = self._lexicon.indicators[later[0].indicator]
            lines.append(
                Series(
                    f"{self._short(place)}: {sibling.short_name}", _points(later), focus=True, definition=sibling.name
                )
            )
            breaks.append(Marker(later[0].period_end, "Definition changes"))
            all_facts += later
        target = next(iter(self._lexicon.targets.get((indicator, place), ())), None)
        yearly = _same_day_each_year(all_facts)
        if yearly:
            lines = [
                replace(line, points=tuple(replace(p, label=str(p.when.year)) for p in line.points)) for line in lines
            ]
        first = series[0]
        subtitle = info.name + (f", {_each_year(first)}" if yearly and not _says_the_day(info.name, first) else "")
        return TrendChart(
            title=self._trend_title(info, place, series, yearly),
            subtitle=subtitle,
            series=tuple(lines),
            value_format=ValueFormat(info.unit, info.decimals),
            source=self._source_line(all_facts),
            target=TargetLine(target.value, target.label) if target is not None else None,
            breaks=tuple(breaks),
        )

    def _trend_lines(
        self, indicator: str, place: str, series: list[Fact], others: list[str]
    ) -> tuple[list[Series], list[Fact]]:
        """The place's line, then each other place's and comparator's over the same span."""
        info = self._lexicon.indicators[indicator]
        kind, start, end = series[-1].period_kind, series[0].period_end, series[-1].period_end
        lines = [Series(self._short(place), _points(series), focus=True, definition=info.name)]
        all_facts = list(series)
        for other in [*others, *places.comparators(self._lexicon, place, series[-1].period_end)]:
            if info.unit in SIZED and self._lexicon.geographies[other].type != self._lexicon.geographies[place].type:
                continue  # England's 49,420 on Leeds' axis flattens Leeds' change out of sight
            # Over the place's own span: a chart for "X in 2016" ends every line at 2016.
            facts = [
                f
                for f in self._facts.series(indicator, other)
                if f.period_kind == kind and start <= f.period_end <= end
            ]
            if len(facts) >= 1 and all(line.name != self._short(other) for line in lines):
                lines.append(Series(self._short(other), _points(facts), definition=info.name))
                all_facts += facts
        return lines, all_facts

    def _sibling_after(self, indicator: str, place: str, last: Fact) -> list[Fact]:
        """Figures under the definition that replaced this one (same unit), after its last figure."""
        sibling = places.sibling_with_data(self._lexicon, indicator, place)
        if sibling is None or self._lexicon.indicators[sibling].unit != self._lexicon.indicators[indicator].unit:
            return []
        return [f for f in self._facts.series(sibling, place) if f.period_end > last.period_end]

    def _trend_title(self, info: IndicatorInfo, place: str, series: list[Fact], yearly: bool) -> str:
        first, last = series[0], series[-1]
        span = (
            f"{first.period_end.year} to {last.period_end.year}"
            if yearly
            else f"{short_period(first)} to {short_period(last)}"
        )
        # Each end as published, as the answer's sentences and the line's end label print it: a report's 62 and
        # DfE's 36.0 are "62 to 36.0", never a 36 that neither the text nor the label shows.
        start_places, end_places = published_places(first, info), published_places(last, info)
        # The unit is said once, at the end: "fell from 62 to 31 per 10,000".
        start_value = (
            figure(first.value, info.unit, start_places, first.symbol)
            if info.unit in {"percent", "money"}
            else bare_number(first.value, start_places, first.symbol)
        )
        end_value = figure(last.value, info.unit, end_places, last.symbol)
        measure = title_measure(info)
        return (
            f"{measure[0].upper()}{measure[1:]} in {self._short(place)} "
            f"{_direction(first.value, last.value)} {start_value} to {end_value}, {span}"
        )

    def comparison(
        self,
        indicator: str,
        rows: list[Fact],
        focus: str | None,
        references: tuple[Fact, ...],
        measure: IndicatorInfo | None = None,
        extra_sources: list[Fact] | None = None,
    ) -> ComparisonChart:
        """measure: how the bars are measured when not as the indicator (a rate derived from a population);
        extra_sources: figures behind the bars that the source line names too (the populations)."""
        info = measure or self._lexicon.indicators[indicator]
        ordered = highest_first(rows)
        highlight = focus or rows[0].geography
        bars = tuple(
            Bar(
                self._short(fact.geography),
                fact.value,
                fact.geography == highlight,
                symbol=fact.symbol,
                decimals=fact.decimals,
            )
            for fact in ordered
        )
        return ComparisonChart(
            title=self._comparison_title(info, ordered, focus),
            subtitle=info.name,
            bars=bars,
            value_format=ValueFormat(info.unit, info.decimals),
            source=self._source_line([*rows, *references, *(extra_sources or [])]),
            references=tuple(
                Reference(self._short(ref.geography), ref.value, decimals=ref.decimals)
                for ref in references
                if ref.value is not None
            ),
        )

    def _comparison_title(self, info: IndicatorInfo, ordered: list[Fact], focus: str | None) -> str:
        measure = title_measure(info)
        period = period_of(ordered[0])
        two = len(ordered) == 2  # of two, one is "higher", not "the highest of the 2"
        if focus is None or focus not in [fact.geography for fact in ordered]:
            leader = self._short(ordered[0].geography)
            if two:
                return f"{leader} had the higher {measure} of the two areas, {period}"
            return f"{leader} had the highest {measure} of the {len(ordered)} areas, {period}"
        mine = next(fact for fact in ordered if fact.geography == focus)
        others = [fact for fact in ordered if fact.geography != focus]
        name = self._short(focus)
        if len(others) == 1:
            other = others[0]
            if mine.value is None or other.value is None or mine.value == other.value:
                return f"{name} and {self._short(other.geography)}: {measure}, {period}"
            return (
                f"{name} had {_more_or_higher(info, mine.value > other.value, measure)} than "
                f"{self._short(other.geography)}: {shown(mine, info)} against {shown(other, info)}, {period}"
            )
        rank = ordered.index(mine) + 1
        position = {1: "the highest"}.get(
            rank, "the lowest" if rank == len(ordered) else f"the {ordinal(rank)} highest"
        )
        return f"{name} had {position} {measure} of the {len(ordered)} areas, {period}"

    def _short(self, place: str) -> str:
        return short_name(self._lexicon, place)

    def _source_line(self, facts: list[Fact]) -> str:
        titles = dict.fromkeys(self._lexicon.source_title(fact.source_document) for fact in facts)
        as_at = max(fact.period_end for fact in facts)
        line = f"Source: {'; '.join(titles)}. Latest period: {as_at.day} {as_at:%b %Y}."
        if any(fact.source_document.endswith(".csv") for fact in facts):
            line += " " + ATTRIBUTION
        return line


def _more_or_higher(info: IndicatorInfo, above: bool, measure: str) -> str:
    """ "more children looked after" for a count, "a higher NEET 16-18" for a rate or a percentage."""
    if info.unit in {"count", "money"}:
        return f"{'more' if above else 'fewer'} {measure}"
    return f"a {'higher' if above else 'lower'} {measure}"


def _each_year(first: Fact) -> str:
    return f"at {first.period_end.day} {first.period_end:%B} each year"


def _says_the_day(name: str, first: Fact) -> bool:
    """The measure's name already gives the day ("... at 31 March"): saying it again reads as a stutter."""
    return f"{first.period_end.day} {first.period_end:%B}".lower() in name.lower()


def _same_day_each_year(facts: list[Fact]) -> bool:
    days = {(fact.period_end.month, fact.period_end.day) for fact in facts}
    return len(days) == 1 and all(fact.period_kind == "snapshot" for fact in facts)


def _direction(first: float | None, last: float | None) -> str:
    if first is None or last is None:
        return "went from"
    if first == last:
        return "was unchanged:"
    return "rose from" if last > first else "fell from"
