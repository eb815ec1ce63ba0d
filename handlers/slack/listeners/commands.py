"""/brief <area>: the area's three obsessions, shown only to the person who asked."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import SlashCommand


def register(app: App, deps: SlackDeps) -> None:
    @app.command("/brief")
    def on_brief(ack: Ack, command: dict[str, Any]) -> None:
        # Slack's 3 s are for the acknowledgement; the answer follows through the command's response_url.
        deps.conversation.submit(SlashCommand.parse(command).inbound("brief"))
        ack()
