"""/brief <area>: the area's three obsessions, shown only to the person who asked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from handlers.slack.blocks import answer_blocks, fallback_text
from handlers.slack.deps import SlackDeps


def register(app: App, deps: SlackDeps) -> None:
    @app.command("/brief")
    def on_brief(ack: Ack, command: dict[str, Any]) -> None:
        # Answering takes milliseconds, so the acknowledgement carries the answer itself.
        answer = deps.bot.brief(command.get("text", ""))
        ack(response_type="ephemeral", text=fallback_text(answer), blocks=answer_blocks(answer))
