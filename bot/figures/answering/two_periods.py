"""One figure at two periods: "CP plans BCM 2012 v 2013", "leeds neet 2006 vs 2013", "between 2010 and 2013".

Both figures and the change between them, for each place named, from one definition: where no definition is
held for both periods, each period's figure is given under its own name and no change is drawn between them.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.answer import Answer, Status
from bot.figures.answering import facts as fact_rules
from bot.figures.answering import measures
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.fallbacks import no_data
from bot.figures.answering.follow_ups import follow_ups
from bot.figures.answering.wording import change, join, measure_words, period_of, shown, when
from bot.figures.language.periods import PeriodAsk
from bot.figures.language.understanding import Question
from charts.specs import TrendChart
from data.figures.queries import Fact

MAX_PLACES = 4  # places answered side by side; more read better as a comparison per period


@dataclass(frozen=True)
class PlacePair:
    place: str
    earlier: Fact | None
    later: Fact | None


def answer_periods(ctx: Context, question: Question, focus: Focus, chosen: list[str]) -> Answer:
    periods = (question.periods[0], question.periods[-1])
    named = _named_members(ctx, question, focus)
    ctx.facts.load(named, chosen)
    indicator = _one_definition(ctx, named, chosen, periods)
    if indicator is None:
        return _different_definitions(ctx, named, chosen[0], periods, focus)
    pairs = [_pair(ctx, indicator, place, periods) for place in chosen[:MAX_PLACES]]
    info = ctx.lexicon.indicators[indicator]
    held = [fact for pair in pairs for fact in (pair.earlier, pair.later) if fact is not None]
    if not held:
        either = PeriodAsk(periods[0].start, periods[1].end, f"{periods[0].description} or {periods[1].description}")
        return no_data(ctx, indicator, focus.place, either)
    sentences = [_place_sentence(ctx, pair, periods, len(pairs) > 1) for pair in pairs]
    if len(pairs) == 1:
        pair = pairs[0]
        listing = " and ".join(f"{shown(fact, info)} {when(fact)}" for fact in (pair.earlier, pair.later) if fact)
        headline = f"{info.short_name}, {ctx.names.name(focus.place)}: {listing}."
    else:
        headline = f"{info.short_name}, {periods[0].description} and {periods[1].description}:"
    complete = [pair for pair in pairs if pair.earlier is not None and pair.later is not None]
    status = Status.ANSWER if complete else Status.NO_DATA
    first = complete[0] if complete else None
    return Answer(
        status=status,
        headline=headline,
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, focus.place, _both(periods, first)) + ", change between them",
        facts=ctx.names.views(held, "asked"),
        sources=ctx.names.sources(held),
        chart=_chart(ctx, indicator, first, chosen[1:]) if first is not None else None,
        follow_ups=follow_ups(
            ctx, Focus(indicator, focus.place, False), ctx.names.indicator_words(indicator, focus.mention)
        ),
    )


def _named_members(ctx: Context, question: Question, focus: Focus) -> list[str]:
    """The definition chosen first, then the rest of its family of the same kind (rate or count)."""
    family = measures.members(ctx.lexicon, [focus.indicator])
    kind = question.measure or ("rate" if ctx.lexicon.indicators[focus.indicator].unit in measures.RATE_UNITS else "")
    return [focus.indicator, *(code for code in measures.of_kind(ctx.lexicon, family, kind) if code != focus.indicator)]


def _one_definition(
    ctx: Context, codes: list[str], chosen: list[str], periods: tuple[PeriodAsk, PeriodAsk]
) -> str | None:
    """The first definition with a figure in both periods for the first place (never two definitions in one
    change). None when each period is held only under a different definition."""
    pairs = [_pair(ctx, code, chosen[0], periods) for code in codes]
    for code, pair in zip(codes, pairs, strict=True):
        if pair.earlier is not None and pair.later is not None:
            return code
    has_earlier = [code for code, pair in zip(codes, pairs, strict=True) if pair.earlier is not None]
    has_later = [code for code, pair in zip(codes, pairs, strict=True) if pair.later is not None]
    if has_earlier and has_later:
        return None
    return next(iter(has_earlier or has_later), codes[0])


def _pair(ctx: Context, indicator: str, place: str, periods: tuple[PeriodAsk, PeriodAsk]) -> PlacePair:
    series = ctx.facts.series(indicator, place)
    later_held = fact_rules.within(series, periods[1])
    later = _latest(later_held)
    earlier_held = fact_rules.within(series, periods[0])
    if later is not None:
        # Like with like: the earlier figure of the same kind (a year-end beside a year-end).
        earlier_held = [fact for fact in earlier_held if fact_rules.same_kind(fact, later)] or earlier_held
    earlier = _latest(earlier_held)
    if earlier is not None and later is not None and later.source_document != earlier.source_document:
        # One source for both ends where it holds both: a report's rounded 410 is not set against DfE's 355.2.
        same_source = [fact for fact in later_held if fact.source_document == earlier.source_document]
        later = _latest(same_source) or later
    return PlacePair(place, earlier, later)


def _latest(facts: list[Fact]) -> Fact | None:
    return facts[-1] if facts else None


def _place_sentence(ctx: Context, pair: PlacePair, periods: tuple[PeriodAsk, PeriodAsk], named: bool) -> str:
    prefix = f"{ctx.names.name(pair.place)}: " if named else ""
    held = pair.later or pair.earlier
    if held is None:
        return f"{prefix}No figures for {periods[0].description} or {periods[1].description}."
    info = ctx.lexicon.indicators[held.indicator]
    if pair.earlier is None or pair.later is None:
        gap = periods[0] if pair.earlier is None else periods[1]
        return (
            f"{prefix}No figure on {measure_words(info)} for {gap.description}, so no change can be given; "
            f"{shown(held, info)} {when(held)}."
        )
    if named:
        return f"{prefix}{shown(pair.later, info)} {when(pair.later)}. {change(pair.earlier, pair.later, info)}"
    return change(pair.earlier, pair.later, info)


def _both(periods: tuple[PeriodAsk, PeriodAsk], pair: PlacePair | None) -> str:
    if pair is not None and pair.earlier is not None and pair.later is not None:
        return f"{period_of(pair.earlier)} and {period_of(pair.later)}"
    return f"{periods[0].description} and {periods[1].description}"


def _chart(ctx: Context, indicator: str, pair: PlacePair, others: list[str]) -> TrendChart | None:
    """The figures from the one period to the other, on one line (every figure held between them)."""
    assert pair.earlier is not None and pair.later is not None
    series = [
        fact
        for fact in ctx.facts.series(indicator, pair.place)
        if fact_rules.same_kind(fact, pair.later)
        and pair.earlier.period_end <= fact.period_end <= pair.later.period_end
    ]
    return ctx.charts.trend(indicator, pair.place, series, others) if len(series) >= 2 else None


def _different_definitions(
    ctx: Context, codes: list[str], place: str, periods: tuple[PeriodAsk, PeriodAsk], focus: Focus
) -> Answer:
    """Each period's figure under its own definition, and plainly no change between two definitions."""
    found: list[Fact] = []
    for period in periods:
        held = [fact for code in codes for fact in fact_rules.within(ctx.facts.series(code, place), period)[-1:]]
        found += held[:1]
    names = [ctx.lexicon.indicators[fact.indicator] for fact in found]
    listing = [f"{info.short_name} {shown(fact, info)} {when(fact)}" for fact, info in zip(found, names, strict=True)]
    sentences = [
        f"These are different definitions ({join([info.name for info in names])}), so no change is drawn between them."
    ]
    return Answer(
        status=Status.ANSWER,
        headline=f"{ctx.names.name(place)}: {'; '.join(listing)}.",
        sentences=tuple(sentences),
        reading=ctx.names.reading(found[0].indicator, place, _both(periods, None)) + ", two definitions",
        facts=ctx.names.views(found, "asked"),
        sources=ctx.names.sources(found),
        follow_ups=follow_ups(
            ctx, Focus(found[-1].indicator, place, False), ctx.names.indicator_words(found[-1].indicator, focus.mention)
        ),
    )
