"""Charts say what the words say (issue 23, class 5): the chart spec an answer carries against its own text."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from bot.briefbot import Briefbot
from charts.specs import TrendChart
from data import db
from data.store import prepare

TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Briefbot]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('chart_words') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield Briefbot(engine, today=lambda: TODAY, strict=True)
    engine.dispose()


def _trend(bot: Briefbot, question: str) -> tuple[str, TrendChart]:
    answer = bot.ask(question)
    assert isinstance(answer.chart, TrendChart), answer.text
    return answer.text, answer.chart


@pytest.mark.parametrize(
    ("question", "in_words"),
    [
        # A report's rounded 62, then DfE's 36.0: each end as the sentence prints it.
        ("trend CP rate Leeds", ("62 per 10,000", "36.0 per 10,000")),
        ("child protection rate in leeds in 2016", ("62 per 10,000", "34.7 per 10,000")),
        ("trend lac rate leeds", ("76 per 10,000", "85 per 10,000")),
    ],
)
def test_the_title_gives_the_figures_the_text_gives(bot: Briefbot, question: str, in_words: tuple[str, str]) -> None:
    text, chart = _trend(bot, question)
    first, last = in_words
    assert last in text, text  # a single year's answer states only the end; a trend's text states both
    assert f"from {first.split()[0]} to {last}" in chart.title, chart.title
    focus = next(line for line in chart.series if line.focus)
    held = [point for point in focus.points if point.value is not None]
    assert chart.value_format.text(held[-1].value, decimals=held[-1].decimals) == last


@pytest.mark.parametrize("question", ["cp rate leeds 2016", "looked after children rate leeds in 2019"])
def test_a_chart_for_a_year_ends_every_line_there(bot: Briefbot, question: str) -> None:
    _, chart = _trend(bot, question)
    asked = int(question.rsplit(maxsplit=1)[-1])
    assert max(point.when.year for point in chart.series[0].points) == asked
    for line in chart.series:
        assert all(point.when.year <= asked for point in line.points), line.name


@pytest.mark.parametrize("question", ["trend CP rate Leeds", "cp plans leeds since 2015", "trend lac rate leeds"])
def test_the_subtitle_says_the_day_once(bot: Briefbot, question: str) -> None:
    _, chart = _trend(bot, question)
    assert chart.subtitle.lower().count("31 march") <= 1, chart.subtitle


@pytest.mark.parametrize(
    "question", ["trend CP rate Leeds", "cp plans leeds since 2015", "trend lac rate leeds", "cp plans jess since 2012"]
)
def test_the_title_and_the_text_agree_on_the_direction(bot: Briefbot, question: str) -> None:
    text, chart = _trend(bot, question)
    if "Down overall" in text:
        assert " fell from " in chart.title, (text, chart.title)
    elif "Up overall" in text:
        assert " rose from " in chart.title, (text, chart.title)
    else:
        pytest.fail(f"no direction in the text: {text}")
