"""Questions about recommendations, answered from the store: the one entry point chat (through Briefbot.ask)
and the command line share. A question not about recommendations is declined (None) before the store is read."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from bot.answer import Answer
from bot.recommendations.answers import (
    Context,
    changes_answer,
    list_answer,
    none_held,
    one_answer,
    summary_answer,
)
from bot.recommendations.reading import Kind, RecAsk, Vocabulary, is_about, read
from bot.recommendations.wording import when
from data import recommendations as store
from data.figures import queries
from data.recommendations import RecFilter, RecommendationInfo, StatusSummary


class Recommendations:
    def __init__(self, sessions: Callable[[], Session], today: Callable[[], date]) -> None:
        self._sessions = sessions
        self._today = today

    def answer(self, text: str, *, figures_named: bool = False, forced: bool = False) -> Answer | None:
        """The answer to a question about recommendations; None when it is not about them (unless `forced`:
        the text is known to be about them, as after `briefbot recs` or `/rec`)."""
        if not forced and not is_about(text, figures_named=figures_named):
            return None
        with self._sessions() as session:
            vocabulary = _vocabulary(session)
            if not vocabulary.plans:
                return none_held()
            ask = read(text, vocabulary, self._today())
            ctx = Context(queries.document_citations(session), vocabulary)
            return _respond(session, ask, ctx)

    def matching(self, text: str = "") -> list[RecommendationInfo]:
        """The recommendations a query names (all of them for none), with their history: for exports."""
        with self._sessions() as session:
            ask = read(text, _vocabulary(session), self._today())
            if ask.kind is Kind.ONE and ask.code is not None:
                return store.find(session, ask.code, ask.wanted.plans)
            return store.recommendations(session, ask.wanted)

    def summaries(self, text: str = "") -> list[StatusSummary]:
        with self._sessions() as session:
            ask = read(text, _vocabulary(session), self._today())
            return store.summary(session, ask.wanted)


def _vocabulary(session: Session) -> Vocabulary:
    return Vocabulary(tuple(store.plans(session)), tuple(store.statuses(session)), tuple(store.held_codes(session)))


def _respond(session: Session, ask: RecAsk, ctx: Context) -> Answer:
    if ask.kind is Kind.ONE and ask.code is not None:
        return one_answer(ask, store.find(session, ask.code, ask.wanted.plans), ctx)
    if ask.kind is Kind.SUMMARY:
        return summary_answer(ask, store.summary(session, ask.wanted), ctx)
    if ask.kind is Kind.CHANGES:
        changes = store.changed_since(session, ask.since, ask.wanted) if ask.since else []
        return changes_answer(ask, changes, None if changes else _latest(session, ask.wanted), ctx)
    found = store.recommendations(session, ask.wanted)
    if ask.progress and ask.wanted.words and len(found) == 1:
        return one_answer(replace(ask, kind=Kind.ONE, code=found[0].code), found, ctx)
    return list_answer(ask, found, ctx)


def _latest(session: Session, wanted: RecFilter) -> str | None:
    """When the newest entry is dated, for saying "nothing since then; the latest is …"."""
    updates = [update for rec in store.recommendations(session, wanted) for update in rec.updates]
    newest = max(updates, key=lambda update: update.dated, default=None)
    return None if newest is None else when(newest)
