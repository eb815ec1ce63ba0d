"""/brief <area>: the area's three obsessions, shown only to the person who asked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from bot.conversation.cards import card_for
from handlers.slack.blocks import card_blocks, fallback_text
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import SlashCommand


def register(app: App, deps: SlackDeps) -> None:
    @app.command("/brief")
    def on_brief(ack: Ack, command: dict[str, Any]) -> None:
        # Answering takes milliseconds, so the acknowledgement carries the answer itself.
        card = card_for(deps.bot.brief(SlashCommand.parse(command).text))
        ack(response_type="ephemeral", text=fallback_text(card), blocks=card_blocks(card))
