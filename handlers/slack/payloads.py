"""Slack's payloads, parsed once into small typed records (and from there into the core's Inbound)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bot.conversation.model import Destination, Inbound

PLATFORM = "slack"
# A slash command's answer, and a button's on an ephemeral message, go back through the payload's response_url
# (shown only to the person who asked).
RESPONSE_URL = "response_url:"


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
    def parse(cls, body: dict[str, Any], event: dict[str, Any]) -> MessageEvent:
        return cls(
            event_id=str(body.get("event_id") or ""),
            user=str(event.get("user") or ""),
            channel=str(event.get("channel") or ""),
            channel_type=str(event.get("channel_type") or ""),
            text=str(event.get("text") or ""),
            ts=str(event.get("ts") or ""),
            thread_ts=event.get("thread_ts") or None,
            subtype=event.get("subtype") or None,
            from_bot=bool(event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message"),
            retry_attempt=body.get("retry_attempt"),
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
class ButtonClick:
    """A press of one of our buttons: the question it carries, answered where the button was seen.

    A button on an ephemeral message (a /brief or /rec answer, seen only by the person who asked) comes with no
    `message` object and `container.is_ephemeral` true (Slack's block_actions payload reference,
    https://docs.slack.dev/reference/interaction-payloads/block_actions-payload): there is no thread to answer
    in, and a post to the channel would show everyone what only the asker saw (or fail, not_in_channel). Its
    answer goes back through the payload's response_url, to the asker alone."""

    user: str
    channel: str
    thread: str | None
    question: str
    click_id: str
    response_url: str = ""
    ephemeral: bool = False

    @classmethod
    def parse(cls, body: dict[str, Any], action: dict[str, Any]) -> ButtonClick:
        message = body.get("message") or {}
        container = body.get("container") or {}
        channel = (body.get("channel") or {}).get("id") or container.get("channel_id") or ""
        thread = message.get("thread_ts") or message.get("ts") or container.get("message_ts")
        return cls(
            user=str((body.get("user") or {}).get("id") or ""),
            channel=str(channel),
            thread=thread,
            question=str(action.get("value") or ""),
            click_id=str(body.get("trigger_id") or action.get("action_ts") or ""),
            response_url=str(body.get("response_url") or ""),
            ephemeral=bool(container.get("is_ephemeral")) or (container.get("type") == "message" and not message),
        )

    @property
    def reply_to(self) -> Destination:
        if self.ephemeral and self.response_url:
            return Destination(PLATFORM, RESPONSE_URL + self.response_url)
        return Destination(PLATFORM, self.channel, self.thread)

    def inbound(self) -> Inbound:
        return Inbound(
            platform=PLATFORM,
            user=self.user,
            text=self.question,
            reply_to=self.reply_to,
            keys=(f"slack:action:{self.click_id}",) if self.click_id else (),
            kind="action",
            thread_key=None if self.ephemeral else thread_key(self.channel, self.thread),
        )


@dataclass(frozen=True)
class SlashCommand:
    command: str
    text: str
    user: str
    channel: str
    response_url: str
    trigger_id: str

    @classmethod
    def parse(cls, command: dict[str, Any]) -> SlashCommand:
        return cls(
            command=str(command.get("command") or ""),
            text=str(command.get("text") or ""),
            user=str(command.get("user_id") or ""),
            channel=str(command.get("channel_id") or ""),
            response_url=str(command.get("response_url") or ""),
            trigger_id=str(command.get("trigger_id") or ""),
        )

    def inbound(self, kind: str) -> Inbound:
        return Inbound(
            platform=PLATFORM,
            user=self.user,
            text=self.text,
            reply_to=Destination(PLATFORM, RESPONSE_URL + self.response_url),
            keys=(f"slack:command:{self.trigger_id}",) if self.trigger_id else (),
            kind=kind,
        )


@dataclass(frozen=True)
class AreasChosen:
    """The App Home's area picker changed."""

    user: str
    areas: tuple[str, ...]

    @classmethod
    def parse(cls, body: dict[str, Any], action: dict[str, Any]) -> AreasChosen:
        chosen = tuple(str(option["value"]) for option in action.get("selected_options", []) if "value" in option)
        return cls(user=str(body["user"]["id"]), areas=chosen)


@dataclass(frozen=True)
class HomeOpened:
    user: str
    tab: str

    @classmethod
    def parse(cls, event: dict[str, Any]) -> HomeOpened:
        return cls(user=str(event.get("user") or ""), tab=str(event.get("tab") or "home"))
