"""Targets asked for directly: "NEET target 2010", "what was the target for neet", "cla target".

The target as its source states it ("Local PSA target for 2010: 6.8%", not "by 30 Nov 2010"), the figure it is
judged by where one is held for its date, else the figures either side of it; and plainly when none is held.
"""

from __future__ import annotations

from dataclasses import replace

from bot.answer import Answer, Status
from bot.figures.answering import measures
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.formatting import figure
from bot.figures.answering.wording import measure_words, shown, when
from bot.figures.language.understanding import Question
from data.figures.periods import uk_date
from data.figures.queries import Fact, IndicatorInfo, TargetInfo


def stated(target: TargetInfo, unit: str, decimals: int) -> str:
    """ "Local PSA target for 2010: 6.8%": the date only where the label does not already give the source's."""
    goal = f"{target.label}: {figure(target.value, unit, decimals)}"
    return goal if str(target.by_date.year) in target.label else f"{goal} by {uk_date(target.by_date)}"


TARGET_DATE_SLACK_DAYS = 45  # a figure this close to a target's date is the one it is judged by


def on_target_date(ctx: Context, indicator: str, place: str, target: TargetInfo) -> list[Fact]:
    """The figures a target is judged by: those within TARGET_DATE_SLACK_DAYS of its date."""
    return [
        fact
        for fact in ctx.facts.series(indicator, place)
        if abs((fact.period_end - target.by_date).days) <= TARGET_DATE_SLACK_DAYS
    ]


def target_met(info: IndicatorInfo, value: float, target: TargetInfo) -> bool:
    gap = value - target.value
    return gap <= 0 if info.polarity == "lower_is_better" else gap >= 0


def targets_for(ctx: Context, indicator: str, place: str) -> list[TargetInfo]:
    """Targets for this figure's family at this place (a target set on NEET 16-18 is NEET's target)."""
    return [
        target
        for code in measures.members(ctx.lexicon, [indicator])
        for target in ctx.lexicon.targets.get((code, place), ())
    ]


def answer_target(ctx: Context, question: Question, focus: Focus, answer: Answer) -> Answer:
    """The target first; the figure's own answer after it (or, with no target held, that said first)."""
    held = targets_for(ctx, focus.indicator, focus.place)
    info = ctx.lexicon.indicators[focus.indicator]
    place = ctx.names.name(focus.place)
    if question.period is not None:
        held = [t for t in held if question.period.start <= t.by_date <= question.period.end] or held
    if not held:
        no_target = f"No target is held for {measure_words(info)} in {place}."
        return replace(answer, sentences=(no_target, *answer.sentences))
    target = held[0]
    target_info = ctx.lexicon.indicators[target.indicator]
    latest = [f"Latest: {answer.headline}"] if answer.status is Status.ANSWER else []
    sentences = [_judged(ctx, target), *latest, *answer.sentences]
    return replace(
        answer,
        status=Status.ANSWER,
        headline=f"{stated(target, target_info.unit, target_info.decimals)} ({target_info.short_name}, {place}).",
        sentences=tuple(sentence for sentence in sentences if not sentence.startswith(target.label)),
        sources=(f"{ctx.lexicon.source_title(target.source_document)}, {target.source_locator}", *answer.sources),
        reading=f"{answer.reading}, with its target",
    )


def _judged(ctx: Context, target: TargetInfo) -> str:
    """The figure for the target's date (judged as the value answer judges it), or the figures held either side."""
    info = ctx.lexicon.indicators[target.indicator]
    series = ctx.facts.series(target.indicator, target.geography)
    on_date = on_target_date(ctx, target.indicator, target.geography, target)
    fact = on_date[-1] if on_date else None
    if fact is not None and fact.value is not None:
        met = target_met(info, fact.value, target)
        return f"The figure {when(fact)} was {shown(fact, info)}: the target was {'met' if met else 'missed'}."
    before = [fact for fact in series if fact.period_end < target.by_date]
    after = [fact for fact in series if fact.period_end > target.by_date]
    either = [f"{shown(fact, info)} {when(fact)}" for fact in (before[-1:] + after[:1])]
    held = f" The figures either side of it: {' and '.join(either)}." if either else ""
    return f"No figure is held for {target.by_date.year} to judge it by.{held}"
