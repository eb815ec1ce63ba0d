"""A comparator group's average where no figure for the group itself is published.

DfE's Local Authority Interactive Tool shows "Statistical Neighbours" as the plain (unweighted) mean of the
neighbours' values for each year, leaving out neighbours without a value (its LA-level table computes
`mean(values_num, na.rm = TRUE)` by year; dfe-analytical-services/local-authority-interactive-tool). The 2019
report's statistical-neighbour row is the same kind of figure ("the average of the group in use at the time").
The average here is made the same way, from the members' figures for the same period, and says so.
"""

from __future__ import annotations

from dataclasses import replace

from bot.figures.answering.context import Context
from bot.figures.answering.wording import shown, versus
from bot.figures.language import places
from data.figures.queries import Fact


def group_average(ctx: Context, group: str, rows: list[Fact], focus: Fact) -> Fact | None:
    """The mean of the members' figures among `rows` (the place compared left out), as a figure for the group."""
    members = set(places.group_members(ctx.lexicon, group, ctx.neighbours_on))
    held = [row for row in rows if row.geography in members and row.geography != focus.geography]
    values = [row.value for row in held if row.value is not None]
    if not values:
        return None
    documents = {row.source_document for row in held}
    average = replace(
        held[0],
        geography=group,
        geography_name=f"{ctx.names.name(group)} (average)",
        geography_type="comparator_group",
        value=sum(values) / len(values),
        symbol=None,
        numerator=None,
        denominator=None,
        source_document=held[0].source_document if len(documents) == 1 else "",
        source_locator=f"unweighted average of {len(values)} members' figures",
        note=None,
        decimals=max((row.decimals for row in held if row.decimals is not None), default=None),
        change_set=None,
    )
    return average


def average_clause(ctx: Context, average: Fact, focus: Fact) -> str:
    """ "; their average (unweighted, as DfE's LAIT computes it) is 45.4 per 10,000: Leeds is 9.4 per 10,000
    below it" -- said after how many members have a figure."""
    info = ctx.lexicon.indicators[focus.indicator]
    beside = versus(focus, replace(average, geography_name="the average"), info)
    return (
        f"; their average (unweighted, as DfE's LAIT computes it) is {shown(average, info)}, and "
        f"{ctx.names.name(focus.geography)} is {beside}"
    )
