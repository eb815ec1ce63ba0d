"""A figure over time for one place: first to last, the high and low, and where it stands now."""

from __future__ import annotations

from dataclasses import replace

from bot.answer import Answer, Status
from bot.figures.answering import facts as fact_rules
from bot.figures.answering import measures
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.fallbacks import no_data
from bot.figures.answering.follow_ups import follow_ups
from bot.figures.answering.value import answer_value, comparator_facts, target_sentences
from bot.figures.answering.wording import change, join, period_of, shown, versus, when
from bot.figures.language import places
from bot.figures.language.understanding import Question
from data.figures.queries import Fact, IndicatorInfo

ONLY_ONE_FIGURE = "Only one figure of this kind is held, so there is no trend to show yet."


def answer_trend(ctx: Context, question: Question, focus: Focus, others: list[str]) -> Answer:
    found = _series_asked(ctx, question, focus)
    if isinstance(found, Answer):
        return found
    indicator, series = found
    kind = series[-1].period_kind
    series = [fact for fact in series if fact.period_kind == kind]
    if len(series) < 2:
        answer = answer_value(ctx, question, Focus(indicator, focus.place, focus.place_defaulted, focus.mention))
        return replace(answer, notes=(*answer.notes, ONLY_ONE_FIGURE))
    info = ctx.lexicon.indicators[indicator]
    first, last = series[0], series[-1]
    headline = (
        f"{info.short_name}, {ctx.names.name(focus.place)}: {shown(first, info)} {when(first)} to "
        f"{shown(last, info)} {when(last)}"
    )
    sentences = _overall_change(series, info)
    compared = comparator_facts(ctx, indicator, focus.place, last)
    if compared:
        sentences.append(f"Latest, {shown(last, info)} is {join([versus(last, o, info) for o in compared])}.")
    sentences += target_sentences(ctx, indicator, focus.place, last)
    period = f"{period_of(first)} to {period_of(last)}"
    note = measures.other_definitions(ctx, indicator, focus.place)
    return Answer(
        status=Status.ANSWER,
        headline=headline + ".",
        notes=(note,) if note else (),
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, focus.place, period, focus.place_defaulted) + ", trend",
        facts=ctx.names.views(series, "series") + ctx.names.views(compared, "comparator"),
        sources=ctx.names.sources([*series, *compared]),
        chart=ctx.charts.trend(indicator, focus.place, series, others),
        follow_ups=follow_ups(
            ctx, Focus(indicator, focus.place, False), ctx.names.indicator_words(indicator, focus.mention)
        )[1:],
    )


def _series_asked(ctx: Context, question: Question, focus: Focus) -> tuple[str, list[Fact]] | Answer:
    """The figures in the period asked for; a sibling definition's where the asked one has none here."""
    indicator = focus.indicator
    series = fact_rules.within(ctx.facts.series(indicator, focus.place), question.period)
    if series:
        return indicator, series
    sibling = places.sibling_with_data(ctx.lexicon, indicator, focus.place)
    if sibling is None:
        return no_data(ctx, indicator, focus.place, question.period)
    series = fact_rules.within(ctx.facts.series(sibling, focus.place), question.period)
    if not series:
        return no_data(ctx, sibling, focus.place, question.period)
    return sibling, series


def _overall_change(series: list[Fact], info: IndicatorInfo) -> list[str]:
    first, last = series[0], series[-1]
    sentences = [
        change(first, last, info).replace("Up from", "Up overall from").replace("Down from", "Down overall from")
    ]
    values = [fact.value for fact in series if fact.value is not None]
    if len(series) > 2 and values:
        high = max(series, key=lambda fact: fact.value if fact.value is not None else float("-inf"))
        low = min(series, key=lambda fact: fact.value if fact.value is not None else float("inf"))
        sentences.append(f"Highest {shown(high, info)} {when(high)}; lowest {shown(low, info)} {when(low)}.")
    return sentences
