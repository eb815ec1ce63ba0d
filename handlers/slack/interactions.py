"""Slack's interactions (block_actions, view_submission, view_closed), parsed once into typed records. A press
of a button carrying a change set (Confirm, Cancel, Undo) or a digest preview's delivery must carry one of our
numbers; anything else of the wrong shape raises Malformed (400)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.conversation.model import Destination, Inbound, InboundKind
from bot.digest.cards import CONTROL, Control, read_control
from bot.figures.updates import Actor
from handlers.slack import fields
from handlers.slack.contract import (
    DIGEST_NOTE_VIEW,
    REC_CANCEL_ACTION,
    REC_CONFIRM_ACTION,
    REC_UNDO_ACTION,
    UPDATE_CANCEL_ACTION,
    UPDATE_CONFIRM_ACTION,
    UPDATE_CONFIRM_VIEW,
)
from handlers.slack.fields import Malformed
from handlers.slack.payloads import PLATFORM, RESPONSE_URL, SlackUser, actor_of, thread_key

CHANGE_SET_ACTIONS = frozenset(
    {UPDATE_CONFIRM_ACTION, UPDATE_CANCEL_ACTION, REC_CONFIRM_ACTION, REC_CANCEL_ACTION, REC_UNDO_ACTION}
)
NUMBERED_VIEWS = frozenset({UPDATE_CONFIRM_VIEW, DIGEST_NOTE_VIEW})  # private_metadata: a change set, a delivery


@dataclass(frozen=True)
class Pressed:
    """One element of a block_actions payload."""

    action_id: str
    value: str
    selected: tuple[str, ...]
    action_ts: str | None

    @classmethod
    def parse(cls, raw: Any) -> Pressed:
        if not isinstance(raw, dict):
            raise Malformed("an action is not an object")
        options = fields.objects(raw, "selected_options")
        return cls(
            action_id=fields.ident(raw, "action_id", required=True),
            value=fields.text(raw, "value", limit=2000),
            selected=tuple(fields.text(option, "value", limit=fields.MAX_ID) for option in options),
            action_ts=fields.timestamp(raw, "action_ts"),
        )

    @property
    def change_set(self) -> int:
        return fields.number(self.value, "value")

    @property
    def control(self) -> Control | None:
        """A digest preview's button (Post now, Skip, Edit note), or None for a question."""
        if self.value.startswith(CONTROL):
            fields.number(self.value.rsplit(" ", 1)[-1], "value")  # a delivery id within its column
        return read_control(self.value)


@dataclass(frozen=True)
class BlockAction:
    """A press of one of our buttons (or the App Home's picker): who, where, and what. A button on an ephemeral
    message (a /brief or /rec answer, seen only by the person who asked) comes with no `message` object and
    `container.is_ephemeral` true (Slack's block_actions payload reference,
    https://docs.slack.dev/reference/interaction-payloads/block_actions-payload)."""

    user: SlackUser
    channel: str
    message_ts: str | None
    thread_ts: str | None
    trigger_id: str
    response_url: str
    ephemeral: bool
    actions: tuple[Pressed, ...]

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> BlockAction:
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            raise Malformed("block_actions without actions")
        message = fields.obj(body, "message")
        container = fields.obj(body, "container")
        pressed = tuple(Pressed.parse(action) for action in actions)
        for action in pressed:
            if action.action_id in CHANGE_SET_ACTIONS:
                action.change_set  # noqa: B018 (checked now: a bad one is the sender's fault, 400)
            action.control  # noqa: B018
        return cls(
            user=SlackUser.parse(body),
            channel=fields.ident(fields.obj(body, "channel"), "id") or fields.ident(container, "channel_id"),
            message_ts=fields.timestamp(message, "ts") or fields.timestamp(container, "message_ts"),
            thread_ts=fields.timestamp(message, "thread_ts"),
            trigger_id=fields.ident(body, "trigger_id"),
            response_url=fields.text(body, "response_url", limit=2000),
            ephemeral=container.get("is_ephemeral") is True or (container.get("type") == "message" and not message),
            actions=pressed,
        )

    @property
    def action(self) -> Pressed:
        return self.actions[0]

    @property
    def actor(self) -> Actor:
        return actor_of(self.user)

    @property
    def click_id(self) -> str:
        return self.trigger_id or self.action.action_ts or ""

    @property
    def reply_to(self) -> Destination:
        """An ephemeral message has no thread to answer in, and a post to the channel would show everyone what
        only the asker saw: its answer goes back through the response_url, to the asker alone."""
        if self.ephemeral and self.response_url:
            return Destination(PLATFORM, RESPONSE_URL + self.response_url)
        return Destination(PLATFORM, self.channel, self.thread_ts or self.message_ts)

    def question(self) -> Inbound:
        """The question the pressed button carries, answered where the button was seen."""
        return Inbound(
            platform=PLATFORM,
            user=self.user.id,
            text=self.action.value,
            reply_to=self.reply_to,
            keys=(f"slack:action:{self.click_id}",) if self.click_id else (),
            kind=InboundKind.ACTION,
            # An ephemeral answer has no thread to follow up in.
            thread_key=None if self.ephemeral else thread_key(self.channel, self.thread_ts or self.message_ts),
        )


@dataclass(frozen=True)
class ViewPayload:
    """A modal submitted or closed: `number` is the change set or delivery its private_metadata carries."""

    user: SlackUser
    callback_id: str
    number: int | None
    state: Mapping[str, Any]

    @classmethod
    def parse(cls, body: Mapping[str, Any]) -> ViewPayload:
        view = fields.obj(body, "view", required=True)
        callback_id = fields.ident(view, "callback_id", required=True)
        metadata = fields.text(view, "private_metadata", limit=3000)
        number = fields.number(metadata, "private_metadata") if callback_id in NUMBERED_VIEWS and metadata else None
        state = fields.obj(fields.obj(view, "state"), "values")
        return cls(SlackUser.parse(body), callback_id, number, state)

    @property
    def actor(self) -> Actor:
        return actor_of(self.user)

    def typed(self, block: str) -> str:
        """What was typed (or chosen) in one input block, its element's action id the block's id."""
        element = self.state.get(block)
        element = element.get(block) if isinstance(element, dict) else None
        if not isinstance(element, dict):
            return ""
        chosen = element.get("selected_option")
        value = chosen.get("value") if isinstance(chosen, dict) else element.get("value")
        return value.strip() if isinstance(value, str) else ""
