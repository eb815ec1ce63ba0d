"""Councillors' questions, as they type them, answered from the seed store."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.orm import Session

from bot.answer import Answer, Status
from bot.app.cli import main
from bot.briefbot import Briefbot
from data import db
from data.figures.importers.long_csv import export_rows
from data.figures.periods import snapshot
from data.figures.writes import ObservationInput, write_observations
from data.store import prepare
from tests.support.phrasings import JESS, PHRASINGS

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Briefbot]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('ask') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield Briefbot(engine, today=lambda: TODAY, strict=True)
    engine.dispose()


@pytest.mark.parametrize(
    ("question", "status", "indicator", "geography", "period_end"),
    PHRASINGS,
    ids=[row[0] or "<empty>" for row in PHRASINGS],
)
def test_phrasing(
    bot: Briefbot, question: str, status: str, indicator: str | None, geography: str | None, period_end: str | None
) -> None:
    answer = bot.ask(question)
    assert answer.status.value == status, answer.text
    if indicator is None:
        assert not answer.facts
        return
    first = answer.facts[0]
    assert (first.indicator, first.geography, first.period_end.isoformat()) == (indicator, geography, period_end)


def test_there_are_at_least_sixty_phrasings() -> None:
    assert len(PHRASINGS) >= 60


def test_value_answer_reads_like_the_report(bot: Briefbot) -> None:
    answer = bot.ask("NEET in JESS")
    assert answer.headline == "NEET 16-18 (%), JESS cluster: 9.9% at 31 Mar 2013 (163 young people NEET)."
    assert "1.3 percentage points above Inner South (8.6%)" in answer.text
    assert "4.4 percentage points above Leeds (5.5%)" in answer.text
    assert answer.reading == "NEET 16-18 (%), JESS cluster, 31 Mar 2013"
    assert "Inner South Area Committee (19 Jun 2013), §3.5.1" in answer.text


def test_change_is_worded_by_polarity(bot: Briefbot) -> None:
    rising = bot.ask("CP plans JESS")
    assert "Up from 93 at 31 Mar 2012 (56 more, 60%): increasing." in rising.text
    improving = bot.ask("core assessments on time")
    assert "Up from 58% in 2005/06 (10 percentage points higher): improving." in improving.text


def test_comparison_is_like_for_like(bot: Briefbot) -> None:
    answer = bot.ask("CP rate Leeds vs England")
    assert answer.headline == (
        "Child protection plan rate at 31 Mar 2025: Leeds 36.0 per 10,000; England 40.6 per 10,000."
    )
    assert {fact.period_end for fact in answer.facts} == {date(2025, 3, 31)}
    older = bot.ask("CP rate Leeds vs England 2014")
    assert {fact.period_end for fact in older.facts} == {date(2014, 3, 31)}


def test_official_figures_revise_rounded_report_figures_and_keep_history(bot: Briefbot) -> None:
    answer = bot.ask("cp rate leeds 2016")
    assert answer.facts[0].display == "34.7 per 10,000"  # LAIT; the 2019 report printed 35
    assert "Local Authority Interactive Tool" in answer.facts[0].source
    agreeing = bot.ask("LAC rate leeds 2017")
    assert "Scrutiny Board (Children and Families)" in agreeing.facts[0].source  # LAIT agrees: citation kept


def test_statistical_neighbours_are_listed_for_the_same_period(bot: Briefbot) -> None:
    answer = bot.ask("LAC rate Leeds vs statistical neighbours")
    names = {fact.geography_name for fact in answer.facts}
    assert {"Leeds", "Sheffield", "Portsmouth", "Croydon"} <= names
    assert {fact.period_end for fact in answer.facts} == {date(2025, 3, 31)}
    assert "Leeds ranks 4th of 11, highest first." in answer.text


def test_no_data_says_what_exists_instead(bot: Briefbot) -> None:
    answer = bot.ask("CP plans Middleton Park")
    assert answer.headline == "No figures on child protection plans for Middleton Park ward."
    assert "The Beeston, Cottingley and Middleton cluster had 52 at 31 Mar 2013." in answer.text


def test_unknown_words_are_named_with_suggestions(bot: Briefbot) -> None:
    answer = bot.ask("NEET in Narnia")
    assert answer.headline == "Sorry, I didn't understand “narnia”."
    typo = bot.ask("cildren lookd after")
    assert typo.status is Status.ANSWER and typo.facts[0].indicator == "LAC_COUNT"


def test_help_examples_all_answer(bot: Briefbot) -> None:
    answer = bot.ask("help")
    assert len(answer.options) >= 5
    for option in answer.options:
        assert bot.ask(option.question).status is Status.ANSWER, option.question


def test_follow_ups_answer(bot: Briefbot) -> None:
    for option in bot.ask("NEET in JESS").follow_ups:
        assert bot.ask(option.question).status in {Status.ANSWER, Status.NO_DATA}, option.question


def test_trend_has_series_and_comparators(bot: Briefbot) -> None:
    answer = bot.ask("trend CP rate Leeds")
    series = [fact.display.removesuffix(" per 10,000") for fact in answer.facts if fact.role == "series"]
    assert series == [
        "62",  # the 2019 report's own precision
        "47",
        "38",
        "34.7",
        "31.3",
        "31.4",
        "23.8",
        "33.5",
        "32.1",
        "35.6",
        "34.9",
        "38.7",
        "36.0",
    ]
    assert answer.chart is not None and len(answer.chart.series) == 4  # type: ignore[union-attr]


def test_ambiguous_place_with_data_in_both_asks_back(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'clarify.sqlite3'}")
    prepare(engine, seed=True)
    ward = ObservationInput(
        "CPP_COUNT", "E05012647", snapshot(date(2020, 3, 31)), 40.0, source_document="test", source_locator="row 1"
    )
    with Session(engine) as session, session.begin():
        write_observations(session, [ward], actor="test", channel="cli", reason="test")
    bot = Briefbot(engine, today=lambda: TODAY, strict=True)
    answer = bot.ask("CP plans Beeston")
    assert answer.status is Status.CLARIFY
    labels = [option.label for option in answer.options]
    assert labels == [
        "Beeston, Cottingley and Middleton cluster (school cluster)",
        "JESS cluster (school cluster, takes in Beeston Hill)",
        "Beeston & Holbeck ward (ward)",
    ]
    chosen = bot.ask(answer.options[2].question)
    assert chosen.status is Status.ANSWER and chosen.facts[0].geography == "E05012647"
    assert chosen.facts[0].value == 40


def _store_figures(bot: Briefbot) -> set[tuple[str, str, str, float | None]]:
    with Session(bot.engine) as session:
        return {
            (row["indicator"], row["geography"], row["period_end"], float(row["value"]) if row["value"] else None)
            for row in export_rows(session)
        }


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=80))
def test_any_text_gets_a_status_and_only_stored_figures(bot: Briefbot, text: str) -> None:
    answer = bot.ask(text)
    assert answer.status in set(Status)
    assert answer.text
    _only_stored_figures(bot, answer)


WORDS = [
    "neet",
    "cp",
    "plans",
    "jess",
    "bcm",
    "beeston",
    "leeds",
    "vs",
    "england",
    "trend",
    "since",
    "2012",
    "31/3/13",
    "2011/12",
    "compare",
    "across",
    "inner",
    "south",
    "kids",
    "in",
    "care",
    "rate",
    "what",
    "<@U1>",
    "help",
    "target",
    "lac",
    "march",
    "statistical",
    "neighbours",
    "middleton",
    "park",
    "?",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(WORDS), max_size=8))
def test_word_salad_of_known_words(bot: Briefbot, words: list[str]) -> None:
    answer = bot.ask(" ".join(words))
    assert answer.status in set(Status)
    _only_stored_figures(bot, answer)


def _only_stored_figures(bot: Briefbot, answer: Answer) -> None:
    """Every figure is a stored one; a group's average is made from its members' figures in the same answer
    (unweighted, as DfE's LAIT makes it)."""
    figures = _figures_of(bot)
    for fact in answer.facts:
        if fact.role == "average":
            members = [
                other.value
                for other in answer.facts[1:]
                if other.role == "comparator" and other.geography_type == "local_authority"
            ]
            held = [value for value in members if value is not None]
            assert fact.value == pytest.approx(sum(held) / len(held))
            continue
        assert (fact.indicator, fact.geography, fact.period_end.isoformat(), fact.value) in figures


_STORE_CACHE: dict[str, set[tuple[str, str, str, float | None]]] = {}


def _figures_of(bot: Briefbot) -> set[tuple[str, str, str, float | None]]:
    if "figures" not in _STORE_CACHE:
        _STORE_CACHE["figures"] = _store_figures(bot)
    return _STORE_CACHE["figures"]


def test_cli_json_and_stdin(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    result = runner.invoke(
        main, ["--database-url", url, "ask", "NEET in JESS", "--json", "--chart-dir", str(tmp_path / "charts")]
    )
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["status"] == "answer"
    assert payload["facts"][0] == {
        "role": "asked",
        "indicator": "NEET_PCT",
        "indicator_name": "Young people aged 16-18 not in education, employment or training (%)",
        "measure": "NEET 16-18 (%)",
        "geography": JESS,
        "geography_name": "JESS cluster",
        "geography_type": "school_cluster",
        "period_start": "2013-03-31",
        "period_end": "2013-03-31",
        "period_label": "31/3/13",
        "period_display": "31 Mar 2013",
        "value": 9.9,
        "display": "9.9%",
        "source": "Update Report from Children's Services: report to Inner South Area Committee (19 Jun 2013), §3.5.1",
    }
    assert Path(payload["chart"]).read_bytes().startswith(b"\x89PNG")
    lines = runner.invoke(main, ["--database-url", url, "ask", "-"], input="CP plans BCM\nbanana\n\nhelp\n")
    statuses = [json.loads(line)["status"] for line in lines.output.splitlines()]
    assert statuses == ["answer", "not_understood", "help"]
