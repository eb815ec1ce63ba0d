"""Follow-ups in a thread, read and answered: each part of the last question replaced only by what the follow-up
says; a question that stands alone answered as itself; nothing carried from another thread or after expiry.
Figures are checked against their source: seed report 000 §3.1.2 and §3.5.1, LAIT CPP_rate rows, and the DfE
children looked after file (row 285: Leeds, 31 Mar 2022, 1,374 and 81 per 10,000)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.answer import Answer, Status
from bot.app.cli import Context, main
from bot.app.settings import SettingError, Settings
from bot.briefbot import Briefbot
from bot.figures.language import followups
from bot.figures.language.understanding import Intent, Question
from data import db
from data.store import prepare

TODAY = date(2026, 11, 22)
JESS, BCM, LEEDS, ENGLAND, INNER_SOUTH = "cluster-jess", "cluster-bcm", "E08000035", "E92000001", "leeds-cc-inner-south"


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Briefbot]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('followups') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield Briefbot(engine, today=lambda: TODAY, strict=True)
    engine.dispose()


def places_of(question: Question) -> list[str]:
    return [code for mention in question.places for code, _ in mention.candidates]


def read(bot: Briefbot, previous: str, follow: str) -> followups.Reading:
    return followups.read_in_thread(bot.understand(follow), bot.understand(previous))


# (last question, follow-up, standalone text it becomes, intent, parts carried over)
CARRIED = [
    ("NEET in JESS", "and 2022?", "neet jess 2022", Intent.VALUE, ("measure", "place")),
    ("NEET in JESS", "how does that compare to england", "neet jess vs england", Intent.COMPARE, ("measure", "place")),
    ("NEET in JESS", "what about bcm?", "neet bcm", Intent.VALUE, ("measure",)),
    ("cp plans jess", "and the rate?", "cp plans rate jess", Intent.VALUE, ("“cp plans”", "place")),
    ("NEET in BCM 2013", "same for Beeston", "neet beeston 2013", Intent.VALUE, ("measure", "period")),
    ("cp rate leeds", "what was it in 2010", "cp rate leeds 2010", Intent.VALUE, ("measure", "place")),
    # phrasings of our own
    ("lac leeds 2022", "ok, and the year before that?", "lac leeds 2022", Intent.VALUE, ("measure", "place", "period")),
    ("cp plans jess 2012", "what about inner south", "cp plans inner south 2012", Intent.VALUE, ("measure", "period")),
    ("cp rate leeds vs england", "and 2019?", "cp rate leeds vs england 2019", Intent.COMPARE, ("measure", "place")),
    ("cp rate leeds vs england", "what about bradford?", "cp rate bradford vs england", Intent.COMPARE, ("measure",)),
    (
        "cp rate",
        "compared with statistical neighbours?",
        "cp rate leeds vs statistical neighbours",
        Intent.COMPARE,
        ("measure",),
    ),
    ("children in need leeds", "and the trend?", "trend children in need leeds", Intent.TREND, ("measure", "place")),
    ("cp plans jess 2012", "over time?", "trend cp plans jess", Intent.TREND, ("measure", "place")),
    ("trend cp plans jess", "and in 31/3/12?", "cp plans jess 31/3/2012", Intent.VALUE, ("measure", "place")),
    ("cp plans jess since 2010", "what about bcm", "cp plans bcm since 2010", Intent.TREND, ("measure", "period")),
    (
        "compare neet across inner south",
        "and 2012",
        "neet across inner south 2012",
        Intent.COMPARE,
        ("measure", "place"),
    ),
    ("what do we know about bcm", "and neet?", "neet bcm", Intent.VALUE, ("place",)),
    ("neet in bcm", "cp plans there?", "cp plans bcm", Intent.VALUE, ("place",)),
    ("lac leeds", "how many was that in 2011/12", "number of lac leeds 2011/12", Intent.VALUE, ("“lac”", "place")),
    ("lac leeds", "vs england", "lac leeds vs england", Intent.COMPARE, ("measure", "place")),
]


@pytest.mark.parametrize(("previous", "follow", "text", "intent", "carried"), CARRIED)
def test_a_follow_up_takes_the_last_questions_parts_it_does_not_say(
    bot: Briefbot, previous: str, follow: str, text: str, intent: Intent, carried: tuple[str, ...]
) -> None:
    reading = read(bot, previous, follow)
    assert (reading.question.text, reading.question.intent, reading.carried) == (text, intent, carried)
    assert reading.question.unknown_words == ()


@pytest.mark.parametrize(
    "question",
    [
        "NEET in BCM",  # a figure and a place: complete, whatever came before
        "and cp plans in jess?",
        "bcm",  # a place alone asks for its overview
        "what do we know about Middleton Park?",
        "cp plans",  # a figure alone is the city's
        "what about crime?",  # a topic not held is said plainly, not answered with the last figure
        "and crime in bcm",
        "thanks",
        "help",
    ],
)
def test_a_question_that_stands_alone_is_read_as_itself(bot: Briefbot, question: str) -> None:
    asked = bot.understand(question)
    reading = followups.read_in_thread(asked, bot.understand("NEET in JESS 2012"))
    assert reading.question == asked and reading.carried == () and reading.missing == ()


@pytest.mark.parametrize(
    ("follow", "missing"),
    [
        ("and 2022?", ("figure", "place")),
        ("the rate?", ("figure", "place")),
        ("what about bcm?", ("figure",)),
        ("how does that compare to england", ("figure", "place")),
        ("what about cp plans?", ("place",)),
    ],
)
def test_a_follow_up_with_nothing_before_it_says_what_it_lacks(
    bot: Briefbot, follow: str, missing: tuple[str, ...]
) -> None:
    assert followups.read_in_thread(bot.understand(follow), None).missing == missing


def test_a_question_survives_its_json(bot: Briefbot) -> None:
    for text in ("cp rate leeds vs england since 2012", "neet across inner south 2011/12", "number of lac leeds"):
        question = bot.understand(text)
        assert followups.from_json(followups.to_json(question)) == question


# -- answered in a thread ----------------------------------------------------------------------------------
def asked_fact(answer: Answer, role: str = "asked") -> tuple[str, str, str, float | None]:
    fact = next(fact for fact in answer.facts if fact.role == role)
    return fact.indicator, fact.geography, fact.period_end.isoformat(), fact.value


def test_seed_report_figures_through_a_thread(bot: Briefbot) -> None:
    thread = "test:seed-report"
    assert asked_fact(bot.ask("cp plans jess", thread=thread))[1:] == (JESS, "2013-03-31", 149)
    # "93 at 31/3/12" (000 §3.1.2)
    earlier = bot.ask("and at the end of march 2012?", thread=thread)
    assert asked_fact(earlier)[1:] == (JESS, "2012-03-31", 93)
    assert earlier.reading.endswith("(measure and place from your last question)")
    # "52 on a plan at 31/3/13 (59 at 31/3/12)" in Beeston, Cottingley and Middleton
    bcm = bot.ask("what about bcm?", thread=thread)
    assert asked_fact(bcm)[1:] == (BCM, "2012-03-31", 59)
    assert "Child protection plans (number), Beeston, Cottingley and Middleton cluster, 31 Mar 2012" in bcm.text
    assert bcm.reading.endswith("(measure and period from your last question)")
    # NEET, 000 §3.5.1: "71 in Beeston, Cottingley and Middleton (6.1%) ... a city level of 5.5% on 31/3/13"
    assert asked_fact(bot.ask("neet in bcm", thread=thread))[1:] == (BCM, "2013-03-31", 6.1)
    versus = bot.ask("how does that compare with the city?", thread=thread)
    assert {(fact.geography, fact.value) for fact in versus.facts} >= {(BCM, 6.1), (LEEDS, 5.5)}
    assert "vs Leeds (measure and place from your last question)" in versus.text


def test_official_figures_through_a_thread(bot: Briefbot) -> None:
    thread = "test:official"
    bot.ask("CP rate Leeds vs England", thread=thread)
    # LAIT CPP_rate rows 788 and 793: Leeds 23.8, England 44.5 per 10,000 at 31 Mar 2019.
    answer = bot.ask("and in 2019?", thread=thread)
    assert {(fact.geography, fact.period_end.isoformat(), fact.value) for fact in answer.facts} == {
        (LEEDS, "2019-03-31", 23.8),
        (ENGLAND, "2019-03-31", 44.5),
    }
    bot.ask("kids in care leeds", thread=thread)
    assert asked_fact(bot.ask("what was it in 2022", thread=thread)) == ("LAC_COUNT", LEEDS, "2022-03-31", 1374)
    rate = bot.ask("and the rate?", thread=thread)
    assert asked_fact(rate) == ("LAC_RATE", LEEDS, "2022-03-31", 81)
    assert "(“kids in care”, place and period from your last question)" in rate.text


def test_threads_do_not_share_questions(bot: Briefbot) -> None:
    bot.ask("NEET in JESS", thread="test:one")
    elsewhere = bot.ask("and 2013?", thread="test:two")
    assert elsewhere.status is Status.CLARIFY and elsewhere.facts == ()
    assert elsewhere.headline == "Which figure and place do you mean by “and 2013?”?"
    assert "There is no earlier question in this thread" in elsewhere.text
    assert asked_fact(bot.ask("and 2013?", thread="test:one"))[1:] == (JESS, "2013-03-31", 9.9)


def test_a_question_outside_any_thread_is_answered_as_itself(bot: Briefbot) -> None:
    bot.ask("NEET in JESS", thread="test:cli")
    assert bot.ask("and 2013?").status is not Status.ANSWER


def test_a_thread_forgets_after_its_expiry(bot: Briefbot) -> None:
    now = [datetime(2026, 11, 22, 9, 0, tzinfo=UTC)]
    bot.threads.clock = lambda: now[0]
    try:
        bot.ask("cp plans jess", thread="test:expiry")
        now[0] += timedelta(hours=1, minutes=59)
        assert asked_fact(bot.ask("and 2012?", thread="test:expiry"))[2:] == ("2012-03-31", 93)
        now[0] += timedelta(hours=2, minutes=1)  # two hours after the follow-up, the thread's last question
        late = bot.ask("what about bcm?", thread="test:expiry")
        assert late.status is Status.CLARIFY and late.facts == ()
        assert "more than 2 hours ago, so I don't carry it over" in late.text
        assert [option.question for option in late.options] == ["what do we know about bcm"]
    finally:
        bot.threads.clock = lambda: datetime.now(UTC)


def test_a_question_not_understood_leaves_the_threads_last_question(bot: Briefbot) -> None:
    bot.ask("NEET in JESS", thread="test:keeps")
    bot.ask("what about crime?", thread="test:keeps")
    assert asked_fact(bot.ask("and in bcm?", thread="test:keeps"))[1:] == (BCM, "2013-03-31", 6.1)


def test_recommendation_questions_in_a_thread_are_not_follow_ups(bot: Briefbot) -> None:
    bot.ask("cp plans jess", thread="test:recs")
    answer = bot.ask("what changed since March 2011?", thread="test:recs")
    assert answer.reading == "recommendation updates since Mar 2011"


# -- the command line ---------------------------------------------------------------------------------------
def test_ask_continues_a_named_session_across_runs(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    lines = runner.invoke(
        main,
        ["--database-url", url, "ask", "-", "--session", "ward-surgery"],
        input="cp plans jess\nand at 31/3/12?\n",
    ).output.splitlines()
    asked = [json.loads(line)["facts"][0] for line in lines]
    assert [(fact["geography"], fact["period_end"], fact["value"]) for fact in asked] == [
        (JESS, "2013-03-31", 149),
        (JESS, "2012-03-31", 93),
    ]
    # A later run (a new process, a new engine) continues the session; without it nothing is carried.
    later = runner.invoke(main, ["--database-url", url, "ask", "what about bcm?", "--session", "ward-surgery"])
    assert later.output.startswith(
        "Child protection plans, Beeston, Cottingley and Middleton cluster: 59 at 31 Mar 2012"
    )
    assert "(measure and period from your last question)" in later.output
    alone = runner.invoke(main, ["--database-url", url, "ask", "what about bcm?", "--session", "another"])
    assert alone.output.startswith("Which figure do you mean by “what about bcm?”?")


def test_how_long_a_thread_remembers_is_a_setting(tmp_path: Path) -> None:
    assert Settings.from_env({}, env_file=None).thread_memory == timedelta(hours=2)
    settings = Settings.from_env(
        {"BRIEFBOT_THREAD_MEMORY_MINUTES": "45", "DATABASE_URL": f"sqlite:///{tmp_path / 's.sqlite3'}"}, env_file=None
    )
    assert settings.thread_memory == timedelta(minutes=45)
    assert Context(settings).briefbot().threads.expiry == timedelta(minutes=45)
    for wrong in ("0", "two hours", "-5"):
        with pytest.raises(SettingError, match="BRIEFBOT_THREAD_MEMORY_MINUTES"):
            Settings.from_env({"BRIEFBOT_THREAD_MEMORY_MINUTES": wrong}, env_file=None)
