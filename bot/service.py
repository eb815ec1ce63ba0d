"""Briefbot: the one object every front end (CLI, Slack, Teams) asks. Holds the store and the lexicon."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from bot.answering import Answerer
from bot.answers import Answer, Status
from bot.lexicon import Lexicon, load_lexicon, store_version
from bot.understanding import Question, understand
from charts.cache import ChartCache
from charts.render import RenderedChart

LONDON = ZoneInfo("Europe/London")
log = logging.getLogger(__name__)


def london_today() -> date:
    return datetime.now(LONDON).date()


class Briefbot:
    def __init__(
        self,
        engine: Engine,
        *,
        today: Callable[[], date] = london_today,
        charts: ChartCache | None = None,
        strict: bool = False,
        neighbours_on: date | None = None,
    ) -> None:
        self.engine = engine
        self.charts = charts or ChartCache()
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        self.today = today
        self._lexicon: Lexicon | None = None
        self._lock = threading.Lock()
        self.strict = strict
        self.neighbours_on = neighbours_on

    def lexicon(self, session: Session) -> Lexicon:
        """The cached lexicon, rebuilt when anything has been written since it was built."""
        current = self._lexicon
        if current is not None and store_version(session) == current.version:
            return current
        with self._lock:
            if self._lexicon is None or store_version(session) != self._lexicon.version:
                self._lexicon = load_lexicon(session)
            return self._lexicon

    def understand(self, text: str) -> Question:
        with self.sessions() as session:
            return understand(text, self.lexicon(session), self.today())

    def ask(self, text: str) -> Answer:
        try:
            with self.sessions() as session:
                lexicon = self.lexicon(session)
                today = self.today()
                question = understand(text, lexicon, today)
                return Answerer(session, lexicon, today, self.neighbours_on).answer(question)
        except Exception:
            if self.strict:
                raise
            # A councillor never sees a traceback; the log keeps it for us.
            log.exception("could not answer %r", text)
            return Answer(
                status=Status.NOT_UNDERSTOOD,
                headline="Sorry, something went wrong answering that.",
                sentences=("Please try again in a moment, or ask it another way.",),
                reading="error",
            )

    def chart(self, answer: Answer) -> RenderedChart | None:
        return None if answer.chart is None else self.charts.render(answer.chart)
