"""Committee digests: the store (settings, meetings), the composer against seed 000, and the CLI commands."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, inspect, select
from sqlalchemy.orm import Session

from bot.app.commands import committees as committees_cli
from bot.app.commands import digest as digest_cli
from bot.app.commands import meetings as meetings_cli
from bot.digest.compose import MAX_CHARTS, compose
from bot.digest.model import Digest
from data import db
from data.chat import committees, conversations
from data.figures.catalogue import SEED_DIR
from data.models import Recommendation, RecommendationPlan, RecommendationStatus, RecommendationUpdate
from handlers.slack.blocks import MAX_BLOCKS, card_blocks
from tests.conftest import BACKENDS
from tests.support.cli import FakeApp

REPORT = next((SEED_DIR / "reports").glob("000_*.txt"))
MEETING = date(2013, 6, 19)


def _section(number: str) -> str:
    text = REPORT.read_text(encoding="utf-8")
    start = text.index(number + " ")
    following = re.search(r"\n\s*-?\s*\d\.\d(\.\d)?\s", text[start + len(number) + 1 :])
    assert following is not None
    return text[start : start + len(number) + 1 + following.start()]


def report_figures(number: str) -> list[str]:
    """The figures a section states, as the digest prints them: dates and years left out."""
    body = re.sub(r"\d{1,2}/\d{1,2}/\d{2}|\d{4}/\d{2}|3\.\d\.\d", " ", _section(number))
    found: list[str] = re.findall(r"\d[\d,]*(?:\.\d+)?%?", body)
    return found


def inner_south(session: Session) -> committees.CommitteeInfo:
    return committees.find_committee(session, "Inner South")


@pytest.fixture
def digest_19_jun(seeded_engine: Engine) -> Digest:
    with Session(seeded_engine) as session:
        return compose(session, inner_south(session), MEETING, previous_meeting=date(2013, 3, 20))


# -- store --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_migration_adds_settings_meetings_and_the_outbox(seeded_engine: Engine) -> None:
    assert db.current_revision(seeded_engine) == db.head_revision()
    columns = inspect(seeded_engine)
    assert {"lead_days", "indicators", "support_channel", "platform"} <= {
        c["name"] for c in columns.get_columns("committee")
    }
    assert {"status", "source", "title"} <= {c["name"] for c in columns.get_columns("meeting")}
    unique = columns.get_unique_constraints("delivery")
    assert any(set(u["column_names"]) == {"committee_id", "meeting_id", "kind", "destination"} for u in unique)


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_seed_meetings_and_committee_settings(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session, session.begin():
        committee = inner_south(session)
        assert committee.lead_days == 7 and committee.channel is None
        assert [m.day for m in committees.meetings(session, committee.id)] == [date(2013, 3, 20), MEETING]
        committees.set_committee(
            session, replace(committee, channel="C1", lead_days=5, indicators=("NEET_PCT",)), actor="t", channel="cli"
        )
    with Session(seeded_engine) as session:
        saved = inner_south(session)
        assert (saved.channel, saved.lead_days, saved.indicators) == ("C1", 5, ("NEET_PCT",))
        assert len(committees.committees(session)) == 10


# -- composer -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("section", ["3.1.2", "3.5.1"])
def test_the_19_jun_2013_digest_holds_every_figure_of_seed_000(digest_19_jun: Digest, section: str) -> None:
    figures = report_figures(section)
    assert len(figures) >= 7
    missing = [
        figure for figure in figures if not re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d%])", digest_19_jun.text)
    ]
    assert missing == []


def test_direction_words_follow_the_figures(digest_19_jun: Digest) -> None:
    text = digest_19_jun.text
    assert (
        "The number of children on child protection plans has increased in JESS, with 149 on a plan at 31 Mar 2013 "
        "(93 at 31 Mar 2012); it has decreased in Beeston, Cottingley and Middleton, with 52 (59)."
    ) in text
    assert "CAFs initiated has decreased in JESS, with 70 initiated in 2012/13 (84 in 2011/12)" in text
    assert "it has increased in Beeston, Cottingley and Middleton, with 79 (60)" in text
    assert "has increased in JESS, with 3,532 requests in 2012/13 (3,164 in 2011/12)" in text
    assert "it has also decreased in Beeston, Cottingley and Middleton, with 869 (1,016)" in text
    assert "These compare with a city level of 5.5% at 31 Mar 2013." in text


def test_only_figures_for_periods_ended_before_the_meeting(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        early = compose(session, inner_south(session), date(2013, 3, 31))
    assert "149" not in early.text and "There were 93 children on a plan in JESS at 31 Mar 2012" in early.text
    assert all(fact.period_end < date(2013, 3, 31) for fact in early.facts)


def test_stale_figures_are_flagged(seeded_engine: Engine, digest_19_jun: Digest) -> None:
    with Session(seeded_engine) as session:
        late = compose(session, inner_south(session), date(2014, 6, 19))
    assert "The latest is 14 months old." in late.text
    assert all(fact.stale for fact in late.facts if fact.role == "latest")
    assert "The latest" not in digest_19_jun.text


def test_sections_charts_json_and_card(digest_19_jun: Digest) -> None:
    assert 0 < len(digest_19_jun.charts) <= MAX_CHARTS
    data = digest_19_jun.to_json()
    # Named as it was called in 2013 (its meeting record's title), not today's "Community Committee".
    assert data["committee"] == "Inner South Area Committee" and data["meeting"] == "2013-06-19"
    titles = [section["title"] for section in data["sections"]]
    assert titles[0] == "Since the last meeting (20 Mar 2013)"
    assert "Reduce the number of young people who are NEET" in titles
    neet = next(s for s in data["sections"] if "NEET" in s["title"])
    assert {f["display"] for f in neet["facts"]} >= {"8.6%", "9.9%", "6.1%", "5.5%"}
    blocks = card_blocks(digest_19_jun.card())
    assert blocks[0]["type"] == "header" and len(blocks) <= MAX_BLOCKS


def test_a_committee_indicator_list_narrows_the_digest(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        committee = replace(inner_south(session), indicators=("NEET_PCT", "CPP_COUNT"))
        digest = compose(session, committee, MEETING)
    assert [s.title for s in digest.sections] == [
        "Safely reduce the number of children looked after",
        "Reduce the number of young people who are NEET",
    ]
    assert "looked after in JESS" not in digest.text and "149" in digest.text


# -- CLI ----------------------------------------------------------------------------------------------------
def test_cli_digest_dry_run_json_and_out(app: FakeApp, tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        digest_cli.command, ["Inner South", "--meeting", "2013-06-19", "--dry-run", "--json"], obj=app
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"committee", "meeting", "sections", "text"} and "149" in data["text"]
    out = tmp_path / "out"
    result = runner.invoke(
        digest_cli.command, ["inner south", "--meeting", "2013-06-19", "--dry-run", "--out", str(out)], obj=app
    )
    assert result.exit_code == 0, result.output
    assert len(list(out.glob("chart-*.png"))) == len(list(out.glob("chart-*.txt"))) > 0
    markdown = next(out.glob("digest-*.md")).read_text(encoding="utf-8")
    assert markdown.startswith("# Inner South Area Committee") and "![chart-1.png](chart-1.png)" in markdown


def test_cli_digest_explains_a_missing_meeting_or_channel(app: FakeApp) -> None:
    runner = CliRunner()
    result = runner.invoke(digest_cli.command, ["Inner South", "--meeting", "2013-06-20", "--dry-run"], obj=app)
    assert result.exit_code == 1 and "no meeting on 2013-06-20" in result.output
    result = runner.invoke(digest_cli.command, ["Outer Space", "--meeting", "2013-06-19"], obj=app)
    assert result.exit_code == 1 and "no committee called 'Outer Space'" in result.output
    result = runner.invoke(digest_cli.command, ["Inner South", "--meeting", "2013-06-19"], obj=app)
    assert result.exit_code == 1 and "has no channel" in result.output


def test_cli_committees_list_and_set(app: FakeApp) -> None:
    runner = CliRunner()
    result = runner.invoke(
        committees_cli.command,
        ["set", "Inner South", "--channel", "C42", "--lead-days", "10", "--indicators", "neet_pct,CPP_COUNT"],
        obj=app,
    )
    assert result.exit_code == 0, result.output
    listing = runner.invoke(committees_cli.command, ["list"], obj=app).output
    assert "Inner South: channel C42 on slack, 10 days ahead" in listing and "NEET_PCT, CPP_COUNT" in listing
    bad = runner.invoke(committees_cli.command, ["set", "Inner South", "--indicators", "NOPE"], obj=app)
    assert bad.exit_code == 2 and "unknown indicator(s): NOPE" in bad.output


def test_cli_committees_list_says_which_teams_channels_briefbot_cannot_post_to(app: FakeApp) -> None:
    runner = CliRunner()
    for name, channel in (("Inner South", "19:live@thread.tacv2"), ("Inner East", "19:removed@thread.tacv2")):
        result = runner.invoke(
            committees_cli.command, ["set", name, "--platform", "teams", "--channel", channel], obj=app
        )
        assert result.exit_code == 0, result.output
    with Session(app.engine) as session, session.begin():
        for channel in ("19:live@thread.tacv2", "19:removed@thread.tacv2"):
            conversations.save(session, "teams", channel, {"conversation": {"id": channel}}, scope="team")
        conversations.mark_dead(session, "teams", "19:removed@thread.tacv2", "bot removed")
    listing = runner.invoke(committees_cli.command, ["list"], obj=app).output.splitlines()
    live = next(line for line in listing if line.startswith("Inner South:"))
    removed = next(line for line in listing if line.startswith("Inner East:"))
    assert "channel 19:live@thread.tacv2 on teams" in live and "unreachable" not in live
    assert "19:removed@thread.tacv2 (unreachable: briefbot was removed or never installed there) on teams" in removed


def test_cli_meetings_add_list_cancel(app: FakeApp) -> None:
    runner = CliRunner()
    added = runner.invoke(meetings_cli.command, ["add", "Inner South", "2026-04-06", "--time", "18:30"], obj=app)
    assert added.exit_code == 0 and "added" in added.output
    moved = runner.invoke(meetings_cli.command, ["add", "Inner South", "2026-04-06", "--time", "14:00"], obj=app)
    assert "moved" in moved.output
    cancelled = runner.invoke(meetings_cli.command, ["cancel", "Inner South", "2026-04-06"], obj=app)
    assert cancelled.exit_code == 0 and "cancelled" in cancelled.output
    unknown = runner.invoke(meetings_cli.command, ["cancel", "Inner South", "2026-04-07"], obj=app)
    assert unknown.exit_code == 1 and "Inner South has no meeting on 7 Apr 2026." in unknown.output
    nowhere = runner.invoke(meetings_cli.command, ["add", "Nowhere", "2026-04-07"], obj=app)
    assert nowhere.exit_code == 1 and "no committee called 'Nowhere'" in nowhere.output
    listing = runner.invoke(meetings_cli.command, ["list", "Inner South"], obj=app).output.splitlines()
    assert listing == [
        "Inner South: 2013-03-20 14:00 (confirmed, seed)",
        "Inner South: 2013-06-19 14:00 (confirmed, seed)",
        "Inner South: 2026-04-06 14:00 (cancelled, manual)",
    ]


# -- recommendations ----------------------------------------------------------------------------------------
def add_rec_entry(engine: Engine, code: str, dated: date, label: str, status: str | None = None) -> None:
    """A dated entry in an Improvement Plan recommendation's history, as the seed or an officer records one."""
    with Session(engine) as session, session.begin():
        plan = session.scalars(
            select(RecommendationPlan).where(RecommendationPlan.key == "improvement-plan-2011")
        ).one()
        recommendation = session.scalars(
            select(Recommendation).where(Recommendation.plan_id == plan.id, Recommendation.code == code)
        ).one()
        status_id = None
        if status is not None:
            status_id = session.scalars(
                select(RecommendationStatus.id).where(
                    RecommendationStatus.vocabulary == plan.vocabulary, RecommendationStatus.code == status
                )
            ).one()
        session.add(
            RecommendationUpdate(
                recommendation_id=recommendation.id,
                label=label,
                dated=dated,
                date_precision="day",
                text=f"{label} for the board.",
                status_id=status_id,
                source_document="test",
                source_locator="test",
                recorded_by="test",
                recorded_at=datetime(2013, 1, 1, tzinfo=UTC),
            )
        )


def test_no_recommendation_changed_is_one_line_with_the_open_count(digest_19_jun: Digest) -> None:
    assert digest_19_jun.intro[1] == (
        "No recommendation has changed since the last meeting (20 Mar 2013); 36 are open (Improvement Plan: 33; "
        "safeguarding inquiry interim report: 1; untitled scrutiny tables: 2)."
    )
    assert all("Recommendations" not in section.title for section in digest_19_jun.sections)


def test_recommendations_changed_since_the_last_meeting_as_at_the_meeting(seeded_engine: Engine) -> None:
    add_rec_entry(seeded_engine, "2.1.5", date(2013, 4, 10), "Status changed to Closed", status="Closed")
    add_rec_entry(seeded_engine, "1.1.1", date(2013, 3, 1), "Before the last meeting")
    add_rec_entry(seeded_engine, "1.2.1", date(2013, 6, 19), "On the meeting day")
    with Session(seeded_engine) as session:
        committee = inner_south(session)
        digest = compose(session, committee, MEETING, previous_meeting=date(2013, 3, 20))
        april = compose(session, committee, date(2013, 4, 1), previous_meeting=date(2013, 3, 20))
        first = compose(session, committee, MEETING)
    section = next(s for s in digest.sections if s.title == "Recommendations changed since the last meeting")
    assert section.lines == (
        "Recommendation 2.1.5 (Improvement Plan, theme 2): 10 Apr 2013, Status changed to Closed: Status changed to "
        "Closed for the board.",
        "35 recommendations are open (Improvement Plan: 32; safeguarding inquiry interim report: 1; untitled "
        "scrutiny tables: 2).",
    )
    assert digest.sections[-1] == section and len(digest.intro) == 1
    assert "Before the last meeting" not in digest.text and "On the meeting day" not in digest.text
    # Before the entry it is not news, and 2.1.5 was still open.
    assert "36 are open" in april.intro[1] and "2.1.5" not in april.text
    # Without a previous meeting: a committee cycle back (91 days: from 20 Mar 2013).
    assert [s.title for s in first.sections][-1] == "Recommendations changed since 20 Mar 2013"
    assert digest.to_json()["sections"][-1]["facts"] == []


def test_nothing_changed_and_nothing_open_says_nothing(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session, session.begin():
        for status in session.scalars(select(RecommendationStatus).where(RecommendationStatus.is_open.is_(True))):
            status.is_open = False
    with Session(seeded_engine) as session:
        digest = compose(session, inner_south(session), MEETING, previous_meeting=date(2013, 3, 20))
    assert len(digest.intro) == 1 and "recommendation" not in digest.text.lower()


def test_digest_charts_never_rank_counts_of_areas_of_different_size(digest_19_jun: Digest) -> None:
    # Seed 000 §3.1.2: 214 looked after from JESS and 88 from BCM; §2.3/§2.5: 11,132 and 8,362 aged 0-18.
    titles = {chart.title.split(":")[0]: chart.title for chart in digest_19_jun.charts}
    looked_after = titles["Children looked after at 31 Mar 2013"]
    assert "highest" not in looked_after and looked_after.endswith("(areas of different size)")
    assert titles["NEET 16-18 (%)"].startswith("NEET 16-18 (%): highest in JESS (9.9%)")  # a rate may rank
