"""Buttons: a clarifying choice or a follow-up ("Trend", "Compare with Leeds") is answered in the thread."""

from __future__ import annotations

import re
from typing import Any

from slack_bolt import Ack, App

from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from handlers.slack.contract import ASK_ACTION, HOME_AREAS_ACTION
from handlers.slack.deps import SlackDeps
from handlers.slack.interactions import BlockAction
from handlers.slack.listeners.home import publish_home
from handlers.slack.payloads import payload_of


def register(app: App, deps: SlackDeps) -> None:
    app.action(re.compile(f"^{ASK_ACTION}"))(
        lambda ack, context: on_button(deps.conversation, payload_of(context, BlockAction), ack)
    )
    app.action(HOME_AREAS_ACTION)(
        lambda ack, context, client: on_home_areas(deps.bot, payload_of(context, BlockAction), ack, client)
    )


def on_button(conversation: Conversation, pressed: BlockAction, ack: Ack) -> None:
    ack()
    conversation.submit(pressed.question())


def on_home_areas(bot: Briefbot, pressed: BlockAction, ack: Ack, client: Any) -> None:
    ack()
    bot.set_areas(pressed.user.id, list(pressed.action.selected), channel="slack")
    publish_home(client, bot, pressed.user.id)
