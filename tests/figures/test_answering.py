"""The answering package: plain-text answers with headings as structure, and the fact loader's public API."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.answer import Section, flatten
from bot.briefbot import Briefbot
from bot.figures.answering.facts import FactLoader, previous, same_period, within
from bot.figures.answering.overview import THEME_TITLES
from bot.figures.language.lexicon import load_lexicon
from bot.figures.language.lexicon import store_version as lexicon_store_version
from data import db
from data.figures import queries
from data.store import prepare

TODAY = date(2026, 11, 22)
JESS, LEEDS = "cluster-jess", "E08000035"
# Slack's bold, italic and link markup; none of it belongs in the core's sentences.
MARKUP = re.compile(r"(^|\s)\*[^*\s][^*]*\*|(^|\s)_[^_\s][^_]*_(\s|$)|<https?://[^>|]+\|")
QUESTIONS = [
    "NEET in JESS",
    "CP rate Leeds vs England",
    "trend CP rate Leeds",
    "compare neet across inner south",
    "what do we know about JESS?",
    "overview of leeds",
    "tell me about Middleton Park",
    "CP plans Middleton Park",
    "banana",
    "help",
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('answering') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def bot(engine: Engine) -> Briefbot:
    return Briefbot(engine, today=lambda: TODAY, strict=True)


@pytest.mark.parametrize("question", QUESTIONS)
def test_sentences_are_plain_text(bot: Briefbot, question: str) -> None:
    answer = bot.ask(question)
    for line in [answer.headline, *answer.sentences, *answer.notes]:
        assert not MARKUP.search(line), line


def test_overview_headings_are_sections(bot: Briefbot) -> None:
    answer = bot.ask("what do we know about JESS?")
    assert answer.sections, "an overview is grouped by theme"
    assert answer.sections[0].title == THEME_TITLES["looked_after_children"]
    assert all(section.lines and section.level == 1 for section in answer.sections)
    assert answer.sentences == flatten(answer.sections)
    assert answer.to_json()["sections"][0] == answer.sections[0].to_json()


def test_linked_places_nest_their_themes(bot: Briefbot) -> None:
    answer = bot.ask("tell me about Middleton Park")
    levels = [section.level for section in answer.sections]
    assert levels[0] == 1 and 2 in levels
    assert answer.sections[0].title.endswith("(linked to Middleton Park ward):")
    assert answer.sentences == flatten(answer.sections)


def test_flatten_puts_each_title_before_its_lines() -> None:
    sections = (Section("A", ("a1", "a2")), Section("B", (), 1), Section("C", ("c1",), 2))
    assert flatten(sections) == ("A", "a1", "a2", "B", "C", "c1")


def test_answers_without_headings_have_no_sections(bot: Briefbot) -> None:
    assert bot.ask("NEET in JESS").sections == ()


def test_fact_loader_reads_what_the_store_holds(engine: Engine) -> None:
    with Session(engine) as session:
        loader = FactLoader(session, load_lexicon(session))
        loader.load(["CPP_COUNT"], [JESS, LEEDS])
        held = loader.series("CPP_COUNT", JESS)
        assert held == queries.series(session, "CPP_COUNT", JESS)
        assert loader.series("CPP_COUNT", JESS) is held  # one query per figure and place an answer
        latest = held[-1]
        assert previous(held, latest) == held[-2]
        assert same_period(held, latest) is latest
        assert within(held, None) is held


def test_store_version_comes_from_a_query(engine: Engine) -> None:
    with Session(engine) as session:
        version = queries.store_version(session)
        assert version > 0
        assert lexicon_store_version(session) == version
