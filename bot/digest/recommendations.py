"""The digest's recommendations: what changed in the scrutiny and improvement-plan recommendations since the
last meeting, and how many are open, as at the meeting (an entry dated on or after its day is not yet news)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy.orm import Session

from bot.digest.model import Bullet, DigestSection
from bot.recommendations.wording import history_line, plural, rec_name
from data import recommendations as store
from data.figures.periods import uk_date
from data.recommendations import RecommendationChange, RecommendationInfo, StatusInfo

TITLE = "Recommendations changed since the last meeting"
BULLET = "recommendations"  # what a recommendation's bullet carries instead of an indicator code
# Without a previous meeting, "since the last meeting" means a committee cycle: Leeds' community committees
# meet about four times a year.
COMMITTEE_CYCLE = timedelta(days=91)
MAX_CHANGES = 10


@dataclass(frozen=True)
class RecommendationsNews:
    """The section when anything changed; otherwise at most one line saying nothing did (only when some are
    open: a committee with nothing open and nothing new is told nothing)."""

    section: DigestSection | None
    line: str


def since_for(meeting: date, previous_meeting: date | None) -> date:
    return previous_meeting if previous_meeting is not None else meeting - COMMITTEE_CYCLE


def recommendations_news(session: Session, meeting: date, previous_meeting: date | None) -> RecommendationsNews:
    since = since_for(meeting, previous_meeting)
    changes = [c for c in store.changed_since(session, since) if c.update.dated < meeting]
    total, by_plan = _open_at(store.recommendations(session), meeting)
    when = f"the last meeting ({uk_date(since)})" if previous_meeting is not None else uk_date(since)
    if not changes:
        line = f"No recommendation has changed since {when}; {total:,} {_are(total)} open ({by_plan})." if total else ""
        return RecommendationsNews(None, line)
    title = TITLE if previous_meeting is not None else f"Recommendations changed since {uk_date(since)}"
    bullets = tuple(Bullet(BULLET, _change_line(change), ()) for change in changes[:MAX_CHANGES])
    hidden = len(changes) - MAX_CHANGES
    more = f"…and {plural(hidden, 'more entry', 'more entries')}." if hidden > 0 else ""
    still_open = f"{plural(total, 'recommendation')} {_are(total)} open ({by_plan})." if total else ""
    note = " ".join(part for part in (more, still_open) if part)
    return RecommendationsNews(DigestSection(title, bullets, note), "")


def _change_line(change: RecommendationChange) -> str:
    return f"{rec_name(change.recommendation)}: {history_line(change.update)}"


def status_at(recommendation: RecommendationInfo, meeting: date) -> StatusInfo:
    """The status the last status entry dated before the meeting set. A recommendation whose status was never
    changed by an entry has the status it was recorded with; one changed only after the meeting keeps its
    current status too (the store keeps no record of what it was before)."""
    earlier = [u.status for u in recommendation.updates if u.status is not None and u.dated < meeting]
    return earlier[-1] if earlier else recommendation.status


def _open_at(recommendations: list[RecommendationInfo], meeting: date) -> tuple[int, str]:
    """How many were open at the meeting, and by plan: (36, "Improvement Plan: 33; safeguarding inquiry final
    report: 2; …")."""
    by_plan: Counter[str] = Counter()
    for recommendation in recommendations:
        if status_at(recommendation, meeting).is_open:
            by_plan[recommendation.plan.short_name] += 1
    return sum(by_plan.values()), "; ".join(f"{name}: {count:,}" for name, count in by_plan.items())


def _are(count: int) -> str:
    return "is" if count == 1 else "are"
