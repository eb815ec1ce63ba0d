"""Follow-ups in a thread, for Briefbot.ask: the thread's last question recalled from the store, a follow-up
read with it (bot/figures/language/followups.py), the "Read as" line saying what was carried over, and the
question kept for the next follow-up. A thread's memory expires (a setting, two hours by default): after that,
or in another thread, a follow-up is told what it lacks rather than guessed at."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from bot.answer import Answer, Option, Status
from bot.figures.answering import Answerer
from bot.figures.language import followups
from bot.figures.language.followups import Reading
from bot.figures.language.understanding import Question
from bot.recommendations.reading import is_about
from bot.store import Store, StoreUnavailable
from data.chat import threads as memory

DEFAULT_EXPIRY = timedelta(hours=2)
# Expired questions stay this long, so a late follow-up can be told why nothing was carried; then they go.
KEEP_FOR = timedelta(days=7)
# Answers whose question is worth following on from; a question not understood leaves the last one in place.
FOLLOWED_ON = frozenset({Status.ANSWER, Status.NO_DATA, Status.CLARIFY})
log = logging.getLogger(__name__)

Respond = Callable[[Answerer, Question], Answer]
Safely = Callable[[str, Respond], Answer]


@dataclass(frozen=True)
class Before:
    """What a thread held when a question arrived: its last question, if still fresh, and whether one expired."""

    question: Question | None = None
    expired: bool = False


class Threads:
    def __init__(
        self, store: Store, expiry: timedelta = DEFAULT_EXPIRY, clock: Callable[[], datetime] | None = None
    ) -> None:
        self.store = store
        self.expiry = expiry
        self.clock = clock or (lambda: datetime.now(UTC))

    def ask(self, key: str, text: str, safely: Safely, respond: Respond) -> Answer:
        """Answer `text` asked in thread `key`: `safely` reads it (as Briefbot._safely), `respond` answers the
        question it becomes."""
        before = self.recall(key)
        asked: list[Question] = []

        def in_thread(answerer: Answerer, question: Question) -> Answer:
            if is_about(question.text, figures_named=bool(question.indicators or question.places)):
                return respond(answerer, question)  # "what changed since March 2011?" is about recommendations
            reading = followups.read_in_thread(question, before.question, answerer.home_named())
            if reading.missing:
                return nothing_to_follow(question, reading.missing, before, self.expiry)
            asked.append(reading.question)
            return with_carried(respond(answerer, reading.question), reading)

        answer = safely(text, in_thread)
        if asked and answer.status in FOLLOWED_ON and (asked[0].indicators or asked[0].places):
            self.keep(key, asked[0])
        return answer

    def recall(self, key: str) -> Before:
        with self.store.read() as session:
            stored = memory.recall(session, key)
        if stored is None:
            return Before()
        if self.clock() - stored.asked_at > self.expiry:
            return Before(expired=True)
        try:
            return Before(followups.from_json(stored.question))
        except (KeyError, TypeError, ValueError):
            log.warning("thread memory unreadable; treated as empty")  # written by an older version
            return Before()

    def keep(self, key: str, question: Question) -> None:
        """The thread's last question, for the next follow-up. Its answer has been given already: a store that
        can't take this write costs the next follow-up its context, not this answer."""
        now = self.clock()
        try:
            with self.store.write() as session:
                memory.remember(session, key, followups.to_json(question), now)
                memory.forget_before(session, now - max(KEEP_FOR, self.expiry))
        except StoreUnavailable as error:
            log.warning("could not keep the thread's question for follow-ups: %s", error)


def with_carried(answer: Answer, reading: Reading) -> Answer:
    """The "Read as" line names what came from the last question: "(measure and place from your last question)"."""
    if not reading.follows_on or not answer.reading:
        return answer
    return replace(answer, reading=f"{answer.reading} ({_listed(reading.carried)} from your last question)")


def nothing_to_follow(question: Question, missing: tuple[str, ...], before: Before, expiry: timedelta) -> Answer:
    """A follow-up with nothing before it in this thread: say what it lacks, with an example to ask in full."""
    why = (
        f"The last question in this thread was more than {_span(expiry)} ago, so I don't carry it over."
        if before.expired
        else "There is no earlier question in this thread for it to follow on from."
    )
    options: tuple[Option, ...] = ()
    if question.places and not question.indicators:
        place = question.places[0].typed or question.places[0].phrase
        options = (Option(f"What we hold for {place}", f"what do we know about {place}"),)
    return Answer(
        status=Status.CLARIFY,
        headline=f"Which {_listed(missing)} do you mean by “{question.text}”?",
        sentences=(why, f"Ask it in full, for example “{_example(question)}”."),
        options=options,
        reading=f"follow-up with nothing to follow: {_listed(missing)} not named",
    )


def _example(question: Question) -> str:
    figure = question.indicators[0].phrase if question.indicators else "NEET"
    place = question.places[-1].phrase if question.places else "JESS"
    period = question.period.description if question.period is not None else ""
    where = f"JESS vs {place}" if question.compare and question.places else f"in {place}"
    return " ".join(part for part in (figure, where, period) if part)


def _listed(parts: tuple[str, ...]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


def _span(expiry: timedelta) -> str:
    minutes = int(expiry.total_seconds() // 60)
    if minutes % 60:
        return f"{minutes} minute{'s' * (minutes != 1)}"
    hours = minutes // 60
    return f"{hours} hour{'s' * (hours != 1)}"
