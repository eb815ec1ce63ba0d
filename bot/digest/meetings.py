"""Meetings added, cancelled and listed by people: one path for the command line (`briefbot meetings`) and chat
(`/meeting`, admins only). A change reschedules the digests at once in this process (the scheduler watches);
another process sees it within a sweep.

Chat: /meeting add "Inner South" 2026-12-09 [18:00] [place]; /meeting cancel "Inner South" 2026-12-09;
/meeting list [committee]."""

from __future__ import annotations

import logging
import shlex
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time

from sqlalchemy.orm import Session

from bot.briefbot import Briefbot
from bot.failures import log_failure
from bot.figures.updates.roles import Actor, Roles
from data.chat import committees
from data.chat.committees import LONDON, MeetingInfo, MeetingSpec, UnknownCommittee, london_time
from data.figures.periods import uk_date

log = logging.getLogger(__name__)
DEFAULT_TIME = time(18, 0)
USAGE = (
    '/meeting add "Inner South" 2026-12-09 [18:00] [place]: add a meeting (or move the one that day)\n'
    '/meeting cancel "Inner South" 2026-12-09: cancel it (its digest is not posted)\n'
    "/meeting list [committee]: the meetings, earliest first"
)
ADMINS_ONLY = "Sorry, only briefbot's admins can change the meeting calendar."
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y", "%d %b %Y", "%d %B %Y")


class MeetingProblem(ValueError):
    """A request that can't be carried out, in one line fit to show (no such committee, day or meeting)."""


@dataclass(frozen=True)
class MeetingChange:
    committee: str  # short name
    day: date
    at: time | None
    outcome: str  # added, moved, cancelled, updated or unchanged

    def line(self) -> str:
        at = f" {self.at:%H:%M}" if self.at is not None else ""
        return f"{self.committee}, {self.day.isoformat()}{at}: {self.outcome}."


# -- one write path ------------------------------------------------------------------------------------------
def add_meeting(
    session: Session,
    committee: str,
    day: date,
    at: time = DEFAULT_TIME,
    *,
    place: str | None = None,
    title: str | None = None,
    actor: str,
    channel: str,
) -> MeetingChange:
    """Add a meeting, or change the time and place of the committee's meeting that day (audited; the caller
    commits)."""
    found = _committee(session, committee)
    spec = MeetingSpec(found.id, london_time(day, at), place or None, title or found.name, source="manual")
    return MeetingChange(
        found.short_name, day, at, committees.save_meeting(session, spec, actor=actor, channel=channel)
    )


def cancel_meeting(session: Session, committee: str, day: date, *, actor: str, channel: str) -> MeetingChange:
    """Cancel the committee's meeting that day: its pending digest is not posted (audited; the caller commits)."""
    found = _committee(session, committee)
    meeting = committees.meeting_on(session, found.id, day)
    if meeting is None:
        raise MeetingProblem(f"{found.short_name} has no meeting on {uk_date(day)}.")
    spec = MeetingSpec(
        found.id, meeting.starts_at, status="cancelled", source=meeting.source, source_id=meeting.source_id
    )
    return MeetingChange(
        found.short_name, day, None, committees.save_meeting(session, spec, actor=actor, channel=channel)
    )


def meeting_lines(session: Session, committee: str | None = None) -> list[str]:
    """ "Inner South: 2013-06-19 14:00, Civic Hall (confirmed, seed)", earliest first."""
    chosen = _committee(session, committee).id if committee else None
    names = {c.id: c.short_name for c in committees.committees(session)}
    return [meeting_line(names[m.committee_id], m) for m in committees.meetings(session, chosen)]


def meeting_line(committee: str, meeting: MeetingInfo) -> str:
    local = meeting.starts_at.astimezone(LONDON)
    place = f", {meeting.place}" if meeting.place else ""
    return f"{committee}: {local:%Y-%m-%d %H:%M}{place} ({meeting.status}, {meeting.source})"


def _committee(session: Session, name: str) -> committees.CommitteeInfo:
    try:
        return committees.find_committee(session, name)
    except UnknownCommittee as error:
        raise MeetingProblem(str(error)) from None


# -- the digest schedule follows ----------------------------------------------------------------------------
_watchers: weakref.WeakKeyDictionary[Briefbot, list[Callable[[], object]]] = weakref.WeakKeyDictionary()
_watch_lock = threading.Lock()


def watch_calendar(bot: Briefbot, callback: Callable[[], object]) -> Callable[[], None]:
    """Call `callback` after every calendar change made through this bot in this process; returns the
    function that stops it."""
    with _watch_lock:
        _watchers.setdefault(bot, []).append(callback)

    def stop() -> None:
        with _watch_lock:
            listed = _watchers.get(bot, [])
            if callback in listed:
                listed.remove(callback)

    return stop


def calendar_changed(bot: Briefbot) -> None:
    with _watch_lock:
        callbacks = list(_watchers.get(bot, ()))
    for callback in callbacks:
        try:
            callback()
        except Exception:
            log_failure(log, "could not follow a calendar change")


# -- chat -----------------------------------------------------------------------------------------------------
class ChatCalendar:
    """/meeting: admins add and cancel; anyone may list. Every answer is text for the person who asked."""

    def __init__(self, bot: Briefbot, roles: Roles) -> None:
        self.bot = bot
        self.roles = roles

    def handle(self, actor: Actor, text: str) -> str:
        try:
            words = shlex.split(text)
        except ValueError:
            return 'Check the quotes: e.g. /meeting add "Inner South" 2026-12-09 18:00 Civic Hall'
        verb, rest = (words[0].lower(), words[1:]) if words else ("", [])
        try:
            if verb == "list":
                return self._list(rest)
            if verb in ("add", "cancel"):
                if not self.roles.is_admin(actor):
                    return ADMINS_ONLY
                return self._change(actor, verb, rest)
        except MeetingProblem as problem:
            return str(problem)
        return USAGE

    def _list(self, rest: list[str]) -> str:
        with self.bot.store.read() as session:
            lines = meeting_lines(session, " ".join(rest) or None)
        return "\n".join(lines) if lines else "No meetings."

    def _change(self, actor: Actor, verb: str, rest: list[str]) -> str:
        if len(rest) < 2:
            return USAGE
        committee, day = rest[0], read_day(rest[1])
        at = read_time(rest[2]) if verb == "add" and len(rest) > 2 and _looks_like_time(rest[2]) else None
        place = " ".join(rest[3 if at else 2 :]) or None
        with self.bot.store.write(urgent=True) as session:
            if verb == "add":
                change = add_meeting(
                    session, committee, day, at or DEFAULT_TIME, place=place, actor=actor.key, channel=actor.platform
                )
            else:
                change = cancel_meeting(session, committee, day, actor=actor.key, channel=actor.platform)
        if change.outcome != "unchanged":
            calendar_changed(self.bot)
        return change.line()


def read_day(text: str) -> date:
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise MeetingProblem(f"{text!r} is not a date: give it as 2026-12-09 (or 9/12/2026).")


def read_time(text: str) -> time:
    hours, _, minutes = text.replace(".", ":").partition(":")
    try:
        return time(int(hours), int(minutes or 0))
    except ValueError:
        raise MeetingProblem(f"{text!r} is not a time: give it as 18:00.") from None


def _looks_like_time(text: str) -> bool:
    return len(text) in (4, 5) and text.replace(":", "").replace(".", "").isdigit()
