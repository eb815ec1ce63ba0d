"""Buttons: a clarifying choice or a follow-up ("Trend", "Compare with Leeds") is answered in the thread."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from handlers.slack.contract import ASK_ACTION, HOME_AREAS_ACTION
from handlers.slack.deps import SlackDeps
from handlers.slack.listeners.home import publish_home
from handlers.slack.payloads import AreasChosen, ButtonClick


def register(app: App, deps: SlackDeps) -> None:
    @app.action(re.compile(f"^{ASK_ACTION}"))
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any]) -> None:
        ack()
        deps.conversation.submit(ButtonClick.parse(body, action).inbound())

    @app.action(HOME_AREAS_ACTION)
    def on_home_areas(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: Any) -> None:
        ack()
        chosen = AreasChosen.parse(body, action)
        deps.bot.set_areas(chosen.user, list(chosen.areas), channel="slack")
        publish_home(client, deps, chosen.user)
