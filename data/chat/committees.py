"""Committees' digest settings and the meeting calendar: what the digest scheduler and composer read.

Times are stored in UTC and returned timezone-aware; SQLite hands DateTime columns back naive, so every read
goes through `_utc`.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.db import as_utc
from data.figures.catalogue import SEED_ACTOR, SEED_DIR
from data.figures.writes import record_audit
from data.models import Committee, Geography, GeographyAlias, Meeting, WardCouncillor
from data.text import normalise

LONDON = ZoneInfo("Europe/London")
COMMITTEE_SUFFIXES = (" community committee", " area committee", " committee")
MEETING_SOURCES = ("manual", "moderngov", "ical", "seed")
SEED_MEETINGS = SEED_DIR / "meetings.csv"


class UnknownCommittee(LookupError):
    pass


class UnknownWard(LookupError):
    pass


@dataclass(frozen=True)
class CommitteeInfo:
    id: int
    name: str
    area: str  # the committee area's geography code
    platform: str
    channel: str | None
    lead_days: int
    indicators: tuple[str, ...] | None
    support_channel: str | None
    moderngov_id: str | None

    @property
    def short_name(self) -> str:
        """ "Inner South" for "Inner South Community Committee": how councillors name it."""
        lowered = self.name.lower()
        for suffix in COMMITTEE_SUFFIXES:
            if lowered.endswith(suffix):
                return self.name[: -len(suffix)]
        return self.name


@dataclass(frozen=True)
class MeetingInfo:
    id: int
    committee_id: int
    starts_at: datetime  # UTC, aware
    place: str | None
    title: str | None
    status: str
    source: str
    source_id: str | None

    @property
    def day(self) -> date:
        """The meeting's date in London, whatever the hour in UTC."""
        return self.starts_at.astimezone(LONDON).date()

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"


@dataclass(frozen=True)
class MeetingSpec:
    """A meeting as a calendar source states it, before it is matched to a stored one."""

    committee_id: int
    starts_at: datetime
    place: str | None = None
    title: str | None = None
    status: str = "confirmed"
    source: str = "manual"
    source_id: str | None = None


def london_time(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LONDON).astimezone(UTC)


# -- committees ---------------------------------------------------------------------------------------------
def _committee_info(row: Committee, area: str) -> CommitteeInfo:
    return CommitteeInfo(
        id=row.id,
        name=row.name,
        area=area,
        platform=row.platform,
        channel=row.channel,
        lead_days=row.lead_days,
        indicators=tuple(row.indicators) if row.indicators else None,
        support_channel=row.support_channel,
        moderngov_id=row.moderngov_id,
    )


def committees(session: Session) -> list[CommitteeInfo]:
    rows = session.execute(
        select(Committee, Geography.code)
        .join(Geography, Committee.geography_id == Geography.id)
        .order_by(Committee.name)
    ).all()
    return [_committee_info(row, code) for row, code in rows]


def find_committee(session: Session, name: str) -> CommitteeInfo:
    """By full or short name ("Inner South"), any case, or by ModernGov id."""
    wanted = normalise(name)
    for committee in committees(session):
        names = {normalise(committee.name), normalise(committee.short_name), committee.moderngov_id or ""}
        if wanted in names:
            return committee
    known = ", ".join(c.short_name for c in committees(session))
    raise UnknownCommittee(f"no committee called {name!r}; known: {known}")


def set_committee(
    session: Session,
    committee: CommitteeInfo,
    *,
    actor: str,
    channel: str,
    reason: str = "committee settings",
) -> CommitteeInfo:
    """Store a committee's digest settings (the caller built them with dataclasses.replace)."""
    row = session.get(Committee, committee.id)
    if row is None:
        raise UnknownCommittee(f"committee {committee.id} is gone")
    row.platform = committee.platform
    row.channel = committee.channel
    row.lead_days = committee.lead_days
    row.indicators = list(committee.indicators) if committee.indicators else None
    row.support_channel = committee.support_channel
    row.moderngov_id = committee.moderngov_id
    record_audit(
        session,
        actor=actor,
        channel=channel,
        action="update",
        entity="committee",
        entity_key=committee.name,
        after={
            "platform": committee.platform,
            "channel": committee.channel,
            "lead_days": committee.lead_days,
            "indicators": list(committee.indicators or ()),
            "support_channel": committee.support_channel,
        },
        reason=reason,
    )
    return committee


# -- meetings -----------------------------------------------------------------------------------------------
def _meeting_info(row: Meeting) -> MeetingInfo:
    return MeetingInfo(
        id=row.id,
        committee_id=row.committee_id,
        starts_at=as_utc(row.starts_at),
        place=row.place,
        title=row.title,
        status=row.status,
        source=row.source,
        source_id=row.source_id,
    )


def meetings(session: Session, committee_id: int | None = None, *, after: datetime | None = None) -> list[MeetingInfo]:
    """Meetings, cancelled ones included (they cancel their digests), earliest first."""
    query = select(Meeting).order_by(Meeting.starts_at, Meeting.id)
    if committee_id is not None:
        query = query.where(Meeting.committee_id == committee_id)
    if after is not None:
        query = query.where(Meeting.starts_at > as_utc(after))
    return [_meeting_info(row) for row in session.scalars(query)]


def meeting(session: Session, meeting_id: int) -> MeetingInfo | None:
    row = session.get(Meeting, meeting_id)
    return None if row is None else _meeting_info(row)


def meeting_on(session: Session, committee_id: int, day: date) -> MeetingInfo | None:
    found = [m for m in meetings(session, committee_id) if m.day == day]
    return next((m for m in found if not m.cancelled), found[0] if found else None)


def previous_meeting(session: Session, committee_id: int, before: MeetingInfo) -> MeetingInfo | None:
    earlier = [m for m in meetings(session, committee_id) if m.starts_at < before.starts_at and not m.cancelled]
    return earlier[-1] if earlier else None


def _match(session: Session, spec: MeetingSpec) -> Meeting | None:
    # A source's own id follows a meeting that moves; without one, a meeting is its committee and day.
    if spec.source_id:
        found = session.scalars(
            select(Meeting).where(
                Meeting.committee_id == spec.committee_id,
                Meeting.source == spec.source,
                Meeting.source_id == spec.source_id,
            )
        ).first()
        if found is not None:
            return found
    day = spec.starts_at.astimezone(LONDON).date()
    same_day = [
        row
        for row in session.scalars(select(Meeting).where(Meeting.committee_id == spec.committee_id))
        if as_utc(row.starts_at).astimezone(LONDON).date() == day
    ]
    return same_day[0] if same_day else None


def save_meeting(session: Session, spec: MeetingSpec, *, actor: str, channel: str) -> str:
    """Add or update one meeting; says what happened: added, moved, cancelled, updated or unchanged."""
    spec = replace(spec, starts_at=as_utc(spec.starts_at))
    row = _match(session, spec)
    now = datetime.now(UTC)
    if row is None:
        row = Meeting(committee_id=spec.committee_id, starts_at=spec.starts_at)
        session.add(row)
        outcome = "added"
    else:
        before = (as_utc(row.starts_at), row.status, row.place, row.title)
        if before == (spec.starts_at, spec.status, spec.place or row.place, spec.title or row.title):
            return "unchanged"
        outcome = _change(before[0], before[1], spec)
    row.starts_at = spec.starts_at
    row.status = spec.status
    row.place = spec.place or row.place
    row.title = spec.title or row.title
    row.source = spec.source
    row.source_id = spec.source_id or row.source_id
    row.updated_at = now
    session.flush()
    record_audit(
        session,
        actor=actor,
        channel=channel,
        action=outcome,
        entity="meeting",
        entity_key=f"{spec.committee_id}:{spec.starts_at.isoformat()}",
        after={"status": spec.status, "place": spec.place, "source": spec.source, "source_id": spec.source_id},
        reason=f"calendar ({spec.source})",
    )
    return outcome


def _change(was_at: datetime, was_status: str, spec: MeetingSpec) -> str:
    if spec.status == "cancelled" and was_status != "cancelled":
        return "cancelled"
    if was_at != spec.starts_at:
        return "moved"
    return "updated"


def seed_meetings(session: Session, path: Path = SEED_MEETINGS) -> int:
    """The meetings the seed reports were written for (Inner South, 20 Mar and 19 Jun 2013)."""
    added = 0
    with path.open(encoding="utf-8", newline="") as handle:
        for line in csv.DictReader(handle):
            committee = find_committee(session, line["committee"])
            starts = london_time(date.fromisoformat(line["date"]), time.fromisoformat(line["time"] or "00:00"))
            spec = MeetingSpec(committee.id, starts, line["place"] or None, line["title"] or None, source="seed")
            if _match(session, spec) is None:
                save_meeting(session, spec, actor=SEED_ACTOR, channel="import")
                added += 1
    return added


# -- wards' councillors -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WardInfo:
    code: str
    name: str
    current: bool  # a ward of today's boundaries (2018 on), not one of 2004-2018


@dataclass(frozen=True)
class WardCouncillors:
    """Who gets a ward's briefing by DM: chat user ids on one platform."""

    ward: str  # geography code
    ward_name: str
    platform: str
    users: tuple[str, ...]


def find_ward(session: Session, name: str) -> WardInfo:
    """By code, name or alias ("Beeston & Holbeck", "Beeston and Holbeck"), today's ward before an older one."""
    wanted = normalise(name)
    rows = session.scalars(select(Geography).where(Geography.type == "ward")).all()
    aliases: dict[int, set[str]] = {}
    for geography_id, alias in session.execute(
        select(GeographyAlias.geography_id, GeographyAlias.alias).join(Geography).where(Geography.type == "ward")
    ):
        aliases.setdefault(geography_id, set()).add(normalise(alias))
    found = [
        row
        for row in rows
        if name.strip().upper() == row.code.upper()
        or wanted == normalise(row.name)
        or wanted in aliases.get(row.id, set())
    ]
    if not found:
        raise UnknownWard(f'no ward called {name!r} (give its name, e.g. "Beeston & Holbeck", or its code)')
    chosen = min(found, key=lambda row: row.valid_to is not None)
    return WardInfo(chosen.code, chosen.name, chosen.valid_to is None)


def ward_councillors(session: Session) -> list[WardCouncillors]:
    """Every ward with councillors configured, by ward name then platform."""
    rows = session.execute(
        select(Geography.code, Geography.name, WardCouncillor.platform, WardCouncillor.user_id)
        .join(Geography, WardCouncillor.geography_id == Geography.id)
        .order_by(Geography.name, WardCouncillor.platform, WardCouncillor.id)
    ).all()
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for code, ward_name, platform, user in rows:
        grouped.setdefault((code, ward_name, platform), []).append(user)
    return [WardCouncillors(code, name, platform, tuple(users)) for (code, name, platform), users in grouped.items()]


def set_ward_councillors(
    session: Session, ward: WardInfo, platform: str, users: tuple[str, ...], *, actor: str, channel: str
) -> WardCouncillors:
    """Replace a ward's councillors on one platform (none: the ward gets no briefing there). Audited; the caller
    commits."""
    geography_id = session.scalars(select(Geography.id).where(Geography.code == ward.code)).one()
    existing = session.scalars(
        select(WardCouncillor).where(WardCouncillor.geography_id == geography_id, WardCouncillor.platform == platform)
    ).all()
    before = [row.user_id for row in existing]
    for row in existing:
        session.delete(row)
    session.flush()
    chosen = tuple(dict.fromkeys(user.strip() for user in users if user.strip()))
    session.add_all(WardCouncillor(geography_id=geography_id, platform=platform, user_id=user) for user in chosen)
    record_audit(
        session,
        actor=actor,
        channel=channel,
        action="update",
        entity="ward_councillor",
        entity_key=f"{ward.code}:{platform}",
        after={"users": list(chosen), "was": before},
        reason="ward briefing recipients",
    )
    return WardCouncillors(ward.code, ward.name, platform, chosen)
