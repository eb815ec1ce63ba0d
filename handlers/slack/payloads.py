"""Slack's events and slash commands, parsed once into small typed records (and from there into the core's
Inbound). A field of the wrong type or shape raises Malformed (handlers/slack/fields.py): 400, not 500.
Button presses and modals are in handlers/slack/interactions.py."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, TypeVar

from bot.conversation.model import Destination, Inbound, InboundKind
from bot.figures.updates import Actor
from handlers.slack import fields
from handlers.slack.fields import Malformed

PLATFORM = "slack"
# A slash command's answer, and a button's on an ephemeral message, go back through the payload's response_url
# (shown only to the person who asked).
RESPONSE_URL = "response_url:"
T = TypeVar("T")
PAYLOAD = "briefbot_payload"  # the request's typed record, in a listener's context (handlers/slack/app.py)


class PayloadKind(StrEnum):
    """What a request to /slack/events is (its `type`; a slash command has none)."""

    EVENT = "event_callback"
    BLOCK_ACTIONS = "block_actions"
    VIEW_SUBMISSION = "view_submission"
    VIEW_CLOSED = "view_closed"
    COMMAND = "command"


def payload_of(context: Mapping[str, Any], kind: type[T]) -> T:
    """The typed record the middleware parsed for this request."""
    payload = context.get(PAYLOAD)
    if not isinstance(payload, kind):
        raise Malformed(f"not a {kind.__name__}")
    return payload


def kind_of(body: Mapping[str, Any]) -> PayloadKind:
    if "command" in body:
        return PayloadKind.COMMAND
    kind = body.get("type")
    if not isinstance(kind, str) or kind not in PayloadKind.__members__.values():
        raise Malformed("not a kind of request briefbot takes")
    return PayloadKind(kind)


@dataclass(frozen=True)
class SlackUser:
    id: str
    name: str = ""

    @classmethod
    def parse(cls, raw: Mapping[str, Any]) -> SlackUser:
        """An interaction's `user` object."""
        user = fields.obj(raw, "user", required=True)
        name = fields.text(user, "name", limit=fields.MAX_ID) or fields.text(user, "username", limit=fields.MAX_ID)
        return cls(fields.ident(user, "id", required=True), name)


def actor_of(user: SlackUser) -> Actor:
    """Who is asking, for the core's rules and history."""
    return Actor(PLATFORM, user.id, user.name)


def thread_key(channel: str, thread_ts: str | None) -> str:
    """The thread a follow-up belongs to: a channel thread by its root message's ts; a DM outside threads by
    its channel (channel ids are unique in the workspace)."""
    return f"{PLATFORM}:{channel}:{thread_ts}" if thread_ts else f"{PLATFORM}:{channel}"


@dataclass(frozen=True)
class MessageEvent:
    """An app_mention or a message event: who said what, where."""

    event_id: str
    user: str
    channel: str
    channel_type: str
    text: str
    ts: str
    thread_ts: str | None
    subtype: str | None
    from_bot: bool
    retry_attempt: int | None

    @classmethod
    def parse(cls, body: Mapping[str, Any], event: Mapping[str, Any]) -> MessageEvent:
        subtype = fields.ident(event, "subtype") or None
        retry = body.get("retry_attempt")
        return cls(
            event_id=fields.ident(body, "event_id"),
            user=fields.ident(event, "user"),
            channel=fields.ident(event, "channel"),
            channel_type=fields.ident(event, "channel_type"),
            text=fields.plain(fields.text(event, "text", limit=fields.MAX_TEXT)),
            ts=fields.timestamp(event, "ts") or "",
            thread_ts=fields.timestamp(event, "thread_ts"),
            subtype=subtype,
            from_bot=bool(event.get("bot_id") or event.get("bot_profile") or subtype == "bot_message"),
            retry_attempt=retry if isinstance(retry, int) and not isinstance(retry, bool) else None,
        )

    @property
    def is_direct_message(self) -> bool:
        return self.channel_type == "im"

    def inbound(self, *, in_thread: bool) -> Inbound:
        """A mention is answered in its thread (starting one); a DM in the thread it came from, if any.

        A mention also arrives as a message event with another event_id: channel and ts make the alias key."""
        thread = (self.thread_ts or self.ts) if in_thread else self.thread_ts
        keys = [f"slack:event:{self.event_id}"] if self.event_id else []
        if self.ts:
            keys.append(f"slack:message:{self.channel}:{self.ts}")
        return Inbound(
            platform=PLATFORM,
            user=self.user,
            text=self.text,
            reply_to=Destination(PLATFORM, self.channel, thread),
            keys=tuple(keys),
            thread_key=thread_key(self.channel, thread),
        )


@dataclass(frozen=True)
class SlashCommand:
    """/brief, /indicator, /rec or /meeting: `verb` is the first word (lower case), `rest` what follows."""

    command: str
    text: str
    user: SlackUser
    channel: str
    response_url: str
    trigger_id: str

    @classmethod
    def parse(cls, command: Mapping[str, Any]) -> SlashCommand:
        user = SlackUser(fields.ident(command, "user_id", required=True), fields.ident(command, "user_name"))
        return cls(
            command=fields.ident(command, "command", required=True),
            text=fields.plain(fields.text(command, "text", limit=fields.MAX_TEXT)),
            user=user,
            channel=fields.ident(command, "channel_id"),
            response_url=fields.text(command, "response_url", limit=2000),
            trigger_id=fields.ident(command, "trigger_id"),
        )

    @property
    def verb(self) -> str:
        return self.text.partition(" ")[0].lower()

    @property
    def rest(self) -> str:
        return self.text.partition(" ")[2].strip()

    @property
    def actor(self) -> Actor:
        return actor_of(self.user)

    def inbound(self, kind: InboundKind) -> Inbound:
        return Inbound(
            platform=PLATFORM,
            user=self.user.id,
            text=self.text,
            reply_to=Destination(PLATFORM, RESPONSE_URL + self.response_url),
            keys=(f"slack:command:{self.trigger_id}",) if self.trigger_id else (),
            kind=kind,
        )


@dataclass(frozen=True)
class HomeOpened:
    user: str
    tab: str

    @classmethod
    def parse(cls, event: Mapping[str, Any]) -> HomeOpened:
        return cls(user=fields.ident(event, "user"), tab=fields.ident(event, "tab") or "home")


@dataclass(frozen=True)
class FileShared:
    """A file shared with the bot in a DM (a CSV of figures to preview)."""

    user: SlackUser
    channel: str
    in_dm: bool
    from_bot: bool
    file_ids: tuple[str, ...]

    @classmethod
    def parse(cls, event: Mapping[str, Any]) -> FileShared:
        files = fields.objects(event, "files")
        return cls(
            user=SlackUser(fields.ident(event, "user")),
            channel=fields.ident(event, "channel"),
            in_dm=fields.ident(event, "channel_type") == "im",
            from_bot=bool(event.get("bot_id")),
            file_ids=tuple(fields.ident(shared, "id") for shared in files),
        )


def check_event(body: Mapping[str, Any]) -> object:
    """An event_callback's event, parsed as the listener for it will read it."""
    event = fields.obj(body, "event", required=True)
    kind = fields.ident(event, "type", required=True)
    if kind == "message" and event.get("subtype") == "file_share":
        return FileShared.parse(event)
    if kind in ("app_mention", "message"):
        return MessageEvent.parse(body, event)
    if kind == "app_home_opened":
        return HomeOpened.parse(event)
    return event
