"""What every intent's answer is built from: the lexicon, the day, the fact loader, names and charts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.figures.answering.charting import Charts
from bot.figures.answering.facts import FactLoader
from bot.figures.answering.naming import Names
from bot.figures.language.lexicon import Lexicon
from bot.figures.language.understanding import Mention
from data.figures.catalogue import LEEDS


@dataclass(frozen=True)
class Context:
    lexicon: Lexicon
    today: date
    neighbours_on: date  # which statistical-neighbour model is in force (a setting; by default today)
    facts: FactLoader
    names: Names
    charts: Charts
    home: str = LEEDS  # the council at home (BRIEFBOT_HOME_LA): the place a question without one is about


@dataclass(frozen=True)
class Focus:
    """The figure and place an answer is about; place_defaulted when no place was named."""

    indicator: str
    place: str
    place_defaulted: bool
    mention: Mention | None = None
