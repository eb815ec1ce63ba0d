"""Bot Framework activities, parsed once into typed records, and from there into the core's Inbound.

A conversation reference (where the bot can post again, proactively) travels as a Destination's address:
compact JSON for a reply; a stored reference is named by its bare conversation id instead (see messenger)."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.conversation.model import Destination, Inbound, InboundKind
from handlers import strict

PLATFORM = "teams"
CHANNEL = "channel"
ASK = "ask"  # the verb (Action.Execute) and the "briefbot" value (Action.Submit) our buttons carry
THREAD_MARK = ";messageid="
_TAGS = re.compile(r"<[^>]+>")
MAX_ID = 256  # Teams' ids (a chat's "a:1...", a channel's "19:...@thread.tacv2;messageid=...") are far shorter
MAX_TEXT = 100_000  # a Teams message is at most about 28 KB


@dataclass(frozen=True)
class TeamsReference:
    """The Bot Framework's conversation reference: everything needed to post into a Teams conversation later
    (the connector to call, and whose it is). Stored as JSON in the store's ConversationReference rows."""

    service_url: str
    conversation_id: str  # without any ";messageid=" thread suffix
    conversation_type: str  # personal, groupChat or channel
    tenant_id: str
    bot_id: str

    def to_json(self) -> dict[str, str]:
        return {
            "serviceUrl": self.service_url,
            "conversationId": self.conversation_id,
            "conversationType": self.conversation_type,
            "tenantId": self.tenant_id,
            "botId": self.bot_id,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TeamsReference:
        return cls(
            service_url=str(data["serviceUrl"]),
            conversation_id=str(data["conversationId"]),
            conversation_type=str(data.get("conversationType") or ""),
            tenant_id=str(data.get("tenantId") or ""),
            bot_id=str(data.get("botId") or ""),
        )

    def to_address(self) -> str:
        return json.dumps(self.to_json(), separators=(",", ":"), sort_keys=True)

    @classmethod
    def from_address(cls, address: str) -> TeamsReference | None:
        """The reference an address carries, or None for a bare conversation id (look it up instead)."""
        return cls.from_json(json.loads(address)) if address.startswith("{") else None

    def conversation_for(self, thread: str | None) -> str:
        """Teams keeps a channel's reply chains as conversations of their own: root id after ";messageid="."""
        if thread and self.conversation_type == CHANNEL:
            return f"{self.conversation_id}{THREAD_MARK}{thread}"
        return self.conversation_id


@dataclass(frozen=True)
class Activity:
    """The fields of an activity briefbot reads; everything else is ignored."""

    type: str
    id: str
    name: str
    service_url: str
    channel_id: str
    conversation_id: str
    conversation_type: str
    tenant_id: str
    sender_id: str
    sender_aad_id: str
    sender_name: str
    sender_is_bot: bool
    recipient_id: str
    text: str
    value: Any
    entities: tuple[dict[str, Any], ...]
    members_added: tuple[str, ...]
    members_removed: tuple[str, ...]
    action: str
    channel_data: dict[str, Any]

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Activity:
        """Raises Malformed for a field of the wrong type, a missing sender or conversation, or an id longer
        than any Teams gives."""
        conversation = strict.obj(body, "conversation", required=True)
        sender = strict.obj(body, "from", required=True)
        channel_data = dict(strict.obj(body, "channelData"))
        tenant_id = _id(conversation, "tenantId") or _id(strict.obj(channel_data, "tenant"), "id")
        return cls(
            type=strict.text(body, "type", limit=MAX_ID, required=True),
            id=_id(body, "id"),
            name=_id(body, "name"),
            service_url=strict.text(body, "serviceUrl", limit=2000),
            channel_id=_id(body, "channelId"),
            conversation_id=strict.text(conversation, "id", limit=MAX_ID, required=True),
            conversation_type=_id(conversation, "conversationType") or "personal",
            tenant_id=tenant_id,
            sender_id=strict.text(sender, "id", limit=MAX_ID, required=True),
            sender_aad_id=_id(sender, "aadObjectId"),
            sender_name=_id(sender, "name"),
            sender_is_bot=_id(sender, "role") == "bot",
            recipient_id=_id(strict.obj(body, "recipient"), "id"),
            text=strict.text(body, "text", limit=MAX_TEXT),
            value=body.get("value"),
            entities=tuple(dict(entity) for entity in strict.objects(body, "entities")),
            members_added=tuple(_id(member, "id") for member in strict.objects(body, "membersAdded")),
            members_removed=tuple(_id(member, "id") for member in strict.objects(body, "membersRemoved")),
            action=_id(body, "action"),
            channel_data=channel_data,
        )

    # -- where it came from -----------------------------------------------------------------------------------
    @property
    def base_conversation_id(self) -> str:
        return self.conversation_id.split(THREAD_MARK, 1)[0]

    @property
    def reference(self) -> TeamsReference:
        return TeamsReference(
            service_url=self.service_url,
            conversation_id=self.base_conversation_id,
            conversation_type=self.conversation_type,
            tenant_id=self.tenant_id,
            bot_id=self.recipient_id,
        )

    @property
    def thread(self) -> str | None:
        """A channel message is answered in its reply chain (the root's id); chats have no threads."""
        if self.conversation_type != CHANNEL:
            return None
        _, mark, root = self.conversation_id.partition(THREAD_MARK)
        return root if mark and root else self.id or None

    @property
    def destination(self) -> Destination:
        """Where a reply goes: this conversation (its reference as the address), in the message's reply chain."""
        return Destination(PLATFORM, self.reference.to_address(), self.thread)

    @property
    def is_personal(self) -> bool:
        return self.conversation_type == "personal"

    @property
    def key(self) -> str:
        # Activity ids are unique within a conversation only; a hash keeps the key within the ledger's column.
        conversation = hashlib.sha256(self.base_conversation_id.encode()).hexdigest()[:16]
        return f"teams:activity:{conversation}:{self.id}"

    # -- what it asks -----------------------------------------------------------------------------------------
    @property
    def mentions_bot(self) -> bool:
        return any(self._is_bot_mention(entity) for entity in self.entities)

    def _is_bot_mention(self, entity: dict[str, Any]) -> bool:
        mentioned = _loose(entity.get("mentioned"))
        return entity.get("type") == "mention" and str(mentioned.get("id") or "") == self.recipient_id

    def question(self) -> str:
        """The text with the bot's <at>name</at> mention removed, as plain text."""
        text = self.text
        for entity in self.entities:
            if self._is_bot_mention(entity) and entity.get("text"):
                text = text.replace(str(entity["text"]), " ")
        return " ".join(html.unescape(_TAGS.sub(" ", text)).split())

    def addressed_text(self) -> str | None:
        """What a message says to the bot: in a channel only when it mentions the bot; in chats every message."""
        if self.sender_is_bot or self.type != "message" or not self.id:
            return None
        if self.conversation_type == CHANNEL and not self.mentions_bot:
            return None
        return self.question() or None

    def execute(self) -> tuple[str, dict[str, Any]] | None:
        """An Action.Execute press (an adaptiveCard/action invoke): its verb and data, inputs included."""
        if self.type != "invoke" or self.name != "adaptiveCard/action":
            return None
        action = _loose(_loose(self.value).get("action"))
        return str(action.get("verb") or ""), _loose(action.get("data"))

    def button_question(self) -> str | None:
        """The question one of our buttons carries: Action.Submit (a message with a value) or Action.Execute
        (an adaptiveCard/action invoke)."""
        executed = self.execute()
        if executed is not None:
            verb, data = executed
            if verb != ASK:
                return None
            return str(data.get("question") or "") or None
        data = _loose(self.value)
        if self.type == "message" and data.get("briefbot") == ASK:
            return str(data.get("question") or "") or None
        return None

    def inbound(self) -> Inbound | None:
        """A question to answer, or None: in a channel only when the bot is mentioned; in chats every message."""
        if self.sender_is_bot or not self.id:
            return None
        pressed = self.button_question()
        if pressed is not None:
            return self._inbound(pressed, kind=InboundKind.ACTION)
        question = self.addressed_text()
        return self._inbound(question) if question else None

    def _inbound(self, text: str, kind: InboundKind = InboundKind.MESSAGE) -> Inbound:
        return Inbound(
            platform=PLATFORM,
            user=self.sender_aad_id or self.sender_id,
            text=text,
            reply_to=self.destination,
            keys=(self.key,),
            kind=kind,
            thread_key=f"{PLATFORM}:{self.reference.conversation_for(self.thread)}",
        )

    # -- installs -----------------------------------------------------------------------------------------------
    def installation(self) -> Installation | None:
        """The bot added to (or removed from) a team, chat or personal scope: a reference to keep or retire."""
        added = self.type == "installationUpdate" and self.action.startswith("add")
        removed = self.type == "installationUpdate" and self.action.startswith("remove")
        if self.type == "conversationUpdate":
            added = self.recipient_id in self.members_added
            removed = self.recipient_id in self.members_removed
        if not (added or removed) or not self.service_url:
            return None
        team = _loose(self.channel_data.get("team"))
        by = self.sender_aad_id or self.sender_id
        return Installation(self.reference, added=added, name=str(team.get("name") or ""), by=by)


@dataclass(frozen=True)
class Installation:
    reference: TeamsReference
    added: bool
    name: str = ""
    by: str = ""  # who added or removed the bot (an Entra object id when Teams gives one)


def _loose(value: Any) -> dict[str, Any]:
    """Inside what briefbot sent itself (a button's data): a missing or odd part reads as empty."""
    return value if isinstance(value, dict) else {}


def _id(raw: Mapping[str, Any], name: str) -> str:
    return strict.text(raw, name, limit=MAX_ID)
