"""/brief <area>: the area's three obsessions, shown only to the person who asked."""

from __future__ import annotations

from slack_bolt import Ack, App

from bot.conversation.flow import Conversation
from bot.conversation.model import InboundKind
from handlers.slack.deps import SlackDeps
from handlers.slack.payloads import SlashCommand, payload_of


def register(app: App, deps: SlackDeps) -> None:
    app.command("/brief")(lambda ack, context: on_brief(deps.conversation, payload_of(context, SlashCommand), ack))


def on_brief(conversation: Conversation, command: SlashCommand, ack: Ack) -> None:
    # Slack's 3 s are for the acknowledgement; the answer follows through the command's response_url.
    conversation.submit(command.inbound(InboundKind.BRIEF))
    ack()
