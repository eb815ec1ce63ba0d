"""Mentions in channels and direct messages: handed to the conversation layer, which answers each once."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.conversation.flow import Conversation
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import MessageEvent, payload_of

log = logging.getLogger(__name__)


def register(app: App, deps: SlackDeps) -> None:
    app.event("app_mention")(lambda context: on_mention(deps.conversation, payload_of(context, MessageEvent)))
    app.event("message")(lambda context: on_message(deps.conversation, payload_of(context, MessageEvent)))


def on_mention(conversation: Conversation, message: MessageEvent) -> None:
    if not message.from_bot:
        _submit(conversation, message, in_thread=True)


def on_message(conversation: Conversation, message: MessageEvent) -> None:
    # Only direct messages: channel messages reach us as app_mention, and edits or joins are not questions.
    if message.is_direct_message and not message.subtype and not message.from_bot:
        _submit(conversation, message, in_thread=False)


def _submit(conversation: Conversation, message: MessageEvent, *, in_thread: bool) -> None:
    if conversation.submit(message.inbound(in_thread=in_thread)) is None:
        log.info("event %s already answered (retry %s)", message.event_id, message.retry_attempt)
