"""One figure for one place: its period, change, like-for-like comparisons and any target."""

from __future__ import annotations

from bot.answer import Answer, Status
from bot.figures.answering import facts as fact_rules
from bot.figures.answering import measures
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.fallbacks import no_data
from bot.figures.answering.follow_ups import follow_ups
from bot.figures.answering.formatting import difference
from bot.figures.answering.targets import on_target_date, stated, target_met
from bot.figures.answering.wording import change, join, measure_words, period_of, shown, versus, when
from bot.figures.language import places
from bot.figures.language.understanding import Question
from data.figures.queries import Fact, TargetInfo


def answer_value(ctx: Context, question: Question, focus: Focus) -> Answer:
    indicator, notes = focus.indicator, []
    series = ctx.facts.series(indicator, focus.place)
    if not series:
        sibling = places.sibling_with_data(ctx.lexicon, indicator, focus.place)
        if sibling is None:
            return no_data(ctx, indicator, focus.place, question.period)
        notes.append(_definition_note(ctx, indicator, sibling, focus.place))
        indicator, series = sibling, ctx.facts.series(sibling, focus.place)
    chosen = fact_rules.within(series, question.period)
    if not chosen:
        return no_data(ctx, indicator, focus.place, question.period)
    fact = chosen[-1]
    info = ctx.lexicon.indicators[indicator]
    notes += [note for note in [measures.other_definitions(ctx, indicator, focus.place)] if note]
    facts = [ctx.names.view(fact, "asked")]
    headline = f"{info.short_name}, {ctx.names.name(focus.place)}: {shown(fact, info)} {when(fact)}"
    companion = _companion_fact(ctx, indicator, fact)
    if companion is not None:
        companion_info = ctx.lexicon.indicators[companion.indicator]
        headline += f" ({shown(companion, companion_info)} {measure_words(companion_info)})"
        facts.append(ctx.names.view(companion, "companion"))
    sentences: list[str] = []
    previous = fact_rules.previous(series, fact)
    if previous is not None:
        sentences.append(change(previous, fact, info))
        facts.append(ctx.names.view(previous, "previous"))
    compared = comparator_facts(ctx, indicator, focus.place, fact)
    if compared:
        sentences.append(f"That is {join([versus(fact, other, info) for other in compared])}, {when(fact)}.")
        facts += ctx.names.views(compared, "comparator")
    sentences += target_sentences(ctx, indicator, focus.place, fact)
    sentences += [f"Note: {fact.note}"] if fact.note else []
    phrase = ctx.names.indicator_words(indicator, focus.mention)
    return Answer(
        status=Status.ANSWER,
        headline=headline + ".",
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, focus.place, period_of(fact), focus.place_defaulted),
        facts=tuple(facts),
        notes=tuple(notes),
        sources=ctx.names.sources([fact, *compared]),
        chart=ctx.charts.for_value(indicator, focus.place, fact, compared),
        follow_ups=follow_ups(ctx, Focus(indicator, focus.place, False), phrase),
    )


def _definition_note(ctx: Context, asked: str, used: str, place: str) -> str:
    asked_info, used_info = ctx.lexicon.indicators[asked], ctx.lexicon.indicators[used]
    return (
        f"No figures for “{asked_info.name}” in {ctx.names.name(place)}; showing “{used_info.name}”, "
        f"a different definition: {used_info.definition}"
    )


def _companion_fact(ctx: Context, indicator: str, fact: Fact) -> Fact | None:
    """The count beside a rate (or the reverse) for the same period, where the store holds one."""
    other = places.companion(ctx.lexicon, indicator)
    if other is None:
        return None
    return fact_rules.same_period(ctx.facts.series(other, fact.geography), fact)


def comparator_facts(ctx: Context, indicator: str, place: str, fact: Fact) -> list[Fact]:
    """The place's usual comparators (parent area, Leeds, England...) for exactly the same period."""
    found = []
    sized = ctx.lexicon.indicators[indicator].unit in measures.SIZED_UNITS
    kind = ctx.lexicon.geographies[place].type
    for other in places.comparators(ctx.lexicon, place, fact.period_end):
        if sized and ctx.lexicon.geographies[other].type != kind:
            continue  # a count is set only beside a place of the same kind and size
        match = fact_rules.same_period(ctx.facts.series(indicator, other), fact)
        if match is not None:
            found.append(match)
    return found


def target_sentences(ctx: Context, indicator: str, place: str, fact: Fact) -> list[str]:
    """Distance to target, judged only against a figure for the target's own date."""
    return [
        _target_sentence(ctx, indicator, place, fact, target)
        for target in ctx.lexicon.targets.get((indicator, place), ())
    ]


def _target_sentence(ctx: Context, indicator: str, place: str, fact: Fact, target: TargetInfo) -> str:
    info = ctx.lexicon.indicators[indicator]
    goal = stated(target, info.unit, info.decimals)
    on_date = on_target_date(ctx, indicator, place, target)
    judged = on_date[-1] if on_date else (fact if fact.period_end < target.by_date else None)
    if judged is None or judged.value is None:
        return f"{goal} (no figure is held for that date to judge it by)."
    gap = judged.value - target.value
    size = difference(gap, info.unit, info.decimals)
    position = "above" if gap > 0 else "below"
    met = target_met(info, judged.value, target)
    if judged.period_end < target.by_date and not on_date:
        verdict = "on track" if met else "still to close"
    else:
        verdict = "met" if met else "missed"
    return f"{goal}; the figure {when(judged)} was {size} {position} it ({verdict})."
