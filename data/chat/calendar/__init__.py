"""Meeting calendars: ModernGov's web service and iCalendar feeds, read whole, checked, then written in one go.

A source that cannot be read or parsed raises CalendarError with one clear message, before anything is written.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from data.chat.committees import MeetingSpec, save_meeting


class CalendarError(ValueError):
    """A calendar that could not be fetched or read; nothing was written."""


@dataclass(frozen=True)
class CalendarEntry:
    """A meeting as a calendar lists it."""

    source_id: str
    starts_at: datetime  # aware
    title: str | None = None
    place: str | None = None
    status: str = "confirmed"


@dataclass(frozen=True)
class SyncReport:
    source: str
    counts: dict[str, int]

    def line(self) -> str:
        parts = [f"{count} {outcome}" for outcome, count in sorted(self.counts.items())] or ["no meetings"]
        return f"{self.source}: " + ", ".join(parts) + "."


def apply_entries(
    session: Session, committee_id: int, entries: Sequence[CalendarEntry], *, source: str, actor: str, channel: str
) -> SyncReport:
    """Store the entries (the caller holds the transaction): added, moved, cancelled, updated or unchanged."""
    counts: Counter[str] = Counter()
    for entry in entries:
        spec = MeetingSpec(
            committee_id=committee_id,
            starts_at=entry.starts_at,
            place=entry.place,
            title=entry.title,
            status=entry.status,
            source=source,
            source_id=entry.source_id,
        )
        counts[save_meeting(session, spec, actor=actor, channel=channel)] += 1
    return SyncReport(source, dict(counts))
