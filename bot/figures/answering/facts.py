"""The fact loader: the only part of answering that reads the store, once per figure and place per answer."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.answer import Answer
from bot.figures.language import places
from bot.figures.language.lexicon import Lexicon
from bot.figures.language.periods import PeriodAsk
from data.figures import changes, queries
from data.figures.changes import FigureKey, ManualUpdate
from data.figures.periods import uk_date
from data.figures.queries import Fact

LONDON = ZoneInfo("Europe/London")
# Figures a reader takes from an answer; a hand-set one among them is named as such in the context line.
STATED_ROLES = frozenset({"asked", "companion", "comparator", "latest", "instead", "related"})


def with_hand_updates(facts: FactLoader, answer: Answer) -> Answer:
    """Figures an officer set by hand say so, by whom and when, beside their source."""
    keys = [
        (fact.indicator, fact.geography, fact.period_start, fact.period_end)
        for fact in answer.facts
        if fact.role in STATED_ROLES and fact.hand_set
    ]
    # Who and when is looked up only for figures an officer set: most answers have none.
    updates = facts.hand_updates(keys)
    if not updates:
        return answer
    notes = sorted({f"updated by {u.actor_name} on {uk_date(u.at.astimezone(LONDON).date())}" for u in updates})
    return replace(answer, sources=(*answer.sources, *notes))


class FactLoader:
    """Facts by (indicator, place), fetched in batches and kept for the life of one answer."""

    def __init__(self, session: Session, lexicon: Lexicon) -> None:
        self._session = session
        self._lexicon = lexicon
        self._cache: dict[tuple[str, str], list[Fact]] = {}

    def hand_updates(self, keys: list[FigureKey]) -> list[ManualUpdate]:
        """Who set these figures by hand, and when (figures not set by hand are left out)."""
        return list(changes.manual_updates(self._session, keys).values()) if keys else []

    def load(self, indicators: list[str], geographies: list[str]) -> None:
        """Fetch these figures (with their families and companions) for these places in one query."""
        wanted = self._with_relatives(indicators)
        missing = [g for g in dict.fromkeys(geographies) if any((i, g) not in self._cache for i in wanted)]
        if not missing:
            return
        grouped: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in queries.facts(self._session, wanted, missing):
            grouped[(fact.indicator, fact.geography)].append(fact)
        for indicator in wanted:
            for geography in missing:
                self._cache[(indicator, geography)] = grouped.get((indicator, geography), [])

    def series(self, indicator: str, place: str) -> list[Fact]:
        """Every figure held for this indicator and place, oldest first."""
        if (indicator, place) not in self._cache:
            self.load([indicator], [place])
        return self._cache[(indicator, place)]

    def _with_relatives(self, indicators: list[str]) -> list[str]:
        # Answers reach for siblings (a changed definition) and companions (the count beside a rate),
        # so they come in the same query rather than one query each later.
        wanted = list(
            dict.fromkeys(code for indicator in indicators for code in places.family_of(self._lexicon, (indicator,)))
        )
        companions = [places.companion(self._lexicon, code) for code in indicators]
        return wanted + [code for code in companions if code and code not in wanted]


def within(facts: list[Fact], period: PeriodAsk | None) -> list[Fact]:
    """The facts in the period asked for, of the kind asked for where there are any."""
    if period is None:
        return facts
    window = [fact for fact in facts if period.start <= fact.period_end <= period.end]
    if period.kinds is None:
        return window
    exact = [fact for fact in window if fact.period_kind in period.kinds]
    return exact or window


def same_period(facts: list[Fact], like: Fact) -> Fact | None:
    for fact in facts:
        if (fact.period_start, fact.period_end) == (like.period_start, like.period_end):
            return fact
    return None


def previous(facts: list[Fact], current: Fact) -> Fact | None:
    """The period of the same kind immediately before: what a change is measured from.

    Lengths in days are not compared (a leap year's 2023/24 is still the year before 2024/25); ranges must
    cover the same stretch of the year (a spring term is not compared with an autumn term)."""
    earlier = [fact for fact in facts if same_kind(fact, current) and fact.period_end < current.period_end]
    return earlier[-1] if earlier else None


def same_kind(one: Fact, other: Fact) -> bool:
    if one.period_kind != other.period_kind:
        return False
    if one.period_kind != "range":
        return True
    return (one.period_start.month, one.period_start.day, one.period_end.month) == (
        other.period_start.month,
        other.period_start.day,
        other.period_end.month,
    )
