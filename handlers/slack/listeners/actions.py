"""Buttons: a clarifying choice or a follow-up ("Trend", "Compare with Leeds") is answered in the thread."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from handlers.slack.contract import ASK_ACTION, HOME_AREAS_ACTION
from handlers.slack.delivery import Reply
from handlers.slack.deps import SlackDeps
from handlers.slack.listeners.home import publish_home


def register(app: App, deps: SlackDeps) -> None:
    @app.action(re.compile(f"^{ASK_ACTION}"))
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        message = body.get("message") or {}
        channel = (body.get("channel") or {}).get("id") or body["container"]["channel_id"]
        thread = message.get("thread_ts") or message.get("ts") or body.get("container", {}).get("message_ts")
        key = f"slack:action:{body.get('trigger_id') or action.get('action_ts')}"
        deps.deliverer.submit(Reply(channel, thread, action.get("value", ""), key))

    @app.action(HOME_AREAS_ACTION)
    def on_home_areas(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        ack()
        user = body["user"]["id"]
        chosen = [option["value"] for option in action.get("selected_options", [])]
        deps.bot.set_areas(user, chosen, channel="slack")
        publish_home(client, deps, user)
