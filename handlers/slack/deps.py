"""What the listeners are built with (handed in, never looked up: the listeners are easy to test)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.figures.updates import Updates
from handlers.slack.messenger import SlackMessenger


@dataclass(frozen=True)
class SlackDeps:
    bot: Briefbot
    conversation: Conversation
    messenger: SlackMessenger
    updates: Updates
