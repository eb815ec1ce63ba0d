"""Briefbot: the one object every front end (CLI, Slack, Teams) asks. Holds the store and the lexicon."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from bot.answer import Answer, Status
from bot.failures import log_failure
from bot.figures.answering import Answerer
from bot.figures.language.authorities import Home, at_home
from bot.figures.language.lexicon import Lexicon, load_lexicon, store_version
from bot.figures.language.understanding import Question, understand
from bot.recommendations import Recommendations
from bot.store import Store, StoreUnavailable
from bot.threads import DEFAULT_EXPIRY, Threads
from data.chat import preferences

if TYPE_CHECKING:
    # Drawing needs matplotlib; a command that answers without a chart should not pay for importing it.
    from charts.cache import ChartCache
    from charts.render import RenderedChart

LONDON = ZoneInfo("Europe/London")
MAX_HOME_AREAS = 5
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
        thread_expiry: timedelta = DEFAULT_EXPIRY,
        home: Home | None = None,
    ) -> None:
        self.home = home or Home()
        self.engine = engine
        self._charts = charts
        self.store = Store(engine)
        self.sessions = self.store.sessions
        self.today = today
        self._lexicon: Lexicon | None = None
        self._lock = threading.Lock()
        self.strict = strict
        self.neighbours_on = neighbours_on
        self.recommendations = Recommendations(self.sessions, today)
        self.threads = Threads(self.store, thread_expiry)

    def lexicon(self, session: Session) -> Lexicon:
        """The cached lexicon, rebuilt when anything has been written since it was built."""
        current = self._lexicon
        if current is not None and store_version(session) == current.version:
            return current
        with self._lock:
            if self._lexicon is None or store_version(session) != self._lexicon.version:
                self._lexicon = at_home(load_lexicon(session), self.home)
            return self._lexicon

    def understand(self, text: str) -> Question:
        with self.store.read() as session:
            return understand(text, self.lexicon(session), self.today())

    def ask(self, text: str, thread: str | None = None) -> Answer:
        """Answer a question; in a thread (a key naming it), a follow-up is read with the thread's last question."""
        if thread is None:
            return self._safely(text, self._answer)
        return self.threads.ask(thread, text, self._safely, self._answer)

    def _answer(self, answerer: Answerer, question: Question) -> Answer:
        # Recommendations decline (None) any question not about them, before reading the store.
        named = bool(question.indicators or question.places)
        return self.recommendations.answer(question.text, figures_named=named) or answerer.answer(question)

    def _safely(self, text: str, respond: Callable[[Answerer, Question], Answer]) -> Answer:
        try:
            with self.store.read() as session:
                lexicon = self.lexicon(session)
                today = self.today()
                question = understand(text, lexicon, today)
                return respond(Answerer(session, lexicon, today, self.neighbours_on, self.home), question)
        except StoreUnavailable:
            raise  # the store is down or locked: not the question's fault. Callers that can wait (chat) retry.
        except Exception:
            if self.strict:
                raise
            # A councillor never sees a traceback; the log keeps it for us.
            log_failure(log, "could not answer a question (%s characters)", len(text))
            return Answer(
                status=Status.NOT_UNDERSTOOD,
                headline="Sorry, something went wrong answering that.",
                sentences=("Please try again in a moment, or ask it another way.",),
                reading="error",
            )

    @property
    def charts(self) -> ChartCache:
        with self._lock:
            if self._charts is None:
                from charts.cache import ChartCache

                self._charts = ChartCache()
            return self._charts

    def chart(self, answer: Answer) -> RenderedChart | None:
        return None if answer.chart is None else self.charts.render(answer.chart)

    # -- what chat front ends need besides answers --------------------------------------------------------
    def unready_reason(self) -> str | None:
        """None when the store answers; otherwise why not, in words fit for a readiness probe."""
        try:
            with self.store.read() as session:
                session.execute(text("select 1"))
        except Exception as error:
            return f"store unreachable ({type(error).__name__})"
        return None

    def areas_for(self, user_id: str) -> list[str]:
        with self.store.read() as session:
            return preferences.areas_for(session, user_id)

    def set_areas(self, user_id: str, areas: list[str], *, channel: str) -> list[str]:
        with self.store.write() as session:
            known = self.lexicon(session).geographies
            chosen = [code for code in dict.fromkeys(areas) if code in known][:MAX_HOME_AREAS]
            preferences.set_areas(session, user_id, chosen, channel=channel)
        return chosen

    def area_choices(self) -> list[tuple[str, str]]:
        """Areas worth following: the home council, its committee areas and the school clusters with figures."""
        with self.store.read() as session:
            lexicon = self.lexicon(session)
        wanted = {"local_authority": 0, "committee_area": 1, "school_cluster": 2}
        choices = [
            (code, info.name)
            for code, info in lexicon.geographies.items()
            if info.type in wanted
            and (info.type != "local_authority" or code == self.home.code)
            and (info.type == "committee_area" or lexicon.indicators_with_data(code))
        ]
        return sorted(choices, key=lambda item: (wanted[lexicon.geographies[item[0]].type], item[1]))

    def brief(self, text: str) -> Answer:
        """The three obsessions for an area: looked after children, NEET and attendance."""
        return self._safely(text, lambda answerer, question: answerer.brief(question))

    def key_figures(self, area: str) -> Answer:
        with self.store.read() as session:
            lexicon = self.lexicon(session)
            return Answerer(session, lexicon, self.today(), self.neighbours_on, self.home).brief_for(area)
