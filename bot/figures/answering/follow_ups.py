"""The next questions offered under an answer: the trend, and comparisons that suit the kind of place.

A button is offered only when its question would answer: a trend needs two figures of one kind, a comparison
another place with the figure ("agency costs trend", held once for Leeds only, offers neither).
"""

from __future__ import annotations

from bot.answer import Option
from bot.figures.answering import facts as fact_rules
from bot.figures.answering.context import Context, Focus
from bot.figures.language import places
from data.figures.catalogue import ENGLAND
from data.figures.groups import neighbour_group

MIN_ACROSS = 2  # places inside an area with the figure, for "compare across" to be a comparison


def follow_ups(ctx: Context, focus: Focus, phrase: str) -> tuple[Option, ...]:
    place_words = ctx.names.place_words(focus.place)
    options: list[Option] = []
    if _has_trend(ctx, focus):
        options.append(Option("Trend", f"trend {phrase} {place_words}"))
    if focus.place != ctx.home and _held(ctx, focus.indicator, ctx.home):
        home_words = ctx.names.place_words(ctx.home)
        options.append(Option(f"Compare with {ctx.names.name(ctx.home)}", f"{phrase} {place_words} vs {home_words}"))
    compare = _compare_areas_question(ctx, focus, phrase, place_words)
    if compare is not None:
        options.append(Option("Compare areas", compare))
    return tuple(options)


def _held(ctx: Context, indicator: str, place: str) -> bool:
    return any(ctx.lexicon.has_data(code, place) for code in places.family_of(ctx.lexicon, (indicator,)))


def _has_trend(ctx: Context, focus: Focus) -> bool:
    """Two figures of one kind for the place, in the figure or a sibling definition the trend would use."""
    for code in places.family_of(ctx.lexicon, (focus.indicator,)):
        series = ctx.facts.series(code, focus.place)
        if series and sum(fact_rules.same_kind(fact, series[-1]) for fact in series) >= 2:
            return True
    return False


def _compare_areas_question(ctx: Context, focus: Focus, phrase: str, place_words: str) -> str | None:
    place, indicator = focus.place, focus.indicator
    parent = next(iter(places.parents(ctx.lexicon, place, ctx.today)), None)
    kind = ctx.lexicon.geographies[place].type
    if kind == "local_authority":
        return f"{phrase} {place_words} vs statistical neighbours" if _neighbours_hold(ctx, focus) else None
    if parent is not None and ctx.lexicon.geographies[parent].type != "local_authority":
        return f"compare {phrase} across {ctx.names.place_words(parent)}" if _across(ctx, indicator, parent) else None
    if kind == "committee_area":
        return f"compare {phrase} across {place_words}" if _across(ctx, indicator, place) else None
    return f"{phrase} {place_words} vs england" if _held(ctx, indicator, ENGLAND) else None


def _neighbours_hold(ctx: Context, focus: Focus) -> bool:
    """A neighbour has the figure for the place's latest period, under a model that fits that period."""
    series = ctx.facts.series(focus.indicator, focus.place)
    group = neighbour_group(focus.place)
    model = places.group_model(ctx.lexicon, group, ctx.neighbours_on)
    if not series or not places.model_fits(model, series[-1].period_end):
        return False
    neighbours = places.group_members(ctx.lexicon, group, ctx.neighbours_on)
    ctx.facts.load([focus.indicator], neighbours)
    return any(
        fact_rules.same_period(ctx.facts.series(focus.indicator, code), series[-1]) is not None
        for code in neighbours
        if code != focus.place
    )


def _across(ctx: Context, indicator: str, area: str) -> bool:
    inside = places.inside(ctx.lexicon, area, ctx.today)
    return sum(_held(ctx, indicator, code) for code in inside) >= MIN_ACROSS
