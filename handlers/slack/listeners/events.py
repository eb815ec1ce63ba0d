"""Mentions in channels and direct messages: handed to the conversation layer, which answers each once."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import MessageEvent

log = logging.getLogger(__name__)


def register(app: App, deps: SlackDeps) -> None:
    @app.event("app_mention")
    def on_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        message = MessageEvent.parse(body, event)
        if not message.from_bot:
            _submit(deps, message, in_thread=True)

    @app.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        message = MessageEvent.parse(body, event)
        # Only direct messages: channel messages reach us as app_mention, and edits or joins are not questions.
        if message.is_direct_message and not message.subtype and not message.from_bot:
            _submit(deps, message, in_thread=False)


def _submit(deps: SlackDeps, message: MessageEvent, *, in_thread: bool) -> None:
    if deps.conversation.submit(message.inbound(in_thread=in_thread)) is None:
        log.info("event %s already answered (retry %s)", message.event_id, message.retry_attempt)
