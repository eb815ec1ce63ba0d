"""Teams transport: the core's Messenger over the Bot Connector.

A reply's Destination carries its conversation reference as JSON; a stored one (a committee's channel) is named
by its bare conversation id and looked up through `resolve`; a person (a digest's direct message) is named by
their Entra object id, and a personal chat with them is opened on first use, through the connector and tenant of
a conversation the bot already posts to. The chart joins the answer's card when both fit in one message (the card
is updated in place); otherwise it follows as a message of its own."""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from bot.conversation.messenger import CannotTell, Unreachable
from bot.conversation.model import Card, ChartImage, Destination
from handlers.teams.activities import PLATFORM, TeamsReference
from handlers.teams.cards import MESSAGE_LIMIT, Json, adaptive_card, chart_card, counted_size, message, size_of
from handlers.teams.connector import Connector, ConversationGone, TooLarge

log = logging.getLogger(__name__)
# Answers whose chart may still join their card: enough for every reply in flight, bounded for memory.
REMEMBERED = 2000

Resolve = Callable[[str], TeamsReference | None]
Retire = Callable[[TeamsReference], None]


class UnknownConversation(Unreachable, LookupError):
    """A destination names a conversation briefbot can't post to: never installed there, or removed since."""


@dataclass(frozen=True)
class _Posted:
    message_id: str
    card: Card


class TeamsMessenger:
    platform = PLATFORM

    def __init__(
        self,
        connector: Connector,
        *,
        resolve: Resolve = lambda _address: None,
        retire: Retire = lambda _reference: None,
        limit: int = MESSAGE_LIMIT,
    ) -> None:
        self.connector = connector
        self.resolve = resolve
        self.retire = retire
        self.limit = limit
        self._posted: OrderedDict[tuple[str, str | None], _Posted] = OrderedDict()
        self._lock = threading.Lock()
        # Personal chats opened with people (Entra object id -> reference), and the last reference seen, whose
        # connector and tenant a new personal chat is opened through.
        self._people: dict[str, TeamsReference] = {}
        self._known: TeamsReference | None = None

    def reference(self, to: Destination) -> TeamsReference:
        reference = TeamsReference.from_address(to.address) or self.resolve(to.address)
        if reference is None and _is_person(to.address):
            reference = self._personal_chat(to.address)
        if reference is None:
            raise UnknownConversation(
                f"Teams conversation {to.address!r} is unreachable: briefbot was never installed there or was removed"
            )
        with self._lock:
            self._known = reference
        return reference

    def _personal_chat(self, person: str) -> TeamsReference | None:
        with self._lock:
            known, opened = self._known, self._people.get(person)
        if opened is not None or known is None:
            return opened
        parameters = {
            "bot": {"id": known.bot_id},
            "members": [{"id": person}],
            "isGroup": False,
            "tenantId": known.tenant_id,
            "channelData": {"tenant": {"id": known.tenant_id}},
        }
        conversation_id = self.connector.create_conversation(known.service_url, parameters)
        if not conversation_id:
            return None
        reference = TeamsReference(known.service_url, conversation_id, "personal", known.tenant_id, known.bot_id)
        with self._lock:
            self._people[person] = reference
        return reference

    def member_ids(self, address: str) -> frozenset[str]:
        """The Entra object ids (lower case) of a conversation's members: a channel's are its team's."""
        reference = self.reference(Destination(PLATFORM, address))
        members = self.connector.members(reference.service_url, reference.conversation_id)
        return frozenset(str(member.get("aadObjectId") or "").lower() for member in members) - {""}

    def post(self, to: Destination, card: Card, *, key: str | None = None) -> str:
        """`key` is not sent: nothing in Teams could look it up again (see find_posted)."""
        reference = self.reference(to)
        activity = message(adaptive_card(card), card.text, reply_to=to.thread)
        message_id = self._send(reference, to.thread, activity)
        with self._lock:
            self._posted[(to.address, to.thread)] = _Posted(message_id, card)
            while len(self._posted) > REMEMBERED:
                self._posted.popitem(last=False)
        return message_id

    def find_posted(self, to: Destination, key: str, since: datetime) -> str | None:
        """Teams can't say. The Bot Connector's conversation operations (create, send, reply, update, delete, and
        members; Bot Framework REST API reference, "Conversation operations") include no way for a bot to list or
        fetch a conversation's activities, and the service assigns each activity's id, so none can be made
        deterministic. (Microsoft Graph can list a channel's messages, with permissions briefbot does not have.)"""
        raise CannotTell("Teams offers a bot no way to look up what it posted")

    def post_content(self, to: Destination, content: Json) -> str:
        """An Adaptive Card laid out here in handlers (an officer's preview or form), not from a core Card."""
        activity = message(content, str(content.get("fallbackText") or ""), reply_to=to.thread)
        return self._send(self.reference(to), to.thread, activity)

    def attach_chart(self, to: Destination, chart: ChartImage) -> None:
        reference = self.reference(to)
        with self._lock:
            posted = self._posted.pop((to.address, to.thread), None)
        if posted is not None and self._join(reference, to, posted, chart):
            return
        activity = message(chart_card(chart), chart.title or chart.alt_text, reply_to=to.thread)
        self._send(reference, to.thread, activity)

    def _join(self, reference: TeamsReference, to: Destination, posted: _Posted, chart: ChartImage) -> bool:
        """The chart inside the answer's card, if the whole message, picture and all, stays within the limit
        (stricter than Teams' own count, which leaves pictures out: a card that big is slow to open)."""
        activity = message(adaptive_card(posted.card, chart), posted.card.text, reply_to=to.thread)
        if size_of(activity) > self.limit:
            return False
        try:
            self.connector.update(
                reference.service_url, reference.conversation_for(to.thread), posted.message_id, activity
            )
        except TooLarge:
            log.info("Teams refused the answer with its chart as too large; sending the chart on its own")
            return False
        return True

    def update(self, to: Destination, message_id: str, card: Card) -> None:
        reference = self.reference(to)
        activity = message(adaptive_card(card), card.text, reply_to=to.thread)
        self._guarded(
            reference,
            lambda: self.connector.update(
                reference.service_url, reference.conversation_for(to.thread), message_id, activity
            ),
        )

    def _send(self, reference: TeamsReference, thread: str | None, activity: dict[str, object]) -> str:
        if counted_size(activity) > self.limit:
            raise TooLarge(413, f"a message of {counted_size(activity):,} bytes (limit {self.limit:,})")
        sent: list[str] = []
        self._guarded(
            reference,
            lambda: sent.append(
                self.connector.send(reference.service_url, reference.conversation_for(thread), activity)
            ),
        )
        return sent[0]

    def _guarded(self, reference: TeamsReference, call: Callable[[], object]) -> None:
        """A 403 means the bot was removed: the reference is retired (and the error still raised)."""
        try:
            call()
        except ConversationGone:
            log.error("Teams conversation %s refused the bot (403): marking it dead", reference.conversation_id)
            self.retire(reference)
            raise


def _is_person(address: str) -> bool:
    """An Entra object id (a GUID) rather than a conversation id ("19:…", "a:…") or a reference."""
    return bool(address) and ":" not in address and not address.startswith("{")
