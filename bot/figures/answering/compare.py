"""Places side by side for the same period: named places, a place and its comparators, or an area's parts."""

from __future__ import annotations

from dataclasses import replace

from bot.answer import Answer, FactView, Status
from bot.figures.answering import facts as fact_rules
from bot.figures.answering import measures, sizes
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.fallbacks import no_data
from bot.figures.answering.follow_ups import follow_ups
from bot.figures.answering.formatting import ordinal
from bot.figures.answering.group_average import average_clause, group_average
from bot.figures.answering.wording import highest_first, join, measure_words, period_of, shown, versus, when
from bot.figures.language import places
from bot.figures.language.periods import PeriodAsk
from bot.figures.language.understanding import Question
from charts.specs import ComparisonChart
from data.figures.groups import is_neighbour_group
from data.figures.queries import Fact, IndicatorInfo

MAX_PAIRWISE = 3  # beyond this many others, a ranking reads better than "x above A, y below B..."
MAX_REFERENCES = 2


def answer_compare(ctx: Context, question: Question, focus: Focus, chosen: list[str]) -> Answer:
    if question.across and len(chosen) == 1:
        return _compare_across(ctx, question, focus)
    indicator = focus.indicator
    info = ctx.lexicon.indicators[indicator]
    members = chosen if len(chosen) > 1 else [focus.place, *places.comparators(ctx.lexicon, focus.place, ctx.today)]
    members = _with_group_members(ctx, members)
    ctx.facts.load([indicator], members)
    rows = _common_period(ctx, indicator, members, question.period)
    if rows is None:
        return _not_like_for_like(ctx, indicator, members, question.period, chosen)
    rows, group_sentences, averages = _neighbour_rows(ctx, rows, members)
    if len(rows) < 2:
        return _nothing_beside(ctx, rows[0], group_sentences)
    fact, others = rows[0], rows[1:]
    if group_sentences:
        # A group's members read best in order (Leeds first, then highest to lowest), not catalogue order.
        others = highest_first(others)
        rows = [fact, *others]
    listing = "; ".join(f"{row.geography_name} {shown(row, info)}" for row in rows)
    per: sizes.PerPopulation | None = None
    sized = info.unit in measures.SIZED_UNITS and measures.needs_rate([row.geography for row in rows])
    if sized:
        per = sizes.per_population(ctx, indicator, rows)
        sentences = sizes.sentences(ctx, rows, per)
    elif len(others) <= MAX_PAIRWISE:
        sentences = [f"{ctx.names.name(fact.geography)} is {join([versus(fact, o, info) for o in others])}."]
    else:
        sentences = _ranking(ctx, fact, rows, info)
    sentences += group_sentences
    # A figure's own caveat ("not like-for-like") matters most beside another place's figure.
    sentences += [f"Note ({row.geography_name}): {row.note}" for row in rows if row.note]
    missing = _members_without_figure(ctx, members, rows)
    if missing and len(chosen) > 1 and not group_sentences:
        sentences.append(f"No figure for the same period for {join(missing)}.")
    return Answer(
        status=Status.ANSWER,
        headline=f"{info.short_name} {when(fact)}: {listing}.",
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, focus.place, period_of(fact))
        + (" vs " + ", ".join(ctx.names.name(row.geography) for row in others)),
        facts=(
            *(ctx.names.view(row, "asked" if index == 0 else "comparator") for index, row in enumerate(rows)),
            *_size_views(ctx, per),
            *(ctx.names.view(average, "average") for average in averages),
        ),
        sources=ctx.names.sources([*rows, *_size_facts(per)]),
        chart=_chart(ctx, indicator, rows, focus.place, per, sized),
        follow_ups=follow_ups(ctx, focus, ctx.names.indicator_words(indicator, focus.mention)),
    )


def _size_facts(per: sizes.PerPopulation | None) -> list[Fact]:
    """The store's figures behind the rates: the held rates, or the populations a rate was derived from."""
    if per is None:
        return []
    return per.rates if per.held else per.populations


def _size_views(ctx: Context, per: sizes.PerPopulation | None) -> tuple[FactView, ...]:
    if per is None:
        return ()
    return ctx.names.views(per.rates, "companion") if per.held else ctx.names.views(per.populations, "related")


def _chart(
    ctx: Context, indicator: str, rows: list[Fact], focus: str, per: sizes.PerPopulation | None, sized: bool
) -> ComparisonChart | None:
    """Counts of places of different size are charted as their rates, never ranked as counts."""
    if not sized:
        return ctx.charts.comparison(indicator, rows, focus, ())
    if per is None:
        return None
    if per.held:
        return ctx.charts.comparison(per.rates[0].indicator, per.rates, focus, ())
    return ctx.charts.comparison(indicator, per.rates, focus, (), measure=per.info, extra_sources=per.populations)


def _neighbour_rows(ctx: Context, rows: list[Fact], members: list[str]) -> tuple[list[Fact], list[str], list[Fact]]:
    """Name the neighbour group used and how many of its members have a figure; never mix one model's
    members with another period's group figure (a 2013 group figure is the report's own group)."""
    groups = [code for code in members if ctx.lexicon.geographies[code].type == "comparator_group"]
    sentences: list[str] = []
    averages: list[Fact] = []
    for group in groups:
        listed = places.group_members(ctx.lexicon, group, ctx.neighbours_on)
        model = places.group_model(ctx.lexicon, group, ctx.neighbours_on)
        when_model = f" ({model.year} model)" if model is not None else ""
        if not places.model_fits(model, rows[0].period_end):
            rows = [row for row in rows if row.geography not in listed]
            sentences.append(
                f"The {ctx.names.name(group)}{when_model} was drawn up after the figures {when(rows[0])}, "
                "so its members' figures are not set beside them."
            )
            continue
        others = [code for code in listed if code != rows[0].geography]  # Leeds is one of the core cities
        held = [row for row in rows if row.geography in others]
        kind = "neighbours" if is_neighbour_group(group) else "other members"
        said = f"{ctx.names.name(group)}{when_model}: figures for {len(held)} of {len(others)} {kind}"
        made = None if any(row.geography == group for row in rows) else group_average(ctx, group, rows, rows[0])
        if made is not None:
            averages.append(made)
            said += average_clause(ctx, made, rows[0])
        sentences.append(said + ".")
    return rows, sentences, averages


def _nothing_beside(ctx: Context, fact: Fact, group_sentences: list[str]) -> Answer:
    """The place's own figure, and plainly no comparison: not an "answer" that compares nothing."""
    info = ctx.lexicon.indicators[fact.indicator]
    return Answer(
        status=Status.NO_DATA,
        headline=f"Nothing to compare with: {ctx.names.name(fact.geography)} had {shown(fact, info)} {when(fact)}.",
        sentences=tuple(group_sentences),
        reading=ctx.names.reading(fact.indicator, fact.geography, period_of(fact)) + ", comparison",
        facts=(ctx.names.view(fact, "asked"),),
        sources=ctx.names.sources([fact]),
    )


def _members_without_figure(ctx: Context, members: list[str], rows: list[Fact]) -> list[str]:
    """Names of places with no figure in the compared period; a group counts as shown when its members are."""
    shown_places = {row.geography for row in rows}
    return [
        ctx.names.name(code)
        for code in members
        if code not in shown_places
        and not (
            ctx.lexicon.geographies[code].type == "comparator_group"
            and shown_places & set(places.group_members(ctx.lexicon, code, ctx.neighbours_on))
        )
    ]


def _ranking(ctx: Context, fact: Fact, rows: list[Fact], info: IndicatorInfo) -> list[str]:
    ordered = highest_first(rows)
    position = [row.geography for row in ordered].index(fact.geography) + 1
    highest, lowest = ordered[0], ordered[-1]
    return [
        f"{ctx.names.name(fact.geography)} ranks {ordinal(position)} of {len(ordered)}, highest first.",
        f"Highest: {highest.geography_name} ({shown(highest, info)}); lowest: {lowest.geography_name} "
        f"({shown(lowest, info)}).",
    ]


def _with_group_members(ctx: Context, members: list[str]) -> list[str]:
    """ "vs statistical neighbours": the group's own figure where published, and each neighbour's."""
    expanded: list[str] = []
    for code in members:
        expanded.append(code)
        if ctx.lexicon.geographies[code].type == "comparator_group":
            expanded += places.group_members(ctx.lexicon, code, ctx.neighbours_on)
    return list(dict.fromkeys(expanded))


def _common_period(ctx: Context, indicator: str, members: list[str], period: PeriodAsk | None) -> list[Fact] | None:
    """The latest period the first place shares with at least one other: its figure first, then theirs."""
    focus_facts = fact_rules.within(ctx.facts.series(indicator, members[0]), period)
    for fact in reversed(focus_facts):
        rows = [fact]
        for other in members[1:]:
            match = fact_rules.same_period(ctx.facts.series(indicator, other), fact)
            if match is not None:
                rows.append(match)
        if len(rows) > 1:
            return rows
    return None


def _not_like_for_like(
    ctx: Context, indicator: str, members: list[str], period: PeriodAsk | None, named: list[str]
) -> Answer:
    """No period shared. Only the places named are said to lack a figure (not every neighbour the comparison
    reached for), and for the period asked where one was."""
    info = ctx.lexicon.indicators[indicator]
    latest = [(code, fact_rules.within(ctx.facts.series(indicator, code), period)) for code in members]
    held = [(code, facts[-1]) for code, facts in latest if facts]
    if not held:
        return no_data(ctx, indicator, members[0], period)
    sentences = [f"{ctx.names.name(code)}: {shown(fact, info)} {when(fact)}" for code, fact in held]
    absent = [ctx.names.name(code) for code, facts in latest if not facts and code in named and len(named) > 1]
    if absent:
        asked = f" for {period.description}" if period is not None else ""
        sentences.append(f"No figures on {measure_words(info)} for {join(absent)}{asked}.")
    held_facts = [fact for _, fact in held]
    return Answer(
        status=Status.ANSWER if len(held) > 1 else Status.NO_DATA,
        headline=f"{info.short_name}: no period in common, so these are not like for like.",
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, members[0], "latest of each"),
        facts=ctx.names.views(held_facts, "latest"),
        sources=ctx.names.sources(held_facts),
    )


def _compare_across(ctx: Context, question: Question, focus: Focus) -> Answer:
    """ "compare NEET across Inner South": every part of the area for the latest period most of them share."""
    indicator, area = focus.indicator, focus.place
    info = ctx.lexicon.indicators[indicator]
    rows = _parts_for_latest_shared_period(ctx, indicator, area, question.period)
    if rows is None:
        return no_data(ctx, indicator, area, question.period, within=True)
    if info.unit in measures.SIZED_UNITS:
        return _counts_across(ctx, indicator, area, rows)
    rows = highest_first(rows)
    references = [
        fact_rules.same_period(ctx.facts.series(indicator, code), rows[0])
        for code in [area, *places.comparators(ctx.lexicon, area, rows[0].period_end)]
    ]
    refs = [ref for ref in references if ref is not None][:MAX_REFERENCES]
    listing = "; ".join(f"{row.geography_name} {shown(row, info)}" for row in rows)
    sentences = [f"Highest: {rows[0].geography_name}; lowest: {rows[-1].geography_name}."]
    if refs:
        sentences.append(
            "For reference: " + "; ".join(f"{ref.geography_name} {shown(ref, info)}" for ref in refs) + "."
        )
    return Answer(
        status=Status.ANSWER,
        headline=f"{info.short_name} across {ctx.names.name(area)}, {when(rows[0])}: {listing}.",
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, area, period_of(rows[0])) + ", by area",
        facts=ctx.names.views(rows, "asked") + ctx.names.views(refs, "comparator"),
        sources=ctx.names.sources(rows + refs),
        chart=ctx.charts.comparison(indicator, rows, None, tuple(refs)),
    )


def _counts_across(ctx: Context, indicator: str, area: str, rows: list[Fact]) -> Answer:
    """An area's parts differ in size: their counts are listed and compared through a rate, not ranked."""
    info = ctx.lexicon.indicators[indicator]
    per = sizes.per_population(ctx, indicator, rows)
    if per is not None:
        # Listed as the rate ranks them; the counts alone rank nothing.
        order = [rate.geography for rate in highest_first(per.rates)]
        rows = sorted(rows, key=lambda row: order.index(row.geography))
        ranked = highest_first(per.rates)
        populations = sorted(per.populations, key=lambda population: order.index(population.geography))
        per = replace(per, rates=ranked, populations=populations)
    listing = "; ".join(f"{row.geography_name} {shown(row, info)}" for row in rows)
    return Answer(
        status=Status.ANSWER,
        headline=f"{info.short_name} across {ctx.names.name(area)}, {when(rows[0])}: {listing}.",
        sentences=tuple(sizes.sentences(ctx, rows, per)),
        reading=ctx.names.reading(indicator, area, period_of(rows[0])) + ", by area",
        facts=ctx.names.views(rows, "asked") + _size_views(ctx, per),
        sources=ctx.names.sources([*rows, *_size_facts(per)]),
        chart=_chart(ctx, indicator, rows, rows[0].geography, per, sized=True),
    )


def _parts_for_latest_shared_period(
    ctx: Context, indicator: str, area: str, period: PeriodAsk | None
) -> list[Fact] | None:
    everyone = [link.child for link in ctx.lexicon.children.get(area, ())]
    ctx.facts.load([indicator], [area, *everyone, *places.comparators(ctx.lexicon, area, ctx.today)])
    periods = sorted(
        {
            (fact.period_start, fact.period_end)
            for code in everyone
            for fact in fact_rules.within(ctx.facts.series(indicator, code), period)
        },
        reverse=True,
    )
    for start, end in periods:
        # Parts as they stood at that period's end: ward boundaries change.
        rows = [
            fact
            for code in places.inside(ctx.lexicon, area, end)
            for fact in ctx.facts.series(indicator, code)
            if (fact.period_start, fact.period_end) == (start, end)
        ]
        if len(rows) >= 2:
            return rows
    return None
