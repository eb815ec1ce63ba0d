"""App Home: the user's chosen areas and their latest key figures."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.conversation.cards import card_for
from handlers.slack.blocks import home_view
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import HomeOpened


def register(app: App, deps: SlackDeps) -> None:
    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], client: Any) -> None:
        opened = HomeOpened.parse(event)
        if opened.tab == "home":
            publish_home(client, deps, opened.user)


def publish_home(client: Any, deps: SlackDeps, user: str) -> None:
    chosen = deps.bot.areas_for(user)
    summaries = [card_for(deps.bot.key_figures(area)) for area in chosen]
    client.views_publish(user_id=user, view=home_view(deps.bot.area_choices(), chosen, summaries))
