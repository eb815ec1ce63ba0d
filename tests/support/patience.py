"""What the retry tests share: a sleeper that records waits instead of sleeping through them (so a ten-minute
budget is tested in milliseconds), and a conversation on a fresh seeded store."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from bot.briefbot import Briefbot
from bot.conversation.flow import Conversation
from bot.conversation.messenger import Messenger
from bot.conversation.pacing import TokenBucketPacer
from data import db
from data.store import prepare


class Sleeper:
    """Records the waits instead of sleeping through them."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)

    @property
    def total(self) -> float:
        return sum(self.waits)


@contextmanager
def conversation_with(messenger: Messenger, directory: Path) -> Iterator[Conversation]:
    engine = db.make_engine(f"sqlite:///{directory / 'store.sqlite3'}")
    prepare(engine, seed=True, official=False)
    conversation = Conversation(Briefbot(engine, today=lambda: date(2026, 11, 22)), pacer=TokenBucketPacer(rate=100))
    conversation.add_messenger(messenger)
    try:
        yield conversation
    finally:
        conversation.shutdown()
        engine.dispose()
