"""App Home: the user's chosen areas and their latest key figures."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.briefbot import Briefbot
from bot.conversation.cards import card_for
from handlers.slack.blocks import home_view
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import HomeOpened, payload_of


def register(app: App, deps: SlackDeps) -> None:
    app.event("app_home_opened")(
        lambda context, client: on_home_opened(deps.bot, payload_of(context, HomeOpened), client)
    )


def on_home_opened(bot: Briefbot, opened: HomeOpened, client: Any) -> None:
    if opened.tab == "home":
        publish_home(client, bot, opened.user)


def publish_home(client: Any, bot: Briefbot, user: str) -> None:
    chosen = bot.areas_for(user)
    summaries = [card_for(bot.key_figures(area)) for area in chosen]
    client.views_publish(user_id=user, view=home_view(bot.area_choices(), chosen, summaries))
