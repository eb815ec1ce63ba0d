"""What the listeners are built with (handed in by the composition root, never built or looked up here: the
listeners are easy to test)."""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import dataclass

from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.digest.meetings import ChatCalendar
from bot.digest.preview import PreviewDesk
from bot.figures.updates import Updates
from bot.recommendations.updates import RecUpdates
from handlers.slack.messenger import SlackMessenger


@dataclass(frozen=True)
class SlackDeps:
    bot: Briefbot
    conversation: Conversation
    messenger: SlackMessenger
    updates: Updates
    recs: RecUpdates
    previews: PreviewDesk
    calendar: ChatCalendar
    # Slow work a button starts (a digest's Post now): acknowledged at once, carried out here.
    work: Executor
