"""Which member of a measure family answers: the rate or the count asked for, then the freshest definition.

"neet leeds" names a family (16-18 locally to 2013, DfE's 16-17 to 2025); "cla per 10000" asks for the rate.
The choice is stated in the answer, with the other definitions held, so one series never mixes definitions.
"""

from __future__ import annotations

from bot.figures.answering import facts as fact_rules
from bot.figures.answering.context import Context
from bot.figures.answering.wording import short_period
from bot.figures.language.lexicon import Lexicon, own_name
from bot.figures.language.places import group_members
from bot.figures.language.understanding import Intent, Question
from data.figures.queries import Fact

RATE_UNITS = frozenset({"percent", "rate_per_10000"})
SIZED_UNITS = frozenset({"count", "money"})  # figures that grow with the size of the place


def members(lexicon: Lexicon, codes: list[str]) -> list[str]:
    """The codes named, then the rest of their families, in that order."""
    families = {lexicon.indicators[code].family for code in codes}
    rest = [code for code, info in lexicon.indicators.items() if info.family in families]
    return list(dict.fromkeys([*codes, *rest]))


def of_kind(lexicon: Lexicon, codes: list[str], measure: str) -> list[str]:
    """Keep the rate (or the count) members when the words asked for one and the family has one."""
    if measure == "rate":
        wanted = [code for code in codes if lexicon.indicators[code].unit in RATE_UNITS]
    elif measure == "count":
        wanted = [code for code in codes if lexicon.indicators[code].unit in SIZED_UNITS]
    else:
        unit = lexicon.indicators[codes[0]].unit
        wanted = [code for code in codes if lexicon.indicators[code].unit == unit]
    return wanted or codes


def needs_rate(places: list[str]) -> bool:
    """Counts compare only like-sized places, and no two places are: a cluster's 149 is not set against
    England's 49,420, nor JESS's 214 children (11,132 aged 0-18) against BCM's 88 (8,362)."""
    return len(set(places)) > 1


def choose(ctx: Context, question: Question, places: list[str]) -> str:
    """The member that answers for these places: freshest for a value, common period for a comparison,
    longest series for a trend."""
    lexicon = ctx.lexicon
    named = [code for mention in question.indicators[:1] for code, _ in mention.candidates]
    named = [code for code in named if code in lexicon.indicators]
    if question.measure:
        # "the rate of children in need": the words name the count exactly, but ask for its rate.
        fitting = of_kind(lexicon, members(lexicon, named), question.measure)
        named = [code for code in named if code in fitting] or fitting
    if question.indicators[0].phrase and _names_one(lexicon, question.indicators[0].phrase, named):
        return places_held(ctx, named, places[0])
    measure = question.measure
    if not measure and question.intent is Intent.COMPARE and not question.across and needs_rate(places):
        forced = _pick(ctx, question, places, named, "rate")
        if forced is not None and _shares_a_period(ctx, question, forced, places):
            return forced
    return _pick(ctx, question, places, named, measure) or named[0]


def _pick(ctx: Context, question: Question, places: list[str], named: list[str], measure: str) -> str | None:
    lexicon = ctx.lexicon
    pool = of_kind(lexicon, members(lexicon, named), measure)
    if measure != "rate" and not question.measure:
        # Words that named one member exactly keep it when it has figures here.
        pool = [code for code in named if code in pool] + [code for code in pool if code not in named]
    ctx.facts.load(pool, places)
    held = [code for code in pool if fact_rules.within(ctx.facts.series(code, places[0]), question.period)]
    if question.wants_target:
        held = [code for code in held if (code, places[0]) in lexicon.targets] or held
    if not held:
        return None if measure == "rate" and not question.measure else pool[0]
    return max(held, key=lambda code: _score(ctx, question, code, places))


def _names_one(lexicon: Lexicon, phrase: str, codes: list[str]) -> bool:
    """ "neet 16 18", "average caseload": words that name one member, not the family."""
    return any(char.isdigit() for char in phrase) or any(
        phrase in {own_name(lexicon.indicators[code].name), own_name(lexicon.indicators[code].short_name)}
        for code in codes
    )


def places_held(ctx: Context, codes: list[str], place: str) -> str:
    """The first of the named codes with figures for the place."""
    return next((code for code in codes if ctx.lexicon.has_data(code, place)), codes[0])


def _score(ctx: Context, question: Question, code: str, places: list[str]) -> tuple[int, object, int]:
    series = fact_rules.within(ctx.facts.series(code, places[0]), question.period)
    if question.intent is Intent.TREND:
        return (1, len(series), 0)
    if question.intent is Intent.COMPARE and len(places) > 1:
        shared = [fact for fact in series if _shared_by(ctx, code, fact, places[1:])]
        return (1 if shared else 0, (shared or series)[-1].period_end, 0)
    return (1, series[-1].period_end, 0)


def _shares_a_period(ctx: Context, question: Question, code: str, places: list[str]) -> bool:
    """A rate is chosen over the count asked about only where another place has it for the same period."""
    others = [
        member for place in places[1:] for member in [place, *group_members(ctx.lexicon, place, ctx.neighbours_on)]
    ]
    ctx.facts.load([code], others)
    series = fact_rules.within(ctx.facts.series(code, places[0]), question.period)
    return any(_shared_by(ctx, code, fact, others) for fact in series)


def _shared_by(ctx: Context, code: str, fact: Fact, others: list[str]) -> bool:
    return any(fact_rules.same_period(ctx.facts.series(code, other), fact) for other in others)


def other_definitions(ctx: Context, used: str, place: str) -> str | None:
    """ "Using DfE's 16-17 measure; NEET 16-18 (%) is also held, to 31 Mar 2013." for a family's other members."""
    lexicon = ctx.lexicon
    info = lexicon.indicators[used]
    others = [
        code
        for code in members(lexicon, [used])
        if code != used
        and (lexicon.indicators[code].unit in RATE_UNITS) == (info.unit in RATE_UNITS)
        and ctx.facts.series(code, place)
    ]
    if not others:
        return None
    held = [
        f"{lexicon.indicators[code].short_name} to {short_period(ctx.facts.series(code, place)[-1])}" for code in others
    ]
    return f"Definition used: {info.name}. Also held for this place: {'; '.join(held)}."
