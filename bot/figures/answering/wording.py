"""Sentences the way the seed reports write them: figure, period, change, comparison, target."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from bot.figures.answering.formatting import difference, figure, percent_change
from data.figures.periods import PeriodKind, default_label
from data.figures.queries import Fact, IndicatorInfo

T = TypeVar("T")


def period_of(fact: Fact) -> str:
    return default_label(PeriodKind(fact.period_kind), fact.period_start, fact.period_end)


def short_period(fact: Fact) -> str:
    """A period in few words, for titles and lists: "2012/13", "31 Mar 2013", and for a range its own name
    without the dates it averages ("end of 2024", not "1 Dec 2024 to 28 Feb 2025")."""
    if PeriodKind(fact.period_kind) is PeriodKind.RANGE and fact.period_label:
        return fact.period_label.split(" (")[0]
    return period_of(fact)


def when(fact: Fact) -> str:
    """ "at 31 Mar 2013", "in 2012/13", "over summer 2010" """
    kind = PeriodKind(fact.period_kind)
    if kind is PeriodKind.SNAPSHOT:
        return f"at {period_of(fact)}"
    if kind is PeriodKind.RANGE:
        return f"for {fact.period_label or period_of(fact)}"
    return f"in {period_of(fact)}"


def shown(fact: Fact, info: IndicatorInfo) -> str:
    """The figure with the precision it was published with (a report's 62 is not DfE's 62.0)."""
    return figure(fact.value, info.unit, places(fact, info), fact.symbol)


def places(fact: Fact, info: IndicatorInfo) -> int:
    return info.decimals if fact.decimals is None else fact.decimals


def change(previous: Fact, current: Fact, info: IndicatorInfo) -> str:
    """ "Up from 93 at 31 Mar 2012 (56 more, 60%): increasing." Polarity words as Fingertips uses them."""
    if previous.value is None or current.value is None:
        return f"The figure {when(previous)} was {shown(previous, info)}."
    decimals = max(places(previous, info), places(current, info))
    delta = as_shown(current, info) - as_shown(previous, info)
    if abs(delta) < 10**-decimals / 2:
        since = when(previous).removeprefix("at ").removeprefix("in ").removeprefix("for ")
        return f"No change from {since} ({shown(previous, info)})."
    direction = "Up" if delta > 0 else "Down"
    size = difference(delta, info.unit, decimals)
    if info.unit == "count":
        size += " more" if delta > 0 else " fewer"
    else:
        size += " higher" if delta > 0 else " lower"
    relative = percent_change(previous.value, current.value) if info.unit in {"count", "money"} else None
    detail = f"{size}, {relative.lstrip('-')}" if relative else size
    word = "about the same" if _slight(previous.value, delta, decimals, info) else trend_word(delta, info)
    return f"{direction} from {shown(previous, info)} {when(previous)} ({detail}): {word}."


def as_shown(fact: Fact, info: IndicatorInfo) -> float:
    """The value as the reader sees it, so a difference matches the figures beside it."""
    return round(fact.value or 0.0, places(fact, info))


SLIGHT_SHARE = 0.01  # a count or sum that moves by one and by under 1% has not really moved


def _slight(before: float, delta: float, decimals: int, info: IndicatorInfo) -> bool:
    """0.1 up on a published 5.4% is "about the same", not "increasing": one step of the shown precision.
    A rank moves by whole places, each of which counts."""
    if info.unit == "rank":
        return False
    one_step = bool(abs(delta) <= 10.0**-decimals * 1.0001)
    if info.unit in {"count", "money"}:
        return one_step and before != 0 and abs(delta / before) < SLIGHT_SHARE
    return one_step


def measure_words(info: IndicatorInfo) -> str:
    """The short name inside a sentence: "young people NEET", "child protection plans"."""
    name = info.short_name
    return name if name[:2].isupper() else name[0].lower() + name[1:]


def trend_word(delta: float, info: IndicatorInfo) -> str:
    if info.polarity == "no_judgement":
        return "increasing" if delta > 0 else "decreasing"
    better = delta < 0 if info.polarity == "lower_is_better" else delta > 0
    return "improving" if better else "worsening"


def versus(focus: Fact, other: Fact, info: IndicatorInfo) -> str:
    """ "4.4 percentage points above Leeds (5.5%)": the gap between the figures as shown."""
    if focus.value is None or other.value is None:
        return f"{other.geography_name}: {shown(other, info)}"
    decimals = max(places(focus, info), places(other, info))
    delta = as_shown(focus, info) - as_shown(other, info)
    if abs(delta) < 10**-decimals / 2:
        return f"the same as {other.geography_name} ({shown(other, info)})"
    side = "above" if delta > 0 else "below"
    if info.unit == "rank":
        side = "behind" if delta > 0 else "ahead of"
    return f"{difference(delta, info.unit, decimals)} {side} {other.geography_name} ({shown(other, info)})"


def highest_first(facts: list[Fact]) -> list[Fact]:
    """Largest value first; suppressed figures last, in their original order."""
    return highest_first_by(facts, lambda fact: fact.value)


def highest_first_by(items: list[T], value: Callable[[T], float | None]) -> list[T]:
    """The same order for anything that carries a figure (a digest's areas, say)."""
    return sorted(items, key=lambda item: _or_lowest(value(item)), reverse=True)


def _or_lowest(value: float | None) -> float:
    return value if value is not None else float("-inf")


def join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]
