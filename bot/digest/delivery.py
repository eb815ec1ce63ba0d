"""Delivering digests exactly once: which are due, claiming each in the outbox, posting through the
conversation layer, charts in the digest's thread. The scheduler only says when to look; the outbox decides
who posts, so crashes, restarts and a second replica on the same store never post a digest twice.

A process can die after the platform took a post and before the outbox heard its id. The outbox marks each post
as begun before the platform is asked, so whoever takes such a delivery over knows its outcome is uncertain and
asks the platform: Slack's history finds the message by the delivery's key (carried as message metadata), and
it is adopted, or posted if it is not there; Teams can't say, so the area support team is told that it may have
gone out, and it is not posted again.

Four kinds, each once per meeting and destination: the digest (committee channel); two days earlier its preview
(the area support team's channel, with Post now / Skip / Edit note) and, with it, a DM to each officer
responsible for a stale figure ("stale"); and on the digest's schedule a DM to each ward councillor with their
ward's part ("ward")."""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from bot.briefbot import Briefbot
from bot.conversation.ledger import utc_now
from bot.conversation.messenger import CannotTell, Messenger, Unreachable
from bot.conversation.model import Card, ChartImage, Destination, note_card
from bot.digest.cards import preview_card, stale_card
from bot.digest.compose import compose
from bot.digest.model import Digest
from bot.digest.recipients import stale_by_officer, stale_for, ward_briefing, ward_recipients
from bot.digest.uncertain import CLOCK_SLACK, MAY_HAVE_GONE_OUT, check_notice, may_have_arrived
from bot.failures import log_failure
from charts.specs import ChartSpec
from data.chat import committees, outbox
from data.chat.committees import LONDON, CommitteeInfo, MeetingInfo
from data.chat.outbox import AuditActor, DeliveryClaim, DeliveryKey
from data.figures import queries
from data.figures.periods import uk_date

log = logging.getLogger(__name__)
DIGEST_HOUR = time(9, 0)
PREVIEW_DAYS = 2
DEFAULT_LEASE = timedelta(minutes=5)
# A digest claimed this long after it was due went out late (the bot was down): it says so.
LATE_AFTER = timedelta(minutes=15)
GONE, CANCELLED, BEGUN, MOVED = "committee or meeting gone", "meeting cancelled", "meeting begun", "meeting moved"
UNREACHABLE = "channel unreachable"
NOTHING_STALE = "no stale figures any more"
NO_WARD = "no ward of the committee any more"
DIGEST, PREVIEW, WARD, STALE = "digest", "preview", "ward", "stale"


class Pacer(Protocol):
    def wait(self, key: str) -> None: ...


class Poster(Protocol):
    """What delivery needs of the conversation layer (bot.conversation.flow.Conversation is one): each
    platform's messenger, and the pace posts to one conversation keep."""

    @property
    def messengers(self) -> dict[str, Messenger]: ...

    @property
    def pacer(self) -> Pacer: ...


@dataclass(frozen=True)
class Planned:
    """One delivery the calendar calls for: what, for which meeting, where, and when."""

    committee: CommitteeInfo
    meeting: MeetingInfo
    kind: str  # digest, preview, ward or stale
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
    planned = [Planned(committee, meeting, DIGEST, Destination(committee.platform, committee.channel), digest_due)]
    if committee.support_channel:
        support = Destination(committee.platform, committee.support_channel)
        # 09:00 London two days earlier, whatever the clocks did in between (not 48 hours before the digest).
        preview_due = due_at(meeting.day, committee.lead_days + PREVIEW_DAYS, zone)
        planned.append(Planned(committee, meeting, PREVIEW, support, preview_due))
    return planned


def destination_of(key: DeliveryKey) -> Destination:
    platform, _, address = key.destination.partition(":")
    return Destination(platform, address)


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
        officers: Mapping[str, Collection[str]] | None = None,
    ) -> None:
        """officers: each platform's configured officers, who get the stale-figure DMs for figures nobody set by
        hand."""
        self.bot = bot
        self.poster = poster
        self.owner = owner
        self.lease = lease
        self.now = now
        self.with_charts = with_charts
        self.zone = zone
        self.officers: Mapping[str, Collection[str]] = officers or {}
        # Meetings whose stale-figure DMs this process has handed out: each needs the digest composed once.
        self._stale_done: set[int] = set()

    # -- what the calendar calls for ------------------------------------------------------------------------
    def plan(self) -> list[Planned]:
        """Every delivery for meetings still ahead, on the platforms this process can post to (stale-figure DMs
        are found when their preview falls due: finding them needs the digest composed)."""
        now = self.now()
        with self.bot.store.read() as session:
            by_id = {c.id: c for c in committees.committees(session)}
            upcoming = committees.meetings(session, after=now)
            planned = []
            for meeting in upcoming:
                committee = by_id[meeting.committee_id]
                found = plan_for(committee, meeting, self.zone)
                planned += found
                if found:
                    planned += self._wards(session, found[0])
        return [p for p in planned if p.destination.platform in self.poster.messengers]

    def _wards(self, session: Session, digest: Planned) -> list[Planned]:
        recipients = ward_recipients(session, digest.committee, digest.meeting.day)
        return [Planned(digest.committee, digest.meeting, WARD, r.destination, digest.due_at) for r in recipients]

    def run_due(self) -> list[str]:
        """Deliver whatever is due and not yet delivered; a digest missed while down goes now, marked late."""
        now = self.now()
        posted = []
        for planned in self.plan():
            if planned.due_at > now:
                continue
            message_id = self.deliver(planned, late=now - planned.due_at > LATE_AFTER)
            if message_id:
                posted.append(message_id)
            if planned.kind == PREVIEW:
                posted += self.stale_messages(planned, late=now - planned.due_at > LATE_AFTER)
        return posted

    def stale_messages(self, preview: Planned, *, late: bool = False) -> list[str]:
        """With the preview: one DM to each officer responsible for a stale figure in the digest."""
        if preview.meeting.id in self._stale_done:
            return []
        digest = self.compose(preview.committee, preview.meeting)
        platform = preview.committee.platform
        with self.bot.store.read() as session:
            found = stale_by_officer(session, digest, platform, self.officers.get(platform, ()))
        posted = []
        for destination in found:
            if destination.platform in self.poster.messengers:
                planned = Planned(preview.committee, preview.meeting, STALE, destination, preview.due_at)
                message_id = self.deliver(planned, late=late)
                posted += [message_id] if message_id else []
        self._stale_done.add(preview.meeting.id)
        return posted

    def recover(self) -> int:
        """Finish deliveries a dead process claimed: each by one live process, never posted twice."""
        with self.bot.store.write() as session:
            claims = outbox.take_over_expired(session, owner=self.owner, now=self.now(), lease=self.lease)
        for claim in claims:
            log.info("finishing delivery %s left by another process (attempt %s)", claim.key, claim.attempts)
            self._finish(claim, check_due=True)
        return len(claims)

    # -- one delivery ---------------------------------------------------------------------------------------
    def deliver(self, planned: Planned, *, late: bool = False, by: AuditActor | None = None) -> str | None:
        """Post it if this process wins the claim (whether due or not: the caller decided); the platform's
        message id, or None. `by`: someone asked for it now (a preview's Post now)."""
        with self.bot.store.write() as session:
            claim = outbox.claim(
                session,
                planned.key,
                owner=self.owner,
                now=self.now(),
                lease=self.lease,
                due_at=planned.due_at,
                late=late,
                by=by,
            )
        return None if claim is None else self._finish(claim, check_due=False)

    def _finish(self, claim: DeliveryClaim, *, check_due: bool) -> str | None:
        with self.bot.store.read() as session:
            meeting = committees.meeting(session, claim.key.meeting_id)
            committee = next((c for c in committees.committees(session) if c.id == claim.key.committee_id), None)
        if claim.uncertain:
            settled = self._settle(claim, committee, meeting)
            if settled is None:
                return None
            claim = settled
        reason = self._why_not(claim, committee, meeting, check_due=check_due)
        if reason or committee is None or meeting is None:
            self._close(claim, reason or GONE)
            return None
        content = self.content(claim, committee, meeting)
        if isinstance(content, str):
            self._close(claim, content)
            return None
        card, charts = content
        to = destination_of(claim.key)
        messenger = self.poster.messengers[to.platform]
        message_id = claim.message_id
        if message_id is None:
            message_id = self._post(claim, messenger, to, card)
            if message_id is None:
                return None
        if self.with_charts:
            self._attach_charts(messenger, to.in_thread(message_id), charts, committee.short_name)
        with self.bot.store.write() as session:
            outbox.mark_sent(session, claim.id, now=self.now())
        return message_id

    def _post(self, claim: DeliveryClaim, messenger: Messenger, to: Destination, card: Card) -> str | None:
        """Post it, marked as begun first (so a crash in between is known to be uncertain) and carrying its key;
        None when it was closed instead, or another process has it now."""
        self.poster.pacer.wait(to.pacing_key)
        with self.bot.store.write() as session:
            mine = outbox.begin_posting(session, claim, owner=self.owner, now=self.now(), lease=self.lease)
        if not mine:
            log.warning("delivery %s was taken over by another process: not posting it", claim.key)
            return None
        try:
            message_id = messenger.post(to, card, key=claim.key.name)
        except Unreachable as error:
            log.error("digest %s not posted: %s", claim.key, error)
            self._close(claim, UNREACHABLE)
            return None
        except Exception as error:
            if not may_have_arrived(error):
                with self.bot.store.write() as session:
                    outbox.posting_failed(session, claim.id)
            raise
        with self.bot.store.write() as session:
            outbox.mark_posted(session, claim.id, message_id)
        return message_id

    def _settle(
        self, claim: DeliveryClaim, committee: CommitteeInfo | None, meeting: MeetingInfo | None
    ) -> DeliveryClaim | None:
        """Its last holder died mid-post. The platform's own record decides: the message found there is adopted;
        none found, it is posted after all; where the platform can't say, the area support team is told it may
        have gone out, and it is closed rather than risk showing twice. None when closed."""
        to = destination_of(claim.key)
        try:
            found = self.poster.messengers[to.platform].find_posted(to, claim.key.name, claim.claimed_at - CLOCK_SLACK)
        except CannotTell as error:
            self._may_have_gone_out(claim, committee, meeting, str(error))
            return None
        if found is None:
            log.info("delivery %s: not there after its process died mid-post; posting it", claim.key)
            return replace(claim, uncertain=False)
        log.info("delivery %s: posted as %s before its process died; adopting it", claim.key, found)
        with self.bot.store.write() as session:
            outbox.mark_posted(session, claim.id, found)
        return replace(claim, message_id=found, uncertain=False)

    def _may_have_gone_out(
        self, claim: DeliveryClaim, committee: CommitteeInfo | None, meeting: MeetingInfo | None, why: str
    ) -> None:
        log.error("delivery %s may have gone out (%s): not posting it again", claim.key, why)
        if committee is not None and meeting is not None and committee.support_channel:
            support = Destination(committee.platform, committee.support_channel)
            self.poster.pacer.wait(support.pacing_key)
            to = destination_of(claim.key)
            notice = check_notice(claim.key.kind, committee.short_name, meeting.day, to.platform, to.address)
            self.poster.messengers[support.platform].post(support, note_card(notice))
        elif committee is not None:
            log.error("%s has no area support channel to tell about delivery %s", committee.short_name, claim.key)
        with self.bot.store.write() as session:
            outbox.mark_skipped(session, claim.id, MAY_HAVE_GONE_OUT)

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
        if check_due:
            due = self._still_due_at(claim, committee, meeting)
            if due is None or due > self.now():
                return MOVED
        return ""

    def _still_due_at(self, claim: DeliveryClaim, committee: CommitteeInfo, meeting: MeetingInfo) -> datetime | None:
        """When the calendar now calls for this delivery; None when it no longer does."""
        planned = {p.kind: p for p in plan_for(committee, meeting, self.zone)}
        kind = claim.key.kind
        if kind in (DIGEST, PREVIEW):
            wanted = planned.get(kind)
            return wanted.due_at if wanted is not None and wanted.key == claim.key else None
        if kind == STALE:
            return planned[PREVIEW].due_at if PREVIEW in planned else None
        if DIGEST not in planned:
            return None
        with self.bot.store.read() as session:
            wards = self._wards(session, planned[DIGEST])
        return planned[DIGEST].due_at if any(p.key == claim.key for p in wards) else None

    def _close(self, claim: DeliveryClaim, reason: str) -> None:
        log.info("delivery %s not posted: %s", claim.key, reason)
        with self.bot.store.write() as session:
            if reason in (CANCELLED, MOVED):
                # Released, not closed: a meeting reinstated or moved is claimed afresh when it falls due.
                outbox.release(session, claim.id)
            else:
                outbox.mark_skipped(session, claim.id, reason)

    # -- what each kind shows -------------------------------------------------------------------------------
    def compose(self, committee: CommitteeInfo, meeting: MeetingInfo) -> Digest:
        """The digest as it goes out: with the area support team's note on top, if they added one."""
        with self.bot.store.read() as session:
            previous = committees.previous_meeting(session, committee.id, meeting)
            digest = compose(session, committee, meeting.day, previous_meeting=previous.day if previous else None)
            return digest.with_note(outbox.support_note(session, committee.id, meeting.id))

    def content(
        self, claim: DeliveryClaim, committee: CommitteeInfo, meeting: MeetingInfo
    ) -> tuple[Card, tuple[ChartSpec, ...]] | str:
        """The card and charts a delivery posts, or why there is nothing to post after all."""
        kind, to = claim.key.kind, destination_of(claim.key)
        if kind == WARD:
            return self._ward(committee, meeting, to, claim)
        digest = self.compose(committee, meeting)
        if kind == STALE:
            with self.bot.store.read() as session:
                stale = stale_for(session, digest, committee.platform, self.officers, to)
                names = {info.code: info.short_name for info in queries.indicators(session)}
            if not stale:
                return NOTHING_STALE
            return stale_card(committee.short_name, meeting.day, to.platform, stale, names), ()
        if kind == PREVIEW:
            return self.preview(digest, claim.id, committee, meeting), digest.charts
        return digest.card(late_note=self._late_note(claim)), digest.charts

    def _ward(
        self, committee: CommitteeInfo, meeting: MeetingInfo, to: Destination, claim: DeliveryClaim
    ) -> tuple[Card, tuple[ChartSpec, ...]] | str:
        with self.bot.store.read() as session:
            mine = [r for r in ward_recipients(session, committee, meeting.day) if r.destination == to]
            if not mine:
                return NO_WARD
            briefing = ward_briefing(session, committee, meeting.day, mine[0].wards)
        return briefing.card(late_note=self._late_note(claim)), ()

    def preview(
        self, digest: Digest, delivery_id: int, committee: CommitteeInfo, meeting: MeetingInfo, status: str = ""
    ) -> Card:
        due = due_at(meeting.day, committee.lead_days, self.zone).astimezone(self.zone)
        goes_to = f"the committee's channel ({committee.channel})" if committee.channel else "the committee's channel"
        return preview_card(digest, delivery_id, goes_to=goes_to, due=due, status=status)

    def _late_note(self, claim: DeliveryClaim) -> str:
        due = claim.due_at.astimezone(self.zone)
        return f"Posted late: this briefing was due {uk_date(due.date())} at {due:%H:%M}." if claim.late else ""

    def _attach_charts(self, messenger: Messenger, to: Destination, charts: tuple[ChartSpec, ...], name: str) -> None:
        for spec in charts:
            try:
                chart: ChartImage = self.bot.charts.render(spec)
                self.poster.pacer.wait(to.pacing_key)
                messenger.attach_chart(to, chart)
            except Exception:
                # The digest itself is out; a missing chart is logged, not retried into a second digest.
                log_failure(log, "could not attach a chart to the %s digest", name)
