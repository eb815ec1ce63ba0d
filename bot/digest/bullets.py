"""Report bullets in the manner of an area committee report (seed 000 §3.1.2, §3.5.1): direction words for
each area against its previous figure, previous figures in brackets, the city beside them, stale figures
flagged. Written from figures, never from answer text."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from charts.numbers import figure
from data.figures.periods import uk_date
from data.figures.queries import Fact, IndicatorInfo

STALE_MONTHS = 12


@dataclass(frozen=True)
class Phrase:
    """How a report names a figure: "The number of children on child protection plans", "on a plan"."""

    subject: str
    noun: str = ""
    things: str = ""  # for "There were 214 children looked after in JESS"


PHRASES = {
    "LAC_COUNT": Phrase("the number of children looked after", "looked after", "children looked after"),
    "CPP_COUNT": Phrase("the number of children on child protection plans", "on a plan", "children on a plan"),
    "CAF_INITIATED": Phrase("the number of CAFs initiated", "initiated", "CAFs initiated"),
    "CAF_OPEN": Phrase("the number of CAFs open", "open", "CAFs open"),
    "RFS_COUNT": Phrase(
        "the number of requests for service to the social work duty and advice team",
        "requests",
        "requests for service to the social work duty and advice team",
    ),
    "REFERRAL_COUNT": Phrase(
        "the number of requests for service leading to a referral",
        "referrals",
        "requests for service leading to a referral",
    ),
    "NEET_PCT": Phrase("the proportion of young people NEET"),
    "NEET_COUNT": Phrase("the number of young people NEET", "young people NEET"),
}
# A percentage reads with its count beside it: "8.6% (234 young people NEET)".
COMPANIONS = {"NEET_PCT": "NEET_COUNT"}


@dataclass(frozen=True)
class AreaFigure:
    """An area's latest figure before the meeting, the one it is measured against, and its count companion."""

    name: str
    latest: Fact
    previous: Fact | None
    companion: Fact | None = None
    # Where no figure of the same kind comes before, the earlier level the same report measured the latest
    # against (seed 000 §3.5.1: "around 7.5% [in previous reports] ... an increase to 8.6%"), with the city's.
    earlier: Fact | None = None
    earlier_city: Fact | None = None


def phrase_for(info: IndicatorInfo) -> Phrase:
    return PHRASES.get(info.code, Phrase(f"the {info.short_name[:1].lower()}{info.short_name[1:]}"))


def months_between(earlier: date, later: date) -> int:
    return (later.year - earlier.year) * 12 + later.month - earlier.month - (later.day < earlier.day)


def is_stale(fact: Fact, meeting: date) -> bool:
    return months_between(fact.period_end, meeting) > STALE_MONTHS


def when(fact: Fact) -> str:
    """ "at 31 Mar 2013" for a count on a day; "in 2012/13" for a year's total."""
    if fact.period_kind == "snapshot":
        return f"at {uk_date(fact.period_end)}"
    return f"in {fact.period_label}"


def direction(previous: float, current: float) -> str:
    if current > previous:
        return "increased"
    if current < previous:
        return "decreased"
    return "not changed"


def value_text(info: IndicatorInfo, fact: Fact) -> str:
    return figure(fact.value, info.unit, info.decimals, fact.symbol)


def bullet_text(info: IndicatorInfo, areas: list[AreaFigure], city: Fact | None, meeting: date) -> str:
    phrase = phrase_for(info)
    if phrase.things and all(area.previous is None for area in areas):
        sentence = _there_were(info, phrase, areas)
    else:
        sentence = _changes(info, phrase, areas)
    sentence += _stale_note(areas, meeting)
    if city is not None and info.unit != "count":
        sentence += f" These compare with a city level of {value_text(info, city)} {when(city)}."
    elif city is not None:
        sentence += f" Leeds as a whole: {value_text(info, city)} {when(city)}."
    return sentence


def _there_were(info: IndicatorInfo, phrase: Phrase, areas: list[AreaFigure]) -> str:
    """Counts with nothing to compare against: "There were 214 children looked after in JESS at 31 Mar 2013
    and 88 in Beeston, Cottingley and Middleton." """
    parts = []
    said = ""
    for index, area in enumerate(areas):
        things = f" {phrase.things}" if index == 0 else ""
        at = "" if when(area.latest) == said else f" {when(area.latest)}"
        parts.append(f"{value_text(info, area.latest)}{things} in {area.name}{at}")
        said = when(area.latest)
    listed = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"There were {listed}."


def _changes(info: IndicatorInfo, phrase: Phrase, areas: list[AreaFigure]) -> str:
    clauses: list[str] = []
    said: tuple[str, str] | None = None  # the periods the previous clause stated, so later ones can omit them
    said_direction = ""
    for index, area in enumerate(areas):
        periods = (when(area.latest), when(area.previous) if area.previous else "")
        clause, said_direction = _clause(info, phrase, area, periods == said and index > 0, said_direction)
        subject = _capital(phrase.subject) if index == 0 else "it"
        clauses.append(f"{subject} {clause}")
        said = periods
    return "; ".join(_joined_levels(clauses)) + "."


def _joined_levels(clauses: list[str]) -> list[str]:
    """Levels in a row read as one clause: "it was 9.9% (163) in JESS and 6.1% (71) in Beeston, ...", not "it
    was ...; it was ..."."""
    joined: list[list[str]] = []
    for clause in clauses:
        if clause.startswith("it was ") and joined and joined[-1][0].startswith("it was "):
            joined[-1].append(clause.removeprefix("it was "))
        else:
            joined.append([clause])
    return [group[0] if len(group) == 1 else ", ".join(group[:-1]) + " and " + group[-1] for group in joined]


def _clause(
    info: IndicatorInfo, phrase: Phrase, area: AreaFigure, same_periods: bool, said_direction: str
) -> tuple[str, str]:
    """One area's part. Where the periods are those just stated, they and the noun go unsaid: "52 (59)"."""
    shown = _with_companion(info, area, phrase.noun, terse=same_periods)
    if area.previous is None and area.earlier is not None and _both_held(area.earlier, area.latest):
        return _against_earlier(info, area, shown)
    if area.previous is None or area.latest.value is None or area.previous.value is None:
        at = "" if same_periods else f" {when(area.latest)}"
        return f"was {shown} in {area.name}{at}", ""
    moved = direction(area.previous.value, area.latest.value)
    also = "also " if moved == said_direction else ""
    before = value_text(info, area.previous)
    terse = f"{shown} ({before})"
    detail = terse if same_periods else f"{shown} {when(area.latest)} ({before} {when(area.previous)})"
    return f"has {also}{moved} in {area.name}, with {detail}", moved


def _against_earlier(info: IndicatorInfo, area: AreaFigure, shown: str) -> tuple[str, str]:
    """ "has increased in Inner South, with 8.6% (234 young people NEET) at 31 Mar 2013 (around 7.5% in previous
    reports, when the city figure was 6.0%)": the report's own comparison, in its words."""
    earlier = area.earlier
    assert earlier is not None and earlier.value is not None and area.latest.value is not None
    moved = direction(earlier.value, area.latest.value)
    before = f"{_around(earlier)}{value_text(info, earlier)} in {earlier.period_label}"
    city = area.earlier_city
    if city is not None and city.value is not None:
        before += f", when the city figure was {value_text(info, city)}"
    return f"has {moved} in {area.name}, with {shown} {when(area.latest)} ({before})", moved


def _both_held(one: Fact, other: Fact) -> bool:
    return one.value is not None and other.value is not None


def _around(fact: Fact) -> str:
    """ "around " where the source gave the figure as approximate (its note quotes "'around 7.5%'")."""
    note = (fact.note or "").lower().lstrip("'\"")
    return "around " if note.startswith(("around", "about", "approximately")) else ""


def _with_companion(info: IndicatorInfo, area: AreaFigure, noun: str, *, terse: bool) -> str:
    shown = value_text(info, area.latest)
    if area.companion is not None and area.companion.value is not None:
        count = figure(area.companion.value, "count")
        return f"{shown} ({count})" if terse else f"{shown} ({count} {PHRASES[COMPANIONS[info.code]].noun})"
    return f"{shown} {noun}".rstrip() if info.unit == "count" and not terse else shown


def _stale_note(areas: list[AreaFigure], meeting: date) -> str:
    """Said once a bullet: "The latest is 14 months old." or, where areas differ, for each old one."""
    old = [
        (area.name, months_between(area.latest.period_end, meeting)) for area in areas if is_stale(area.latest, meeting)
    ]
    if not old:
        return ""
    if len(old) == len(areas) and len({months for _, months in old}) == 1:
        return f" The latest is {old[0][1]} months old."
    return "".join(f" The latest for {name} is {months} months old." for name, months in old)


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]
