"""The area's context, as a committee report opens with it (seed 000 §2.3, §2.5): each school cluster's
children's centres and primary schools, its 0-18 population and that population's growth on the year before.

These describe the area rather than measure a service, and a report states them as at its own date: a figure
dated up to the meeting's day is used (the report for a meeting is dated that day)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.digest.bullets import STALE_MONTHS, months_between, value_text
from data.figures.queries import Fact, IndicatorInfo

TITLE = "Context"
CENTRES, SCHOOLS, POPULATION, GROWTH = (
    "CHILDRENS_CENTRES_COUNT",
    "PRIMARY_SCHOOLS_COUNT",
    "POP_0_18",
    "POP_0_18_GROWTH_PCT",
)
CODES = (CENTRES, SCHOOLS, POPULATION, GROWTH)
# How a report counts provision: "4 children's centres, 14 primary schools".
NOUNS = {CENTRES: ("children's centre", "children's centres"), SCHOOLS: ("primary school", "primary schools")}


@dataclass(frozen=True)
class ContextLine:
    text: str
    facts: tuple[Fact, ...]


def context_lines(
    infos: dict[str, IndicatorInfo], places: list[tuple[str, str]], facts: list[Fact], meeting: date
) -> list[ContextLine]:
    """One line per place (code, name as a report says it) that has any context figure."""
    latest: dict[tuple[str, str], Fact] = {}
    for fact in facts:  # oldest first: the last one kept is the latest
        if fact.period_end <= meeting and fact.value is not None and fact.indicator in infos:
            latest[(fact.indicator, fact.geography)] = fact
    lines = []
    for code, name in places:
        held = {indicator: latest[(indicator, code)] for indicator in CODES if (indicator, code) in latest}
        if held:
            lines.append(ContextLine(_line(infos, name, held) + _age(held, meeting), tuple(held.values())))
    return lines


def _line(infos: dict[str, IndicatorInfo], name: str, held: dict[str, Fact]) -> str:
    """ "JESS has 4 children's centres and 14 primary schools (Jun 2013), and 11,132 children and young people
    aged 0-18 (Jan 2013), up 17% on the year before (growth includes Sharp Lane Primary joining the cluster)." """
    parts = []
    provision = [_counted(held[code], code) for code in (CENTRES, SCHOOLS) if code in held]
    if provision:
        first = held.get(CENTRES) or held[SCHOOLS]
        parts.append(f"{' and '.join(provision)} ({first.period_label})")
    if POPULATION in held:
        population = held[POPULATION]
        parts.append(
            f"{value_text(infos[POPULATION], population)} children and young people aged 0-18 "
            f"({population.period_label}){_growth(infos, held)}"
        )
    elif GROWTH in held:
        parts.append(f"a 0-18 population{_growth(infos, held)}")
    return f"{name} has {', and '.join(parts)}."


def _age(held: dict[str, Fact], meeting: date) -> str:
    """Flagged as every digest figure is: an area described years ago may have changed since."""
    months = min(months_between(fact.period_end, meeting) for fact in held.values())
    return f" The newest of these is {months} months old." if months > STALE_MONTHS else ""


def _counted(fact: Fact, code: str) -> str:
    one, many = NOUNS[code]
    count = int(fact.value or 0)
    return f"{count:,} {one if count == 1 else many}"


def _growth(infos: dict[str, IndicatorInfo], held: dict[str, Fact]) -> str:
    growth = held.get(GROWTH)
    if growth is None or growth.value is None or growth.value == 0:
        return ""
    size = value_text(infos[GROWTH], growth).lstrip("-")
    said = f", {'up' if growth.value > 0 else 'down'} {size} on the year before"
    # The source's caveat travels with the figure (JESS's growth includes a school joining the cluster).
    return f"{said} ({_lower_first(growth.note.rstrip('.'))})" if growth.note else said


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]
