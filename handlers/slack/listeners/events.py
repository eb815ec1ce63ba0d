"""Mentions in channels and direct messages: answered once, in the thread of the question."""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt import App

from handlers.slack.delivery import Reply
from handlers.slack.deps import SlackDeps

log = logging.getLogger(__name__)


def register(app: App, deps: SlackDeps) -> None:
    @app.event("app_mention")
    def on_mention(body: dict[str, Any], event: dict[str, Any]) -> None:
        if _from_a_bot(event) or not _first_sight(deps, body, event):
            return
        thread = event.get("thread_ts") or event.get("ts")
        deps.deliverer.submit(Reply(event["channel"], thread, event.get("text", ""), _key(body)))

    @app.event("message")
    def on_message(body: dict[str, Any], event: dict[str, Any]) -> None:
        # Only direct messages: channel messages reach us as app_mention, and edits or joins are not questions.
        if event.get("channel_type") != "im" or event.get("subtype") or _from_a_bot(event):
            return
        if not _first_sight(deps, body, event):
            return
        deps.deliverer.submit(Reply(event["channel"], event.get("thread_ts"), event.get("text", ""), _key(body)))


def _from_a_bot(event: dict[str, Any]) -> bool:
    return bool(event.get("bot_id") or event.get("bot_profile") or event.get("subtype") == "bot_message")


def _key(body: dict[str, Any]) -> str:
    return str(body.get("event_id") or "")


def _first_sight(deps: SlackDeps, body: dict[str, Any], event: dict[str, Any]) -> bool:
    """Retries share an event_id; a mention delivered as both app_mention and message shares channel and ts."""
    event_id = _key(body)
    if event_id and not deps.bot.claim_event(f"slack:event:{event_id}"):
        log.info("event %s already answered (retry %s)", event_id, body.get("retry_attempt"))
        return False
    message = f"slack:message:{event.get('channel')}:{event.get('ts')}"
    if event.get("ts") and not deps.bot.claim_event(message):
        log.info("message %s already answered as another event", message)
        return False
    return True
