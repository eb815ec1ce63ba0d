"""The services a process runs, built once here (the composition root) from its settings and handed to the
handlers, which never build one: one DigestDesk per process (its timezone and officers from the settings), and
per platform one set of desks sharing it, their roles deciding who may. Every thread pool a handler runs work on
is made here too, so shutdown closes them all."""

from __future__ import annotations

import threading
from collections.abc import Collection, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from bot.app.settings import Settings
from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation, process_name
from bot.digest.delivery import DigestDesk
from bot.digest.meetings import ChatCalendar
from bot.digest.preview import ChannelMembers, Members, PreviewDesk
from bot.figures.updates import Roles, Updates
from bot.recommendations.updates import RecUpdates
from data.chat.committees import LONDON


class Background:
    """The thread pools handlers hand slow work to (a digest's Post now, an officer's reply): each made by
    `pool`, all closed by `shutdown`, which waits for work under way so none is cut off half-done."""

    def __init__(self) -> None:
        self._pools: list[ThreadPoolExecutor] = []
        self._lock = threading.Lock()

    def pool(self, name: str, workers: int) -> ThreadPoolExecutor:
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
        with self._lock:
            self._pools.append(pool)
        return pool

    @property
    def pools(self) -> tuple[ThreadPoolExecutor, ...]:
        with self._lock:
            return tuple(self._pools)

    def shutdown(self) -> None:
        for pool in self.pools:
            pool.shutdown(wait=True)


@dataclass(frozen=True)
class Services:
    """What every platform's handlers share in one process."""

    bot: Briefbot
    conversation: Conversation
    digests: DigestDesk
    background: Background = field(default_factory=Background)

    @classmethod
    def build(
        cls,
        conversation: Conversation,
        *,
        zone: ZoneInfo = LONDON,
        officers: Mapping[str, Collection[str]] | None = None,
    ) -> Services:
        """`officers`: each platform's configured officers, who get the stale-figure DMs."""
        bot = conversation.bot
        digests = DigestDesk(bot, conversation, owner=process_name(), zone=zone, officers=officers)
        return cls(bot, conversation, digests)

    @classmethod
    def from_settings(cls, settings: Settings, conversation: Conversation) -> Services:
        officers = {"slack": settings.officers, "teams": settings.teams.officers}
        return cls.build(conversation, zone=ZoneInfo(settings.timezone), officers=officers)

    def shutdown(self) -> None:
        self.background.shutdown()


@dataclass(frozen=True)
class Desks:
    """One platform's desks: figures' updates, recommendations' updates, digest previews and /meeting."""

    updates: Updates
    recs: RecUpdates
    previews: PreviewDesk
    calendar: ChatCalendar


def desks_for(services: Services, roles: Roles, members: Members) -> Desks:
    """`members` reads a channel's members (who, besides officers, may press a digest preview's buttons); the
    answers are cached a while."""
    bot = services.bot
    return Desks(
        updates=Updates(bot, roles),
        recs=RecUpdates(bot, roles),
        previews=PreviewDesk(services.digests, roles, members=ChannelMembers(members)),
        calendar=ChatCalendar(bot, roles),
    )
