"""Delivering digests exactly once: which are due, claiming each in the outbox, posting through the
conversation layer, charts in the digest's thread. The scheduler only says when to look; the outbox decides
who posts, so crashes, restarts and a second replica on the same store never post a digest twice."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from bot.conversation.ledger import utc_now
from bot.conversation.messenger import Messenger, Unreachable
from bot.conversation.model import Card, ChartImage, Destination
from bot.digest.compose import compose
from bot.digest.model import Digest
from bot.service import Briefbot
from data import digests, outbox
from data.digests import LONDON, CommitteeInfo, MeetingInfo
from data.outbox import DeliveryClaim, DeliveryKey
from data.periods import uk_date

log = logging.getLogger(__name__)
DIGEST_HOUR = time(9, 0)
PREVIEW_DAYS = 2
DEFAULT_LEASE = timedelta(minutes=5)
# A digest claimed this long after it was due went out late (the bot was down): it says so.
LATE_AFTER = timedelta(minutes=15)
GONE, CANCELLED, BEGUN, MOVED = "committee or meeting gone", "meeting cancelled", "meeting begun", "meeting moved"
UNREACHABLE = "channel unreachable"


class Pacer(Protocol):
    def wait(self, key: str) -> None: ...


class Poster(Protocol):
    """What delivery needs of the conversation layer (bot.conversation.flow.Conversation is one)."""

    @property
    def messengers(self) -> dict[str, Messenger]: ...

    @property
    def pacer(self) -> Pacer: ...

    def post(self, messenger: Messenger, to: Destination, card: Card) -> str: ...


@dataclass(frozen=True)
class Planned:
    """One delivery the calendar calls for: what, for which meeting, where, and when."""

    committee: CommitteeInfo
    meeting: MeetingInfo
    kind: str  # digest or preview
    destination: Destination
    due_at: datetime

    @property
    def key(self) -> DeliveryKey:
        address = f"{self.destination.platform}:{self.destination.address}"
        return DeliveryKey(self.committee.id, self.meeting.id, self.kind, address)

    @property
    def job_id(self) -> str:
        return f"{self.kind}:{self.meeting.id}:{self.destination.platform}:{self.destination.address}"


def due_at(meeting_day: date, lead_days: int, zone: ZoneInfo = LONDON) -> datetime:
    """09:00 local time (London: GMT or BST as that day has it), lead_days before the meeting's day."""
    return datetime.combine(meeting_day - timedelta(days=lead_days), DIGEST_HOUR, tzinfo=zone).astimezone(UTC)


def plan_for(committee: CommitteeInfo, meeting: MeetingInfo, zone: ZoneInfo = LONDON) -> list[Planned]:
    """The digest in the committee's channel, and two days earlier its preview to the area support team."""
    if meeting.cancelled or not committee.channel:
        return []
    digest_due = due_at(meeting.day, committee.lead_days, zone)
    planned = [Planned(committee, meeting, "digest", Destination(committee.platform, committee.channel), digest_due)]
    if committee.support_channel:
        support = Destination(committee.platform, committee.support_channel)
        planned.append(Planned(committee, meeting, "preview", support, digest_due - timedelta(days=PREVIEW_DAYS)))
    return planned


class DigestDesk:
    def __init__(
        self,
        bot: Briefbot,
        poster: Poster,
        *,
        owner: str,
        lease: timedelta = DEFAULT_LEASE,
        now: Callable[[], datetime] = utc_now,
        with_charts: bool = True,
        zone: ZoneInfo = LONDON,
    ) -> None:
        self.bot = bot
        self.poster = poster
        self.owner = owner
        self.lease = lease
        self.now = now
        self.with_charts = with_charts
        self.zone = zone

    # -- what the calendar calls for ------------------------------------------------------------------------
    def plan(self) -> list[Planned]:
        """Every delivery for meetings still ahead, on the platforms this process can post to."""
        now = self.now()
        with self.bot.sessions() as session:
            committees = {c.id: c for c in digests.committees(session)}
            upcoming = digests.meetings(session, after=now)
        planned = [p for m in upcoming for p in plan_for(committees[m.committee_id], m, self.zone)]
        return [p for p in planned if p.destination.platform in self.poster.messengers]

    def run_due(self) -> list[str]:
        """Deliver whatever is due and not yet delivered; a digest missed while down goes now, marked late."""
        now = self.now()
        posted = []
        for planned in self.plan():
            if planned.due_at <= now:
                message_id = self.deliver(planned, late=now - planned.due_at > LATE_AFTER)
                if message_id:
                    posted.append(message_id)
        return posted

    def recover(self) -> int:
        """Finish deliveries a dead process claimed: each by one live process, never posted twice."""
        with self.bot.writing(), self.bot.sessions() as session:
            claims = outbox.take_over_expired(session, owner=self.owner, now=self.now(), lease=self.lease)
        for claim in claims:
            log.info("finishing delivery %s left by another process (attempt %s)", claim.key, claim.attempts)
            self._finish(claim, check_due=True)
        return len(claims)

    # -- one delivery ---------------------------------------------------------------------------------------
    def deliver(self, planned: Planned, *, late: bool = False) -> str | None:
        """Post it if this process wins the claim (whether due or not: the caller decided); the platform's
        message id, or None."""
        with self.bot.writing(), self.bot.sessions() as session:
            claim = outbox.claim(
                session,
                planned.key,
                owner=self.owner,
                now=self.now(),
                lease=self.lease,
                due_at=planned.due_at,
                late=late,
            )
        return None if claim is None else self._finish(claim, check_due=False)

    def _finish(self, claim: DeliveryClaim, *, check_due: bool) -> str | None:
        with self.bot.sessions() as session:
            meeting = digests.meeting(session, claim.key.meeting_id)
            committee = next((c for c in digests.committees(session) if c.id == claim.key.committee_id), None)
        reason = self._why_not(claim, committee, meeting, check_due=check_due)
        if reason or committee is None or meeting is None:
            self._close(claim, reason or GONE)
            return None
        digest = self.compose(committee, meeting)
        platform, _, address = claim.key.destination.partition(":")
        to = Destination(platform, address)
        messenger = self.poster.messengers[platform]
        message_id = claim.message_id
        if message_id is None:
            try:
                message_id = self.poster.post(messenger, to, self._card(digest, claim))
            except Unreachable as error:
                log.error("digest %s not posted: %s", claim.key, error)
                self._close(claim, UNREACHABLE)
                return None
            with self.bot.writing(), self.bot.sessions() as session:
                outbox.mark_posted(session, claim.id, message_id)
        if self.with_charts:
            self._attach_charts(messenger, to.in_thread(message_id), digest)
        with self.bot.writing(), self.bot.sessions() as session:
            outbox.mark_sent(session, claim.id, now=self.now())
        return message_id

    def _why_not(
        self, claim: DeliveryClaim, committee: CommitteeInfo | None, meeting: MeetingInfo | None, *, check_due: bool
    ) -> str:
        """A cancelled, moved or begun meeting cancels its pending digest; an unposted one is never late for it."""
        if committee is None or meeting is None:
            return GONE
        if claim.message_id is not None:
            return ""  # already out: only its charts and its closing are left
        if meeting.cancelled:
            return CANCELLED
        if meeting.starts_at <= self.now():
            return BEGUN
        wanted = [p for p in plan_for(committee, meeting, self.zone) if p.key == claim.key]
        if check_due and (not wanted or wanted[0].due_at > self.now()):
            return MOVED
        return ""

    def _close(self, claim: DeliveryClaim, reason: str) -> None:
        log.info("delivery %s not posted: %s", claim.key, reason)
        with self.bot.writing(), self.bot.sessions() as session:
            if reason in (CANCELLED, MOVED):
                # Released, not closed: a meeting reinstated or moved is claimed afresh when it falls due.
                outbox.release(session, claim.id)
            else:
                outbox.mark_skipped(session, claim.id, reason)

    def compose(self, committee: CommitteeInfo, meeting: MeetingInfo) -> Digest:
        with self.bot.sessions() as session:
            previous = digests.previous_meeting(session, committee.id, meeting)
            return compose(session, committee, meeting.day, previous_meeting=previous.day if previous else None)

    def _card(self, digest: Digest, claim: DeliveryClaim) -> Card:
        due = claim.due_at.astimezone(self.zone)
        late = f"Posted late: this briefing was due {uk_date(due.date())} at {due:%H:%M}." if claim.late else ""
        card = digest.card(late_note=late)
        if claim.key.kind == "preview":
            return replace(card, title="Preview: " + card.title)
        return card

    def _attach_charts(self, messenger: Messenger, to: Destination, digest: Digest) -> None:
        for spec in digest.charts:
            try:
                chart: ChartImage = self.bot.charts.render(spec)
                self.poster.pacer.wait(to.pacing_key)
                messenger.attach_chart(to, chart)
            except Exception:
                # The digest itself is out; a missing chart is logged, not retried into a second digest.
                log.exception("could not attach a chart to the %s digest", digest.committee)
