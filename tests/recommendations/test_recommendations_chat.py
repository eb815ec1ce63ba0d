"""Recommendations asked for in chat words (issue 23, class 7), 003's untitled tables named as the document has
them, 004's Annex A categorisation as a dated change, and the command line's summary and CSV.

Each expectation cites the seed paragraph it is checked against: 003 is /work/shared/seeds/003_24d590fb1d342be5.txt
and 004 is 004_fd61c0d9908e671d.txt (both copied to data/seed/reports/); line numbers are theirs."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.answer import Status
from bot.app.cli import main
from bot.briefbot import Briefbot
from bot.digest.recommendations import status_at
from data import db
from data import recommendations as recs
from data.models import Recommendation
from data.store import prepare

# 003 line 4: "a caseload of 20 cases"; its latest entry, line 6 (March 2011 update): "'Social work staff have
# manageable caseloads, regular supervision and access to appropriate training'".
INTERIM_1 = "Recommendation 1 (safeguarding inquiry interim report): 4 Not achieved (progress made acceptable"
INTERIM_1_LATEST = "Latest, March 2011 update (Mar 2011): The unannounced inspection of contact and referral"


@pytest.mark.parametrize(
    "question",
    [
        "where are we on the caseload recommendation from the safeguarding inquiry",
        "status of the safeguarding inquiry caseload recommendation",
        "any news on the caseload rec from the safeguarding inquiry?",
        "how is the scrutiny rec on staffing for social care getting on",
        "where's the safeguarding inquiry's caseload rec at",
    ],
)
def test_the_caseload_recommendation_is_found_with_its_progress(bot: Briefbot, question: str) -> None:
    answer = bot.ask(question)
    assert answer.status is Status.ANSWER and answer.headline.startswith(INTERIM_1), answer.text
    assert INTERIM_1_LATEST in answer.text


def test_social_worker_caseloads_find_both_plans(bot: Briefbot) -> None:
    """004 line 103 (2.4.1): "tackle the unacceptably high level of social worker caseloads"; 003 line 4: "a
    children's social work service with sufficient staff to ensure a reasonable caseload"."""
    answer = bot.ask("what happened to the social worker caseload rec")
    assert answer.headline.startswith("2 recommendations mentioning “social” and “work” and “caseload”")
    assert "2.4.1 [CSIB] Immediately tackle the unacceptably high level of social worker caseloads" in answer.text
    assert "1 [4 Not achieved (progress made acceptable, continue monitoring)] That the Executive Board" in answer.text


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # 003 line 34 and line 33: "That Education Leeds revises its complaints procedure", "3 Not achieved".
        ("where's the complaints procedure rec at", "Recommendation 1 (untitled scrutiny tables): 3 Not achieved"),
        # 003 lines 39-40: "term time holidays are discouraged", "4 Not achieved".
        ("what's happening with the term time holidays rec", "Recommendation 2 (untitled scrutiny tables): 4 Not"),
    ],
)
def test_the_untitled_tables_answer_in_full_by_their_subject(bot: Briefbot, question: str, expected: str) -> None:
    assert bot.ask(question).headline.startswith(expected)


def test_a_number_not_held_is_explained_within_the_plan_named(bot: Briefbot) -> None:
    # 003 line 3-4: the interim report's only table holds recommendation 1.
    answer = bot.ask("progress on recommendation 3 of the safeguarding inquiry")
    assert answer.status is Status.NO_DATA and answer.headline == "Recommendation 3 isn't held."
    assert answer.sentences[:2] == (
        "What is held:",
        "Scrutiny inquiry into safeguarding: interim report: 1 recommendation, 1.",
    )
    assert "Improvement Plan" not in answer.text


@pytest.mark.parametrize(
    "question",
    ["recs summary", "open recommendations", "rec 1", "rec 2 untitled tables", "how many scrutiny recs are open"],
)
def test_no_answer_calls_the_untitled_tables_a_final_report(bot: Briefbot, question: str) -> None:
    """003 line 1 is "Safeguarding Interim Report"; the tables at lines 32 and 38 have no title, and their
    Director's responses were approved in May and June 2010 (lines 35, 45): nothing calls them a final report."""
    answer = bot.ask(question)
    texts = [answer.text, *(option.question for option in answer.options)]
    assert not any("final report" in text.lower() for text in texts), answer.text


def test_annex_a_categorisation_is_a_dated_change(bot: Briefbot) -> None:
    """004 §2.1 (line 11): amendments "incorporated, a summary of which is attached at Annex A ... which the Board
    is invited to note"; Annex A line 91: 2.1.7 "Closed"; line 72: "Closed: Actions against recommendation
    complete and therefore can be closed with no further reporting to the Improvement Board"."""
    answer = bot.ask("rec 2.1.7")
    assert (
        "14 Feb 2011, Annex A categorisation, noted by the Improvement Board: Closed: Actions against recommendation "
        "complete"
    ) in answer.text
    changed = bot.ask("what changed since January 2011?")
    assert changed.headline.startswith("51 recommendations with 51 updates since Jan 2011")
    with Session(bot.store.engine) as session:
        closed = recs.find(session, "2.1.7")[0]
        assert status_at(closed, date(2011, 3, 1)).code == "Closed"


def test_recs_summary_fits_an_80_column_terminal(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    table = CliRunner().invoke(main, ["--database-url", url, "recs", "summary"]).output
    lines = table.splitlines()
    assert max(len(line) for line in lines) <= 80, table
    # 003 line 4 (interim 1: stage 4), lines 33-34 (1: stage 3) and 39-40 (2: stage 4).
    assert "untitled scrutiny tables                   1        1      2" in lines
    assert any(line.startswith("Stage 3: Not achieved (obstacle); Stage 4: Not achieved") for line in lines)


def test_recs_csv_escapes_formula_looking_cells(tmp_path: Path) -> None:
    """As `briefbot export` does (data/spreadsheet.py): a cell a spreadsheet would run as a formula is written with
    a leading apostrophe; the store keeps the text as it was given."""
    url = f"sqlite:///{tmp_path / 'csv.sqlite3'}"
    engine: Engine = db.make_engine(url)
    prepare(engine, seed=True, official=False)
    with Session(engine) as session, session.begin():
        held = session.scalars(select(Recommendation).where(Recommendation.code == "2.4.1")).one()
        held.text = '=HYPERLINK("http://example.invalid","caseloads")'
        held.responsible_officer = "@Director"
    output = CliRunner().invoke(main, ["--database-url", url, "recs", "--csv"]).output
    rows = list(csv.DictReader(io.StringIO(output)))
    changed = next(row for row in rows if row["number"] == "2.4.1")
    assert changed["recommendation"] == '\'=HYPERLINK("http://example.invalid","caseloads")'
    assert changed["responsible_officer"] == "'@Director"
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())
    summary = CliRunner().invoke(main, ["--database-url", url, "recs", "summary", "--csv"]).output
    assert summary.startswith("plan,theme,theme_name,status,count\n")
