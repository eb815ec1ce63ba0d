"""Recommendations (issue 13): the seed against its documents, the store on SQLite and PostgreSQL, questions,
officers' changes (preview, confirm, undo, refusals) and the command line."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from alembic import command
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.answer import Status
from bot.app.cli import main
from bot.briefbot import Briefbot
from bot.figures.updates import Access, Actor, Roles, Updates
from bot.recommendations.updates import RecUpdates
from charts.specs import StatusChart
from data import db
from data import recommendations as recs
from data.figures.catalogue import SEED_DIR
from data.models import AuditLog, ChangeSet, RecommendationUpdate
from data.recommendations import RecFilter
from data.store import prepare
from tests.conftest import BACKENDS

TODAY = date(2026, 11, 22)
OFFICER = Actor("slack", "U-officer", "Jo Officer")
OTHER = Actor("slack", "U-other", "Sam Other")
ADMIN = Actor("slack", "U-admin", "Ash Admin")
READER = Actor("slack", "U-reader", "Councillor")
PLAN = "improvement-plan-2011"
REPORTS = SEED_DIR / "reports"


def _rows(name: str) -> list[dict[str, str]]:
    with (SEED_DIR / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _words(text: str) -> list[str]:
    """A text's words, markup gone ("7 <sup>th</sup>" is "7th"), for comparing text with text."""
    text = re.sub(r"\s*<sup>(.*?)</sup>", r"\1", text)
    return re.findall(r"\w+", re.sub(r"<[^>]+>", " ", text))


def _in_order(words: list[str], document: list[str], gap: int = 40) -> bool:
    """Every word in the document, in order, each within `gap` words of the one before: the text as written,
    read across the table's columns (the Stage column splits some sentences)."""
    starts = [index for index, word in enumerate(document) if word == words[0]]
    return any(_follows(words[1:], document, start, gap) for start in starts)


def _follows(words: list[str], document: list[str], at: int, gap: int) -> bool:
    for word in words:
        window = document[at + 1 : at + 1 + gap]
        if word not in window:
            return False
        at += 1 + window.index(word)
    return True


def _summary_table(document: str) -> dict[int, tuple[int, int, int]]:
    """004's own Summary table, read from the report: theme -> (Improvement Board, other body, closed)."""
    table = document[document.index("\n## Summary\n") :]
    rows = re.findall(r"^(\d)\t([\d-]+)\t([\d-]+)\t([\d-]+)$", table, flags=re.M)
    return {int(theme): tuple(0 if cell == "-" else int(cell) for cell in cells) for theme, *cells in rows}  # type: ignore[misc]


# -- the seed, against its documents ------------------------------------------------------------------------------
def test_every_recommendation_and_update_is_cited_and_reads_as_its_document() -> None:
    recommendations = _rows("recommendations.csv")
    assert len([row for row in recommendations if row["plan"] == PLAN]) == 48
    assert len([row for row in recommendations if row["plan"] != PLAN]) == 3
    for row in [*recommendations, *_rows("recommendations_updates.csv")]:
        assert row["source_document"] and row["source_locator"], row
        document = _words((REPORTS / row["source_document"]).read_text(encoding="utf-8"))
        assert _in_order(_words(row["text"]), document), (row["code"], row.get("label"), row["text"][:60])
        assert "<" not in row["text"], row["text"][:60]


def test_updates_of_the_scrutiny_inquiry_are_all_there() -> None:
    labels = {(row["plan"], row["code"], row["label"]) for row in _rows("recommendations_updates.csv")}
    for plan, code, response in (
        ("safeguarding-interim", "1", "February 2010"),
        ("safeguarding-final", "1", "May 2010"),
        ("safeguarding-final", "2", "June 2010"),
    ):
        expected = {f"Director's Response (Approved by Executive Board {response})"} | {
            f"{month} update" for month in ("September 2010", "December 2010", "March 2011")
        }
        assert {label for p, c, label in labels if (p, c) == (plan, code)} == expected


def test_status_vocabularies_are_data_with_their_meaning() -> None:
    statuses = {(row["vocabulary"], row["code"]): row for row in _rows("recommendations_statuses.csv")}
    assert statuses[("scrutiny-stages", "3")]["label"] == "3 Not achieved (obstacle)"
    assert (
        statuses[("scrutiny-stages", "4")]["label"] == "4 Not achieved (progress made acceptable, continue monitoring)"
    )
    annex = (REPORTS / "004_fd61c0d9908e671d.txt").read_text(encoding="utf-8")
    for code in ("CSIB", "Other", "Closed"):
        assert f"<b>{code}</b>\t{statuses[('improvement-board', code)]['description']}" in annex
    assert [statuses[("improvement-board", code)]["is_open"] for code in ("CSIB", "Other", "Closed")] == [
        "yes",
        "yes",
        "no",
    ]


# -- the store, on both backends ------------------------------------------------------------------------------------
@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_summary_is_computed_from_the_rows_and_equals_004s_table(seeded_engine: Engine) -> None:
    expected = _summary_table((REPORTS / "004_fd61c0d9908e671d.txt").read_text(encoding="utf-8"))
    with Session(seeded_engine) as session:
        summary = next(found for found in recs.summary(session) if found.plans[0].key == PLAN)
    assert [status.code for status in summary.statuses] == ["CSIB", "Other", "Closed"]
    assert {row.theme_number: row.counts for row in summary.rows} == expected
    assert summary.totals == (20, 13, 15) and summary.total == 48


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_filters_codes_and_changes_since(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        theme_two_open = recs.recommendations(session, RecFilter(theme=2, is_open=True))
        caseloads = recs.recommendations(session, RecFilter(words=("caseload",)))
        ones = recs.find(session, "1")
        march = recs.changed_since(session, date(2011, 3, 31))
        april = recs.changed_since(session, date(2011, 4, 1))
        codes = [ref.code for ref in recs.held_codes(session)]
    assert len(theme_two_open) == 14 and {rec.status.code for rec in theme_two_open} == {"CSIB", "Other"}
    assert {(rec.plan.key, rec.code) for rec in caseloads} == {(PLAN, "2.4.1"), ("safeguarding-interim", "1")}
    assert {rec.plan.key for rec in ones} == {"safeguarding-interim", "safeguarding-final"}
    assert [rec.code for rec in ones if rec.plan.key == "safeguarding-interim"] == ["1"]
    interim = next(rec for rec in ones if rec.plan.key == "safeguarding-interim")
    assert [update.label for update in interim.updates][-1] == "March 2011 update"
    assert interim.status.label.startswith("4 Not achieved")
    # A "March 2011 update" is about the whole month: still news "since 31 Mar 2011", not since April.
    assert {change.update.label for change in march} == {"March 2011 update"} and len(march) == 3
    assert april == []
    assert codes.index("2.1.9") < codes.index("2.1.10") < codes.index("2.2.1")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_reloading_the_seed_adds_nothing_and_keeps_an_officers_change(seeded_engine: Engine) -> None:
    updates = _rec_updates(seeded_engine)
    preview = updates.preview_status(OFFICER, "2.1.5 Closed conferences now keep up")
    assert preview.change_set is not None
    assert updates.confirm(OFFICER, preview.change_set).kind == "applied"
    with Session(seeded_engine) as session, session.begin():
        assert recs.load_recommendations(session).total == 0
    with Session(seeded_engine) as session:
        assert recs.find(session, "2.1.5")[0].status.code == "Closed"
        # 003's 12 dated entries, 004's Annex A categorisation of each of the 48, and the officer's status change.
        assert session.scalar(select(func.count()).select_from(RecommendationUpdate)) == 12 + 48 + 1


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_migration_0011_widens_the_kind_check_with_hand_set_figures_held(seeded_engine: Engine) -> None:
    figures = Updates(Briefbot(seeded_engine, today=lambda: TODAY, strict=True), Roles(Access()))
    cli = Actor("cli", "me", "me")
    preview = figures.preview_text(cli, "CPP_COUNT JESS 2013-06-30 151")
    assert preview.change_set is not None and figures.confirm(cli, preview.change_set).kind == "applied"
    config = db._alembic_config()
    with seeded_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")  # no change set of recommendations yet: allowed
    report = prepare(seeded_engine)  # a store seeded before 0011 is migrated and gets the bundled recommendations
    assert report.migrated and report.seed is None
    updates = _rec_updates(seeded_engine)
    again = updates.preview_status(OFFICER, "2.1.5 Closed")
    assert again.change_set is not None and updates.confirm(OFFICER, again.change_set).kind == "applied"
    with Session(seeded_engine) as session:
        assert session.scalar(select(ChangeSet.kind).where(ChangeSet.id == again.change_set)) == "rec"
    with pytest.raises(RuntimeError, match="cannot go back before 0011"), seeded_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0010")
    assert db.current_revision(seeded_engine) == db.head_revision()


# -- questions ------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "status", "headline", "count"),
    [
        ("recommendations theme 2", "answer", "20 recommendations in theme 2 (Excellent safeguarding", 20),
        ("open safeguarding recommendations", "answer", "17 open recommendations mentioning “safeguarding”", 17),
        ("rec 2.1.5", "answer", "Recommendation 2.1.5 (Improvement Plan, theme 2): CSIB", 1),
        ("status of 2.4.1", "answer", "Recommendation 2.4.1 (Improvement Plan, theme 2): CSIB", 1),
        ("2.3.1", "answer", "Recommendation 2.3.1 (Improvement Plan, theme 2): CSIB", 1),
        ("recommendation 1 of the scrutiny board", "clarify", "Recommendation 1 is in more than one plan", 0),
        ("rec 1 interim report", "answer", "Recommendation 1 (safeguarding inquiry interim report): 4 Not", 1),
        ("improvement plan summary", "answer", "Children's Services Improvement Plan: 48 recommendations", 0),
        ("what changed since March 2011?", "answer", "3 recommendations with 3 updates since Mar 2011", 3),
        (
            "which improvement plan actions are closed",
            "answer",
            "15 recommendations in the Children's Services Improvement Plan with status Closed.",
            15,
        ),
        ("how many recommendations are still open?", "answer", "36 open recommendations in 2 sets of plans", 0),
        ("what has the scrutiny board said about term time holidays", "answer", "1 recommendation in the", 1),
        ("recommendations on caseloads", "answer", "2 recommendations mentioning “caseload”", 2),
        ("csib recommendations in theme 1", "answer", "4 recommendations in theme 1 (Effective leadership", 4),
        ("recommendations at stage 3", "answer", "1 recommendation with status 3 Not achieved (obstacle)", 1),
        ("recommendations about unicorns", "no_data", "No recommendations mentioning “unicorn”", 0),
        ("anything new on recommendations since April 2011", "no_data", "No recommendation has an update", 0),
        # No "recommendation" word: the status or the plan says what is meant.
        ("what's still open on safeguarding?", "answer", "17 open recommendations mentioning “safeguarding”", 17),
        ("what is outstanding on looked after children", "answer", "4 open recommendations mentioning", 4),
        ("what's closed", "answer", "15 recommendations with status Closed", 15),
        ("how are we doing on the improvement plan", "answer", "Children's Services Improvement Plan: 48", 0),
        ("is the improvement plan on track?", "answer", "Children's Services Improvement Plan: 48", 0),
    ],
)
def test_each_way_of_asking(bot: Briefbot, question: str, status: str, headline: str, count: int) -> None:
    answer = bot.ask(question)
    assert answer.status.value == status, answer.text
    assert answer.headline.startswith(headline), answer.headline
    listed = [line for section in answer.sections for line in section.lines if re.match(r"^\d[\d.]* \[", line)]
    if count > 1 and "since" not in question:
        assert len(listed) == count, answer.text


def test_the_summary_has_a_status_chart_of_004s_table(bot: Briefbot) -> None:
    answer = bot.ask("improvement plan summary")
    chart = answer.chart
    assert isinstance(chart, StatusChart)
    assert chart.statuses == ("Improvement Board", "Other body", "Closed")
    assert chart.counts == ((4, 3, 2), (10, 4, 6), (4, 0, 7), (0, 6, 0), (2, 0, 0))
    assert chart.title == "33 of 48 recommendations (Improvement Plan) are still open"
    assert "Theme 2" in answer.text or "theme 2" in answer.text
    assert any(
        source.endswith("Annex A, Summary of proposed categorisation of Improvement Plan recommendations")
        for source in answer.sources
    )
    assert bot.chart(answer) is not None  # the charts package draws it


def test_an_unknown_code_says_what_numbering_exists_and_offers_the_closest(bot: Briefbot) -> None:
    answer = bot.ask("rec 2.1.11")
    assert answer.status is Status.NO_DATA
    assert answer.headline == "Recommendation 2.1.11 isn't held."
    assert (
        "Children's Services Improvement Plan: 48 recommendations, 1.1.1 to 5.2.1 (theme.area.number)." in answer.text
    )
    assert {"rec 2.1.1", "rec 2.1.10"} <= {option.question for option in answer.options}
    followed = bot.ask(answer.options[0].question)
    assert followed.status is Status.ANSWER


def test_a_question_back_is_answered_by_its_options(bot: Briefbot) -> None:
    answer = bot.ask("rec 1")
    assert answer.status is Status.CLARIFY
    plans = {bot.ask(option.question).reading for option in answer.options}
    assert plans == {
        "recommendation 1, Scrutiny inquiry into safeguarding: interim report",
        "recommendation 1, Scrutiny Board recommendations in untitled tables (tracked with the safeguarding interim "
        "report)",
    }


@pytest.mark.parametrize("question", ["CP plans Beeston", "NEET in JESS", "cla rate leeds vs england", "caseloads"])
def test_figure_questions_are_never_taken_for_recommendations(bot: Briefbot, question: str) -> None:
    answer = bot.ask(question)
    assert not answer.reading.startswith("recommendation"), answer.text
    assert bot.recommendations.answer(question) is None


@pytest.mark.parametrize("question", ["CAFs open in JESS", "how many CAFs are open in BCM", "cafs closed leeds"])
def test_open_or_closed_beside_a_figure_stays_a_figure_question(bot: Briefbot, question: str) -> None:
    assert not bot.ask(question).reading.startswith("recommendation")


# -- officers' changes ----------------------------------------------------------------------------------------------
def _rec_updates(engine: Engine, **options: object) -> RecUpdates:
    bot = Briefbot(engine, today=lambda: TODAY, strict=True)
    roles = Roles(Access(officers=frozenset({OFFICER.id, OTHER.id}), admins=frozenset({ADMIN.id})))
    return RecUpdates(bot, roles, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_status_preview_confirm_then_undo_as_questions_see_it(seeded_engine: Engine) -> None:
    updates = _rec_updates(seeded_engine)
    preview = updates.preview_status(OFFICER, "2.1.5 Closed conferences now meet demand")
    assert preview.change_set is not None
    assert preview.lines[0] == "Recommendation 2.1.5 (Improvement Plan, theme 2), status: CSIB → Closed"
    assert updates.bot.ask("rec 2.1.5").headline.startswith("Recommendation 2.1.5 (Improvement Plan, theme 2): CSIB")
    outcome = updates.confirm(OFFICER, preview.change_set)
    assert outcome.message == f"Done: recommendation 2.1.5 is now Closed (change set {preview.change_set})."
    answer = updates.bot.ask("rec 2.1.5")
    assert answer.headline.startswith("Recommendation 2.1.5 (Improvement Plan, theme 2): Closed")
    assert "22 Nov 2026, Status changed to Closed (recorded by Jo Officer): conferences now meet demand" in answer.text
    assert updates.bot.ask("what changed since 1/11/26").headline.startswith("1 recommendation with 1 update")
    with Session(seeded_engine) as session:
        audit = session.scalars(select(AuditLog).where(AuditLog.change_set_id == preview.change_set)).all()
    assert {(row.entity, row.action) for row in audit} == {
        ("recommendation", "update"),
        ("recommendation_update", "create"),
    }
    assert updates.confirm(OFFICER, preview.change_set).message == "That change was already confirmed or cancelled."
    undone = updates.undo(OFFICER)
    assert undone.kind == "applied" and "1 status put back, 1 update removed" in undone.message
    assert updates.bot.ask("rec 2.1.5").headline.startswith("Recommendation 2.1.5 (Improvement Plan, theme 2): CSIB")
    assert updates.undo(OFFICER).message == "You have no change to recommendations to undo."
    assert updates.undo(OFFICER, undone.change_set).kind == "applied"  # an undo can itself be undone
    assert updates.bot.ask("rec 2.1.5").headline.startswith("Recommendation 2.1.5 (Improvement Plan, theme 2): Closed")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_dated_update_reads_its_date_from_its_label(seeded_engine: Engine) -> None:
    updates = _rec_updates(seeded_engine)
    preview = updates.preview_update(OFFICER, 'untitled 1 "June 2011 update: Schools now have their own stage."')
    assert preview.lines == (
        "Recommendation 1 (untitled scrutiny tables), “June 2011 update” (Jun 2011): new, "
        "“Schools now have their own stage.”",
    )
    assert preview.change_set is not None and updates.confirm(OFFICER, preview.change_set).kind == "applied"
    answer = updates.bot.ask("rec 1 untitled tables")
    assert "Latest, June 2011 update (Jun 2011): Schools now have their own stage." in answer.text
    again = updates.preview_update(OFFICER, 'untitled 1 "June 2011 update: twice"')
    assert again.change_set is None and "already has “June 2011 update” (Jun 2011)" in again.headline


@pytest.mark.parametrize(
    ("actor", "verb", "text", "words"),
    [
        (READER, "status", "2.1.5 Closed", "only children's services officers can change recommendations"),
        (OFFICER, "status", "1 4", "Recommendation 1 is in more than one plan: say which"),
        (OFFICER, "status", "2.1.5 done", "use one of CSIB, Other, Closed"),
        (OFFICER, "status", "untitled 1 Closed", "use one of 3 Not achieved (obstacle), 4 Not achieved"),
        (OFFICER, "status", "2.1.5 CSIB", "Nothing to change: Recommendation 2.1.5 (Improvement Plan, theme 2) is"),
        (OFFICER, "status", "9.9.9 Closed", "Recommendation 9.9.9 isn't held"),
        (OFFICER, "status", "Closed", "Which recommendation? Give its number."),
        (OFFICER, "update", '2.1.5 "unclosed', "A quotation mark isn't closed."),
        (OFFICER, "update", "2.1.5", "What does the update say?"),
        (OFFICER, "update", "narnia 2.1.5 hello", "I don't know a plan called “narnia”."),
    ],
)
def test_refusals_change_nothing_and_say_why(
    seeded_engine: Engine, actor: Actor, verb: str, text: str, words: str
) -> None:
    updates = _rec_updates(seeded_engine)
    preview = (updates.preview_status if verb == "status" else updates.preview_update)(actor, text)
    assert preview.change_set is None and words in preview.headline, preview.headline
    with Session(seeded_engine) as session:
        assert session.scalar(select(func.count()).select_from(ChangeSet)) == 0


def test_a_stale_preview_is_previewed_again_and_others_may_not_confirm_or_undo(seeded_engine: Engine) -> None:
    clock = [datetime.now(UTC)]
    updates = _rec_updates(seeded_engine, clock=lambda: clock[0])
    old = updates.preview_status(OFFICER, "2.4.1 Other")
    assert old.change_set is not None
    clock[0] = datetime.now(UTC) + timedelta(minutes=16)
    stale = updates.confirm(OFFICER, old.change_set)
    assert stale.kind == "stale" and stale.preview is not None and stale.preview.change_set is not None
    clock[0] = datetime.now(UTC)
    first = updates.preview_status(OFFICER, "2.4.1 Closed")
    assert first.change_set is not None and stale.preview.change_set is not None
    assert updates.confirm(READER, first.change_set).kind == "refused"
    assert updates.confirm(OFFICER, first.change_set).kind == "applied"
    overtaken = updates.confirm(OFFICER, stale.preview.change_set)  # previewed as CSIB -> Other; it is Closed now
    assert overtaken.kind == "stale" and overtaken.preview is not None
    assert overtaken.preview.lines[0].endswith("status: Closed → Other")
    assert updates.cancel(OFFICER, overtaken.preview.change_set or 0).kind == "cancelled"
    assert "someone else's" in updates.undo(OTHER, first.change_set).message
    assert updates.undo(READER, first.change_set).kind == "refused"
    assert updates.undo(ADMIN, first.change_set).kind == "applied"


# -- the command line -----------------------------------------------------------------------------------------------
def test_cli_summary_tracker_and_json(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", url, "recs", "summary", "--json"])
    assert result.exit_code == 0, result.output
    improvement = next(found for found in json.loads(result.output) if found["plans"][0]["key"] == PLAN)
    expected = _summary_table((REPORTS / "004_fd61c0d9908e671d.txt").read_text(encoding="utf-8"))
    codes = ("CSIB", "Other", "Closed")
    assert {row["theme"]: tuple(row["counts"][code] for code in codes) for row in improvement["rows"]} == expected
    assert improvement["totals"] == {"CSIB": 20, "Other": 13, "Closed": 15} and improvement["total"] == 48
    table = runner.invoke(main, ["--database-url", url, "recs", "summary"]).output
    assert re.search(r"^Total\s+20\s+13\s+15\s+48$", table, flags=re.M), table
    tracker = list(csv.DictReader(io.StringIO(runner.invoke(main, ["--database-url", url, "recs", "--csv"]).output)))
    assert len(tracker) == 51
    interim = next(row for row in tracker if row["plan"].endswith("interim report"))
    assert (interim["latest_update_date"], interim["latest_update"][:17]) == ("Mar 2011", "March 2011 update")
    assert interim["status"] == "4 Not achieved (progress made acceptable, continue monitoring)"
    found = json.loads(runner.invoke(main, ["--database-url", url, "recs", "open", "safeguarding", "--json"]).output)
    assert len(found) == 17 and all(rec["open"] for rec in found)
    text = runner.invoke(main, ["--database-url", url, "recs", "2.1.5"]).output
    assert text.startswith("Recommendation 2.1.5 (Improvement Plan, theme 2): CSIB")
    both = runner.invoke(main, ["--database-url", url, "recs", "--json", "--csv"])
    assert both.exit_code != 0 and "choose --json or --csv" in both.output
