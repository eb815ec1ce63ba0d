"""From a Question to an Answer: choose the places and the figure, then hand over to the intent's module.

Never invents a figure: every number in an answer is a Fact read from the store in this call.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from bot.answer import Answer
from bot.figures.answering import measures
from bot.figures.answering.charting import Charts
from bot.figures.answering.compare import answer_compare
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.facts import FactLoader, with_hand_updates
from bot.figures.answering.fallbacks import (
    clarify,
    help_answer,
    not_about_figures,
    not_understood,
    topic_not_held,
    with_unheld_qualifier,
)
from bot.figures.answering.naming import Names
from bot.figures.answering.overview import BRIEF_THEMES, answer_overview
from bot.figures.answering.targets import answer_target, targets_for
from bot.figures.answering.trend import answer_trend
from bot.figures.answering.two_periods import answer_periods
from bot.figures.answering.value import answer_value
from bot.figures.language import places
from bot.figures.language.authorities import Home, beside_authority
from bot.figures.language.lexicon import Lexicon
from bot.figures.language.understanding import Intent, Mention, Question
from data.text import normalise


class Answerer:
    def __init__(
        self,
        session: Session,
        lexicon: Lexicon,
        today: date,
        neighbours_on: date | None = None,
        home: Home | None = None,
    ) -> None:
        self._home = home or Home()
        facts = FactLoader(session, lexicon)
        self._ctx = Context(
            lexicon=lexicon,
            today=today,
            neighbours_on=neighbours_on or today,
            facts=facts,
            names=Names(lexicon),
            charts=Charts(lexicon, facts),
            home=self._home.code,
        )

    def home_named(self) -> Mention:
        """The home council as a place named in a question ("leeds" for Leeds)."""
        code = self._home.code
        phrase = normalise(self._ctx.lexicon.geographies[code].name)
        return Mention(phrase, ((code, 2),), phrase)

    def answer(self, question: Question) -> Answer:
        return with_hand_updates(self._ctx.facts, self._answer(question))

    def _answer(self, question: Question) -> Answer:
        ctx = self._ctx
        if question.intent is Intent.HELP:
            return help_answer(ctx)
        if not question.places and not question.indicators:
            return not_about_figures(ctx, question)
        if not question.places and question.unknown_words:
            # "NEET in Narnia": a place we don't know is not silently answered for Leeds.
            return not_understood(ctx, question)
        chosen = self._choose_places(question)
        if not question.indicators and question.unknown_words and question.intent is not Intent.OVERVIEW:
            # "crime in beeston": a topic not held is said plainly (before asking which Beeston, which
            # would not bring a crime figure either), with what is held for the place.
            return topic_not_held(ctx, question, chosen[0] if isinstance(chosen, list) else self._first_place(question))
        if isinstance(chosen, Answer):
            return chosen
        if question.intent is Intent.OVERVIEW or not question.indicators:
            return answer_overview(ctx, chosen[0])
        focus = self._focus(question, chosen)
        ctx.facts.load([focus.indicator], [*chosen, *places.comparators(ctx.lexicon, focus.place, ctx.today)])
        return with_unheld_qualifier(ctx, question, focus, self._answer_figure(question, focus, chosen))

    def _answer_figure(self, question: Question, focus: Focus, chosen: list[str]) -> Answer:
        if question.intent is Intent.TREND:
            return answer_trend(self._ctx, question, focus, chosen[1:])
        if question.intent is Intent.COMPARE:
            return answer_compare(self._ctx, question, focus, chosen)
        if question.intent is Intent.PERIODS:
            return answer_periods(self._ctx, question, focus, chosen)
        if question.wants_target:
            # "NEET target 2010": the year is the target's, so the figure answered beside it is the latest.
            held = targets_for(self._ctx, focus.indicator, focus.place)
            asked = replace(question, period=None, periods=()) if held else question
            return answer_target(self._ctx, question, focus, answer_value(self._ctx, asked, focus))
        return answer_value(self._ctx, question, focus)

    def brief(self, question: Question) -> Answer:
        """`/brief <area>`: the three obsessions for one place."""
        if not question.places:
            return not_understood(self._ctx, question) if question.text.strip() else help_answer(self._ctx)
        chosen = self._choose_places(question)
        if isinstance(chosen, Answer):
            return chosen
        return self.brief_for(chosen[0])

    def brief_for(self, place: str) -> Answer:
        return answer_overview(self._ctx, place, themes=BRIEF_THEMES)

    def _choose_places(self, question: Question) -> list[str] | Answer:
        """The places named, in order; a place that could be two with figures is asked back."""
        if not question.places:
            return [self._ctx.home]
        asked = tuple(code for mention in question.indicators for code, _ in mention.candidates)
        said: list[tuple[str, str]] = []
        for mention in question.places:
            choice = places.choose_place(mention, self._ctx.lexicon, asked, self._ctx.today)
            if choice.tied:
                return clarify(self._ctx, question, mention, choice.tied)
            said.append((mention.phrase, choice.code))
        return beside_authority(self._ctx.lexicon, self._home, said)

    def _first_place(self, question: Question) -> str:
        """The likeliest of the places named, without asking which (for saying a topic is not held)."""
        return places.choose_place(question.places[0], self._ctx.lexicon, (), self._ctx.today).code

    def _focus(self, question: Question, chosen: list[str]) -> Focus:
        mention = question.indicators[0]
        compared = (
            chosen if len(chosen) > 1 else [*chosen, *places.comparators(self._ctx.lexicon, chosen[0], self._ctx.today)]
        )
        indicator = measures.choose(self._ctx, question, compared if question.intent is Intent.COMPARE else chosen)
        return Focus(indicator, chosen[0], not question.places, mention)
