"""Issue 23, classes 1, 2, 3 (part) and 8: two periods of one place, counts of places of different size, the
words councillors use, and small wording defects. Each figure is checked against the seed paragraph or the
reference row it comes from (cited beside it)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.answer import Answer, Status
from bot.briefbot import Briefbot
from bot.figures.answering.formatting import difference, percent_change
from bot.figures.language.lexicon import load_lexicon
from bot.figures.language.periods import extract_periods
from bot.figures.language.spelling import corrected
from bot.figures.language.understanding import QUESTION_WORDS
from charts.specs import ComparisonChart, TrendChart
from data import db
from data.store import prepare

TODAY = date(2026, 11, 22)
JESS, BCM, LEEDS, BRADFORD, ENGLAND = "cluster-jess", "cluster-bcm", "E08000035", "E08000032", "E92000001"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Briefbot]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('next') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield Briefbot(engine, today=lambda: TODAY, strict=True)
    engine.dispose()


def figures(answer: Answer, role: str = "asked") -> list[tuple[str, str, str, float | None]]:
    return [
        (fact.indicator, fact.geography, fact.period_end.isoformat(), fact.value)
        for fact in answer.facts
        if fact.role == role
    ]


# --- 1. Two periods, one place -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "child protection plans jess 2012 and 2013",
        "jess cp plans 2013 compared with 2012",
        "cpp in jess between 2012 and 2013",
        "child protection plans in jess 31/3/12 vs 31/3/13",
    ],
)
def test_two_periods_of_one_place_give_both_figures_and_the_change(bot: Briefbot, question: str) -> None:
    # Seed 000 §3.1.2: "149 on a plan at 31/3/13 (93 at 31/3/12)" in JESS; 56 more is 60%.
    answer = bot.ask(question)
    assert answer.status is Status.ANSWER, answer.text
    assert figures(answer) == [
        ("CPP_COUNT", JESS, "2012-03-31", 93.0),
        ("CPP_COUNT", JESS, "2013-03-31", 149.0),
    ]
    assert "Up from 93 at 31 Mar 2012 (56 more, 60%)" in answer.text
    assert "no period in common" not in answer.text and "statistical neighbours" not in answer.text


def test_a_city_figure_years_apart_from_two_reports(bot: Briefbot) -> None:
    # Seed 001 §5.6: 9.0% in November 2006; seed 000 §3.5.1: a city level of 5.5% on 31/3/13.
    answer = bot.ask("neet in leeds between 2006 and 2013")
    assert figures(answer) == [
        ("NEET_PCT", LEEDS, "2006-11-30", 9.0),
        ("NEET_PCT", LEEDS, "2013-03-31", 5.5),
    ]
    assert "Down from 9.0% in Nov 2006 (3.5 percentage points lower): improving." in answer.text


def test_financial_years_and_a_report_table(bot: Briefbot) -> None:
    # LAIT rows 1763 and 1854: CPP_Total_Rateper10,000, Leeds, 2017 695.8 and 2024 568.8.
    answer = bot.ask("referral rate leeds 2016/17 vs 2023/24")
    assert [value for *_, value in figures(answer)] == [695.8, pytest.approx(568.8)]
    assert "127.0 per 10,000 lower" in answer.text
    # Seed 002, "Performance measures 2011 to 2018": CP rate 62 in 2013 and 47 in 2014.
    table = bot.ask("cp rate leeds 2014 against 2013")
    assert [value for *_, value in figures(table)] == [62.0, 47.0]
    assert "Down from 62 per 10,000 at 31 Mar 2013 (15 per 10,000 lower)" in table.text


def test_two_definitions_are_never_one_change(bot: Briefbot) -> None:
    # NEET 16-18 to 2013 (seed 000 §3.5.1: 5.5%) and DfE's 16-17 from 2018: no change is drawn across them.
    answer = bot.ask("leeds neet 2013 v 2024")
    assert {fact.indicator for fact in answer.facts} == {"NEET_PCT", "NEET_16_17_PCT"}
    assert "different definitions" in answer.text
    assert "Up from" not in answer.text and "Down from" not in answer.text


def test_a_period_not_held_is_said_and_no_change_invented(bot: Briefbot) -> None:
    answer = bot.ask("neet bcm 2011 vs 2013")
    assert answer.status is Status.NO_DATA
    assert "No figure on NEET 16-18 (%) for 2011, so no change can be given" in answer.text
    # Seed 000 §3.5.1: 71 in Beeston, Cottingley and Middleton (6.1%).
    assert figures(answer) == [("NEET_PCT", BCM, "2013-03-31", 6.1)]


def test_two_places_are_still_places(bot: Briefbot) -> None:
    answer = bot.ask("neet jess vs bcm 2013")
    assert figures(answer)[0][:2] == ("NEET_PCT", JESS)
    assert "Beeston, Cottingley and Middleton cluster" in answer.headline


# --- 2. Counts of places of different size --------------------------------------------------------------------


def test_cluster_counts_are_compared_per_child_from_the_populations_held(bot: Briefbot) -> None:
    # Seed 000 §3.1.2: 214 looked after from JESS, 88 from BCM; §2.3 and §2.5: 0-18 populations 11,132 and
    # 8,362 (Jan 2013). 214 / 11,132 = 192.2 and 88 / 8,362 = 105.2 per 10,000.
    answer = bot.ask("looked after children bcm compared with jess")
    assert [value for *_, value in figures(answer, "related")] == [8362.0, 11132.0]
    text = answer.text
    assert "derived here from the populations held" in text
    assert "Beeston, Cottingley and Middleton cluster 105.2 per 10,000; JESS cluster 192.2 per 10,000" in text
    assert "Allowing for size, Beeston, Cottingley and Middleton cluster is 87.0 per 10,000 below JESS" in text
    chart = answer.chart
    assert isinstance(chart, ComparisonChart)
    assert [round(bar.value or 0, 1) for bar in chart.bars] == [192.2, 105.2]
    assert "per 10,000" in chart.subtitle and "highest" not in chart.title


def test_the_rate_can_reverse_what_the_counts_say(bot: Briefbot) -> None:
    # B1 rows 11 and 14, At31_episodes 2025: Bradford 4,910, Leeds 5,775. ONS mid-2024 0-17 (rows 11 and 14):
    # Bradford 142,483, Leeds 176,239: 344.6 and 327.7 per 10,000, the other way round.
    answer = bot.ask("number of children in need leeds v bradford")
    assert [value for *_, value in figures(answer, "asked") + figures(answer, "comparator")] == [5775.0, 4910.0]
    assert "Leeds 327.7 per 10,000; Bradford 344.6 per 10,000" in answer.text
    assert "Leeds is 16.9 per 10,000 below Bradford" in answer.text
    assert "the other way round from the counts" in answer.text


def test_an_area_s_parts_are_not_ranked_on_counts(bot: Briefbot) -> None:
    answer = bot.ask("compare child protection plans across inner south")
    assert "Highest:" not in answer.text
    # Seed 000 §3.1.2 and §2.3/§2.5: 149 / 11,132 = 133.8; 52 / 8,362 = 62.2.
    assert "JESS cluster 133.8 per 10,000; Beeston, Cottingley and Middleton cluster 62.2 per 10,000" in answer.text


def test_a_count_trend_chart_keeps_places_of_its_own_size(bot: Briefbot) -> None:
    chart = bot.ask("children looked after leeds trend").chart
    assert isinstance(chart, TrendChart)
    assert [line.name for line in chart.series if not line.name.startswith("Leeds")] == []


# --- 3. Words councillors use ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "indicators", "place"),
    [
        ("chidren in need in leeds", {"CIN_COUNT", "CIN_RATE"}, LEEDS),
        ("childern looked after jess", {"LAC_COUNT"}, JESS),
        ("neeet bcm", {"NEET_PCT"}, BCM),
        ("NEEt inner south", {"NEET_PCT"}, "leeds-cc-inner-south"),
        ("child protecton plans bcm", {"CPP_COUNT"}, BCM),
        ("looked-after children bcm", {"LAC_COUNT"}, BCM),
        ("refferal rate leeds", {"LAIT_CPP_TOTAL_RATEPER10000"}, LEEDS),
    ],
)
def test_misspellings_of_the_main_words_are_forgiven(
    bot: Briefbot, question: str, indicators: set[str], place: str
) -> None:
    answer = bot.ask(question)
    assert answer.status is Status.ANSWER, answer.text
    assert answer.facts[0].indicator in indicators and answer.facts[0].geography == place


def test_near_words_of_other_measures_are_not_mistaken(tmp_path: Path) -> None:
    engine = db.make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    prepare(engine, seed=True)
    with Session(engine) as session:
        lexicon = load_lexicon(session)
    engine.dispose()
    # "need" is children in need, not NEET; SEND is not "spend"; teens are not Stockton-on-Tees.
    words = ["need", "neet", "send", "teens", "ending", "carer", "placements", "fostered"]
    fixed, typos = corrected(words, lexicon, QUESTION_WORDS)
    assert fixed == words and typos == {}


def test_need_and_neet_stay_apart(bot: Briefbot) -> None:
    assert bot.ask("children in need leeds").facts[0].indicator.startswith("CIN")
    assert bot.ask("neet leeds").facts[0].indicator.startswith("NEET")


def test_overall_absence_is_overall_not_primary(bot: Briefbot) -> None:
    # LAIT row 242: TotAbs, 2024 (2023/24), Leeds 7.44.
    for question in ("overall absence in leeds 2023/24", "total absence leeds 2023/24"):
        answer = bot.ask(question)
        assert figures(answer)[0][:3] == ("LAIT_TOTABS", LEEDS, "2024-08-31"), answer.text
        assert "7.44%" in answer.headline
    assert bot.ask("overall absence primary leeds").facts[0].indicator == "ABSENCE_PRIMARY_PCT"


@pytest.mark.parametrize("question", ["neet target for 2010", "what was leeds' neet target", "NEET target 2010"])
def test_a_target_can_be_asked_for_directly(bot: Briefbot, question: str) -> None:
    # Seed 001 §5.6: "The local PSA target for Leeds, for 2010, is to reduce the proportion of 16-18 year olds
    # who are NEET to 6.8%"; 9.0% in November 2006 is the figure before it.
    answer = bot.ask(question)
    assert answer.headline.startswith("Local PSA target for 2010: 6.8%")
    assert "30 Nov 2010" not in answer.text
    assert "9.0% in Nov 2006" in answer.text
    assert any("§5.6" in source for source in answer.sources)


def test_no_target_held_is_said_plainly(bot: Briefbot) -> None:
    answer = bot.ask("is there a target for children in care")
    assert "No target is held for children looked after in Leeds." in answer.text


# --- 8. Small wording defects --------------------------------------------------------------------------------


def test_a_small_change_keeps_a_decimal_and_one_point_is_singular() -> None:
    assert percent_change(5000, 4986) == "-0.3%"
    assert percent_change(100_000, 100_001) == "less than 0.1%"
    assert percent_change(93, 149) == "60%"
    assert difference(1.0, "percent", 2) == "1.00 percentage point"
    assert difference(1.0, "percent", 1) == "1.0 percentage point"
    assert difference(1.2, "percent", 1) == "1.2 percentage points"


def test_two_bars_say_higher_and_counts_say_more(bot: Briefbot) -> None:
    # Seed 000 §3.5.1: JESS 9.9%, BCM 6.1%.
    chart = bot.ask("neet jess vs bcm").chart
    assert isinstance(chart, ComparisonChart)
    assert chart.title.startswith("JESS had a higher NEET 16-18 than BCM: 9.9% against 6.1%")
    assert "'s" not in chart.title and "highest" not in chart.title


@pytest.mark.parametrize("question", ["knife crime", "teenage pregnancy rates", "exclusions"])
def test_a_question_not_understood_is_offered_nothing_unrelated(bot: Briefbot, question: str) -> None:
    answer = bot.ask(question)
    assert answer.status is Status.NOT_UNDERSTOOD, answer.text
    # Before: "Child protection plans in England", "Leeds statistical neighbours" for "exclusions".
    assert [option.question for option in answer.options] == ["help"]


def test_a_place_not_understood_keeps_the_measure_asked(bot: Briefbot) -> None:
    answer = bot.ask("neet in narnia")
    assert [option.question for option in answer.options] == ["neet in Leeds"]


def test_no_shared_period_names_only_the_places_asked_and_the_period(bot: Briefbot) -> None:
    # Seed 000 §3.1.2: 149 in JESS at 31/3/13; Leeds' own count is held from 2016 (LAIT), not for 2013.
    answer = bot.ask("cp plans jess vs leeds 2013")
    assert "No figures on child protection plans for Leeds for 2013." in answer.text
    assert "Portsmouth" not in answer.text and "statistical neighbours" not in answer.text


def test_from_one_year_to_another_is_a_trend_that_ends_there(bot: Briefbot) -> None:
    # Seed 002, "Performance measures 2011 to 2018": CP rate 47 in 2014; the trend stops at 31 Mar 2017.
    answer = bot.ask("cp rate leeds from 2014 to 2017")
    series = [fact for fact in answer.facts if fact.role == "series"]
    assert (series[0].period_end, series[-1].period_end) == (date(2014, 3, 31), date(2017, 3, 31))
    assert series[0].value == 47.0


def test_periods_are_read_oldest_first() -> None:
    found, _rest, problems = extract_periods("neet 2013/14 vs 2012/13", TODAY)
    assert [period.description for period in found] == ["2012/13", "2013/14"] and not problems
    since, _rest, _problems = extract_periods("from 2010 to 2013", TODAY)
    assert len(since) == 1 and since[0].since and since[0].end == date(2013, 12, 31)
