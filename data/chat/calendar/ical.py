"""iCalendar feeds (a committee's meetings as .ics): recurring meetings expanded with RRULE and EXDATE, times
without a zone read as London's."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events  # type: ignore[import-untyped]

from data.chat.calendar import CalendarEntry, CalendarError

LONDON = ZoneInfo("Europe/London")


def read_source(source: str, *, user_agent: str, timeout: float) -> bytes:
    """A file path or an http(s) URL."""
    if source.startswith(("http://", "https://")):
        request = urllib.request.Request(source, headers={"User-Agent": user_agent})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                body: bytes = response.read()
                return body
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            raise CalendarError(f"calendar {source} could not be fetched: {getattr(error, 'reason', error)}") from None
    try:
        return Path(source).read_bytes()
    except OSError as error:
        raise CalendarError(f"calendar {source} could not be read: {error.strerror}") from None


def parse_ical(content: bytes, start: date, end: date) -> list[CalendarEntry]:
    """Every meeting from start to end, recurrences expanded; a broken file raises CalendarError."""
    try:
        calendar = icalendar.Calendar.from_ical(content)
        events = recurring_ical_events.of(calendar).between(start, end)
        # Occurrences come back without their RRULE; the series are known from the file itself.
        series = {str(c.get("UID")) for c in calendar.walk("VEVENT") if c.get("RRULE") or c.get("RECURRENCE-ID")}
    except Exception as error:
        # icalendar and its recurrence library raise many kinds of error; a councillor's admin needs one.
        raise CalendarError(f"the calendar file cannot be read: {error}") from None
    return sorted((_entry(event, series) for event in events), key=lambda entry: entry.starts_at)


def _entry(event: Any, series: set[str]) -> CalendarEntry:
    uid = str(event.get("UID") or "")
    raw = event.get("DTSTART")
    if not uid or raw is None:
        raise CalendarError("the calendar has an event without a UID or a start")
    starts = _aware(raw.dt)
    status = str(event.get("STATUS") or "").upper()
    return CalendarEntry(
        source_id=_occurrence_id(event, uid, starts) if uid in series else uid,
        starts_at=starts,
        title=str(event.get("SUMMARY") or "") or None,
        place=str(event.get("LOCATION") or "") or None,
        status="cancelled" if status == "CANCELLED" else "confirmed",
    )


def _occurrence_id(event: Any, uid: str, starts: datetime) -> str:
    """A one-off meeting is its UID, so a moved one is the same meeting; one UID names a whole series, whose
    occurrences are told apart by their original start (RECURRENCE-ID), which moving one does not change."""
    recurrence = event.get("RECURRENCE-ID")
    original = _aware(recurrence.dt) if recurrence is not None else starts
    return f"{uid}@{original.astimezone(LONDON):%Y%m%d}"


def _aware(value: date | datetime) -> datetime:
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0, 0), tzinfo=LONDON)
    return value if value.tzinfo is not None else value.replace(tzinfo=LONDON)
