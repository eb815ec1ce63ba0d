"""Counts of places of different size, compared through a rate: "lac jess vs bcm", "children in need bradford
vs leeds" (4,910 against 5,775 children, but 344.6 against 327.7 per 10,000: the other way round).

The family's own rate where the store holds it for every place and the same period; else a rate derived here
from the population the store holds (said as derived, and from which population figures); else plainly that
the places differ in size and the counts are not compared.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.figures.answering import facts as fact_rules
from bot.figures.answering import measures
from bot.figures.answering.context import Context
from bot.figures.answering.formatting import ordinal
from bot.figures.answering.wording import highest_first, join, measure_words, shown, versus, when
from data.figures.queries import Fact, IndicatorInfo
from data.figures.validation import POPULATIONS  # the populations a rate per 10,000 can be derived from

# Populations a rate can be derived from, most official first: ONS mid-year 0-17 (DfE's own denominator), then
# the reports' 0-18 cluster populations.
POPULATION_LEAD_DAYS = 400  # a population this close to the count's date (before it, as DfE's is) describes it
PER = 10_000
RATE_DECIMALS = 1
MAX_PAIRWISE = 3


@dataclass(frozen=True)
class PerPopulation:
    """The rate for each compared place: held (facts from the store) or derived (count / population)."""

    rates: list[Fact]
    info: IndicatorInfo  # how the rates are measured and shown
    populations: list[Fact]  # the population figures a derived rate was made from; empty when held
    held: bool
    ages: str = ""  # the children a derived rate is per 10,000 of: "0-17"


def per_population(ctx: Context, indicator: str, rows: list[Fact]) -> PerPopulation | None:
    held = _held_rates(ctx, indicator, rows)
    if held:
        return PerPopulation(held, ctx.lexicon.indicators[held[0].indicator], [], True)
    return _derived_rates(ctx, rows)


def _held_rates(ctx: Context, indicator: str, rows: list[Fact]) -> list[Fact]:
    """The family's rate for the same places and period, when every one of them has it."""
    for code in measures.of_kind(ctx.lexicon, measures.members(ctx.lexicon, [indicator]), "rate"):
        if ctx.lexicon.indicators[code].unit not in measures.RATE_UNITS:
            continue
        ctx.facts.load([code], [row.geography for row in rows])
        found = [fact_rules.same_period(ctx.facts.series(code, row.geography), row) for row in rows]
        if all(found):
            return [fact for fact in found if fact is not None]
    return []


def _derived_rates(ctx: Context, rows: list[Fact]) -> PerPopulation | None:
    """Per 10,000 children from one population measure for every place (never two kinds of population)."""
    for code in POPULATIONS:
        if code not in ctx.lexicon.indicators:
            continue
        ctx.facts.load([code], [row.geography for row in rows])
        populations = [_population_for(ctx.facts.series(code, row.geography), row) for row in rows]
        usable = [population for population in populations if population is not None and population.value]
        if len(usable) != len(rows):
            continue
        rates = [
            replace(row, value=None if row.value is None else row.value / population.value * PER, decimals=None)
            for row, population in zip(rows, usable, strict=True)
            if population.value
        ]
        count = ctx.lexicon.indicators[rows[0].indicator]
        ages = ctx.lexicon.indicators[code].short_name.split()[-1]
        info = replace(
            count,
            name=f"{count.name} per {PER:,} children aged {ages} (derived from the population held)",
            short_name=f"Rate of {measure_words(count)}",
            unit="rate_per_10000",
            decimals=RATE_DECIMALS,
        )
        return PerPopulation(rates, info, usable, False, ages)
    return None


def _population_for(series: list[Fact], count: Fact) -> Fact | None:
    """The latest population dated on or before the count (within a year or so); else the nearest after it."""
    before = [fact for fact in series if 0 <= (count.period_end - fact.period_end).days <= POPULATION_LEAD_DAYS]
    if before:
        return before[-1]
    after = [fact for fact in series if 0 < (fact.period_end - count.period_end).days <= POPULATION_LEAD_DAYS]
    return after[0] if after else None


def sentences(ctx: Context, rows: list[Fact], per: PerPopulation | None) -> list[str]:
    """What the counts say once the places' sizes are allowed for, the conclusion drawn from the rate."""
    if per is None:
        names = join([ctx.names.name(row.geography) for row in rows])
        return [
            f"These are counts for places of different sizes, and no rate or population is held for {names} "
            "alike, so the counts are not compared."
        ]
    many = len(per.rates) > MAX_PAIRWISE + 1
    # Many places read best highest rate first, as a ranking is read.
    listed = highest_first(per.rates) if many else per.rates
    listing = "; ".join(f"{rate.geography_name} {shown(rate, per.info)}" for rate in listed)
    if per.held:
        lead = f"These are counts for places of different sizes, so they are compared as rates ({listing})."
    else:
        lead = (
            "These are counts for places of different sizes, so they are compared per "
            f"{PER:,} children aged {per.ages}, derived here from the populations held "
            f"({_populations(ctx, per)}): {listing}."
        )
    return [lead, _verdict(ctx, rows, per)]


def _populations(ctx: Context, per: PerPopulation) -> str:
    info = ctx.lexicon.indicators[per.populations[0].indicator]
    dates = {when(population) for population in per.populations}
    if len(per.populations) > MAX_PAIRWISE + 1:
        return f"each place's {measure_words(info).lower()}, {' and '.join(sorted(dates))}"
    if len(dates) == 1:
        listing = "; ".join(f"{p.geography_name} {shown(p, info)}" for p in per.populations)
        return f"{measure_words(info)}: {listing}, {dates.pop()}"
    return f"{measure_words(info)}: " + "; ".join(
        f"{p.geography_name} {shown(p, info)} {when(p)}" for p in per.populations
    )


def _verdict(ctx: Context, rows: list[Fact], per: PerPopulation) -> str:
    first, others = per.rates[0], per.rates[1:]
    name = ctx.names.name(first.geography)
    if len(others) > MAX_PAIRWISE:
        ordered = highest_first(per.rates)
        position = [rate.geography for rate in ordered].index(first.geography) + 1
        return f"Allowing for size, {name} ranks {ordinal(position)} of {len(ordered)}, highest rate first."
    verdict = f"Allowing for size, {name} is {join([versus(first, other, per.info) for other in others])}"
    if len(rows) == 2 and _opposite(rows, per.rates):
        larger = max(rows, key=lambda row: row.value or 0.0)
        verdict += (
            f": the other way round from the counts, because {ctx.names.name(larger.geography)} is the larger place"
        )
    return verdict + "."


def _opposite(rows: list[Fact], rates: list[Fact]) -> bool:
    counts = [row.value for row in rows]
    values = [rate.value for rate in rates]
    if None in counts or None in values:
        return False
    count_gap = (counts[0] or 0.0) - (counts[1] or 0.0)
    rate_gap = (values[0] or 0.0) - (values[1] or 0.0)
    return count_gap * rate_gap < 0
