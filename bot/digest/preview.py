"""The area support team's buttons on a digest's preview: Post now, Skip and Edit note. One use case for every
platform: who may press them (officers, and members of the support channel where the platform can say), what
each does (through the outbox: a digest posted now is the same row the 09:00 run finds sent, so it is never
posted twice), and how the preview reads afterwards.

Every outcome is one line for the person who pressed, and the preview as it now reads (None when unchanged)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from bot.conversation.model import Card, Destination
from bot.digest.cards import NOTE, POST, SKIP, Control
from bot.digest.delivery import DIGEST, PREVIEW, DigestDesk, destination_of, plan_for
from bot.failures import log_failure
from bot.figures.updates.roles import Actor, Roles
from data.chat import committees, ledger, outbox
from data.chat.committees import CommitteeInfo, MeetingInfo
from data.chat.outbox import NOTE_LIMIT, DeliveryInfo

# NOTE_LIMIT is the store's: the platforms size their note boxes by it.
__all__ = ["ALREADY", "GONE", "NOTE_LIMIT", "REFUSAL", "ChannelMembers", "Members", "Pressed", "PreviewDesk"]
log = logging.getLogger(__name__)
REFUSAL = "Sorry, only children's services officers and the area support team can change a digest before it goes out."
ALREADY = "That was already done."
GONE = "That preview is no longer current: its meeting was cancelled or moved."
MEMBERS_CACHE_SECONDS = 300.0

Members = Callable[[str], frozenset[str]]  # a channel's address -> its members' user ids; raises if it can't say


@dataclass(frozen=True)
class Pressed:
    """kind: done, refused, invalid (a note that can't be kept), settled (nothing left to do) or gone."""

    kind: str
    message: str
    card: Card | None = None
    to: Destination | None = None  # where the preview is
    message_id: str | None = None  # the preview's message


@dataclass(frozen=True)
class _Preview:
    info: DeliveryInfo
    committee: CommitteeInfo
    meeting: MeetingInfo

    @property
    def to(self) -> Destination:
        return destination_of(self.info.key)


class ChannelMembers:
    """A channel's members from the platform, cached a few minutes; a platform that can't say (no scope, an
    outage) gives nobody: officers may still press."""

    def __init__(
        self,
        read: Members,
        *,
        cache_seconds: float = MEMBERS_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.read = read
        self.cache_seconds = cache_seconds
        self.clock = clock
        self._cached: dict[str, tuple[float, frozenset[str]]] = {}
        self._lock = threading.Lock()

    def __call__(self, address: str) -> frozenset[str]:
        with self._lock:
            cached = self._cached.get(address)
            if cached is not None and self.clock() - cached[0] < self.cache_seconds:
                return cached[1]
        try:
            members = self.read(address)
        except Exception as error:
            log.warning("could not read the members of %s: %s", address, error)
            return cached[1] if cached else frozenset()
        with self._lock:
            self._cached[address] = (self.clock(), members)
        return members


class PreviewDesk:
    def __init__(self, desk: DigestDesk, roles: Roles, *, members: Members | None = None) -> None:
        self.desk = desk
        self.roles = roles
        self.members = members

    # -- asking ---------------------------------------------------------------------------------------------
    def current(self, delivery_id: int) -> Pressed:
        """The preview as it now reads (settled, or with its buttons and note), to show it again."""
        found = self._find(delivery_id)
        return Pressed("gone", GONE) if found is None else self._shown("done", "", found)

    def note_of(self, delivery_id: int) -> str:
        with self.desk.bot.store.read() as session:
            found = outbox.delivery(session, delivery_id)
        return (found.support_note if found else None) or ""

    # -- pressing -------------------------------------------------------------------------------------------
    def refusal(self, actor: Actor, delivery_id: int) -> Pressed | None:
        """Why this person can't press this preview's buttons, or None when they may (a quick check, for
        platforms that carry out the press itself later)."""
        found = self._find(delivery_id)
        if found is None:
            return Pressed("gone", GONE)
        return None if self._may(actor, found) else Pressed("refused", REFUSAL)

    def press(self, actor: Actor, control: Control, *, click: str = "") -> Pressed:
        """Post now or Skip (Edit note asks for the text first: save_note)."""
        found = self._find(control.delivery_id)
        if found is None:
            return Pressed("gone", GONE)
        if not self._may(actor, found):
            return Pressed("refused", REFUSAL)
        if click and not self._first(click):
            return Pressed("settled", ALREADY)
        if control.verb == POST:
            return self._post_now(actor, found)
        if control.verb == SKIP:
            return self._skip(actor, found)
        if control.verb == NOTE:
            return Pressed("done", "Write the note in the box.")
        return Pressed("invalid", f"Unknown preview button {control.verb!r}.")

    def save_note(self, actor: Actor, delivery_id: int, text: str, *, click: str = "") -> Pressed:
        """The note goes at the top of the digest (and of the preview, shown again with its buttons)."""
        found = self._find(delivery_id)
        if found is None:
            return Pressed("gone", GONE)
        if not self._may(actor, found):
            return Pressed("refused", REFUSAL)
        if len(text.strip()) > NOTE_LIMIT or "\x00" in text:
            return Pressed("invalid", f"A note can be at most {NOTE_LIMIT:,} characters of text.")
        settled = self._settled(found)
        if settled:
            return Pressed(
                "settled", f"The digest is settled ({settled[:1].lower()}{settled[1:]}): too late for a note."
            )
        if click and not self._first(click):
            return Pressed("settled", ALREADY)
        by = outbox.AuditActor(actor.key, actor.platform, actor.shown)
        with self.desk.bot.store.write(urgent=True) as session:
            outbox.set_support_note(session, found.info.id, text, by=by)
        said = "Note saved: it will be at the top of the digest." if text.strip() else "Note removed."
        return self._shown("done", said, found)

    def show(self, pressed: Pressed) -> None:
        """Replace the preview message with how it now reads (platforms whose buttons can't answer with it)."""
        if pressed.card is None or pressed.to is None or pressed.message_id is None:
            return
        messenger = self.desk.poster.messengers.get(pressed.to.platform)
        if messenger is None:
            return
        try:
            messenger.update(pressed.to, pressed.message_id, pressed.card)
        except Exception:
            log_failure(log, "could not update the preview %s", pressed.message_id)

    # -- the two actions ------------------------------------------------------------------------------------
    def _post_now(self, actor: Actor, found: _Preview) -> Pressed:
        planned = next((p for p in plan_for(found.committee, found.meeting, self.desk.zone) if p.kind == DIGEST), None)
        if planned is None:
            return Pressed("settled", "Nothing to post: the meeting was cancelled or the committee has no channel.")
        by = outbox.AuditActor(actor.key, actor.platform, actor.shown)
        if self.desk.deliver(planned, by=by):
            return self._shown("done", "Posted to the committee's channel.", found, f"Posted now by {actor.shown}.")
        return self._shown("settled", self._settled(found) or "It is being posted right now.", found)

    def _skip(self, actor: Actor, found: _Preview) -> Pressed:
        planned = next((p for p in plan_for(found.committee, found.meeting, self.desk.zone) if p.kind == DIGEST), None)
        if planned is None:
            return Pressed("settled", "Nothing to skip: the meeting was cancelled or the committee has no channel.")
        by = outbox.AuditActor(actor.key, actor.platform, actor.shown)
        with self.desk.bot.store.write(urgent=True) as session:
            outcome = outbox.skip(session, planned.key, due_at=planned.due_at, now=self.desk.now(), by=by)
        if outcome == "skipped":
            return self._shown("done", "Skipped: this digest will not be posted.", found, f"Skipped by {actor.shown}.")
        if outcome == "busy":
            return Pressed("settled", "Too late to skip: it is being posted right now.")
        return self._shown("settled", self._settled(found), found)

    # -- helpers --------------------------------------------------------------------------------------------
    def _find(self, delivery_id: int) -> _Preview | None:
        with self.desk.bot.store.read() as session:
            info = outbox.delivery(session, delivery_id)
            if info is None or info.key.kind != PREVIEW:
                return None
            meeting = committees.meeting(session, info.key.meeting_id)
            committee = next((c for c in committees.committees(session) if c.id == info.key.committee_id), None)
        if meeting is None or committee is None:
            return None
        return _Preview(info, committee, meeting)

    def _may(self, actor: Actor, found: _Preview) -> bool:
        if self.roles.is_officer(actor):
            return True
        to = found.to
        return self.members is not None and actor.platform == to.platform and actor.id in self.members(to.address)

    def _first(self, click: str) -> bool:
        """Platforms deliver a click again (retries, replays): only its first arrival is acted on."""
        with self.desk.bot.store.write(urgent=True) as session:
            return ledger.claim_event(session, [f"digest-control:{click}"])

    def _settled(self, found: _Preview) -> str:
        """ "Posted to the committee's channel." or "Skipped by Ana." once the digest is out or closed; else ""."""
        planned = next((p for p in plan_for(found.committee, found.meeting, self.desk.zone) if p.kind == DIGEST), None)
        if planned is None:
            return ""
        with self.desk.bot.store.read() as session:
            digest = outbox.find(session, planned.key)
        if digest is None or digest.state == "claimed":
            return ""
        if digest.state in ("posted", "sent"):
            return "Already posted to the committee's channel."
        note = digest.note or "not posted"
        return f"{note[:1].upper()}{note[1:]}."

    def _shown(self, kind: str, message: str, found: _Preview, status: str = "") -> Pressed:
        """The outcome with the preview as it now reads: settled (no buttons), or with its buttons and note."""
        status = status or self._settled(found)
        digest = self.desk.compose(found.committee, found.meeting)
        card = self.desk.preview(digest, found.info.id, found.committee, found.meeting, status=status)
        return Pressed(kind, message, card, found.to, found.info.message_id)
