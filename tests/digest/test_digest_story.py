"""The 19 Jun 2013 Inner South digest tells the story seed 000 tells, and keeps every figure it held before.

Each figure below is checked against the paragraph of /work/shared/seeds/000_3a8900ec37dd11a0.txt (copied to
data/seed/reports/) that states it; the line numbers are that file's."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.digest.compose import compose
from bot.digest.meetings import add_meeting
from bot.digest.model import Digest
from data.chat import committees

MEETING = date(2013, 6, 19)
# The figures the digest held before it told the story (indicator, place, period label, display, role). Listed
# first, from the digest as it was, so that telling the story drops none of them.
HELD_BEFORE = (
    # §3.1.2 line 54: "There were 214 children looked after from JESS at 31/3/13 and 88 from Beeston..."
    ("LAC_COUNT", "cluster-jess", "31/3/13", "214", "latest"),
    ("LAC_COUNT", "cluster-bcm", "31/3/13", "88", "latest"),
    # line 55: "149 on a plan at 31/3/13 (93 at 31/3/12) ... 52 on a plan at 31/3/13 (59 at 31/3/12)"
    ("CPP_COUNT", "cluster-jess", "31/3/13", "149", "latest"),
    ("CPP_COUNT", "cluster-jess", "31/3/12", "93", "previous"),
    ("CPP_COUNT", "cluster-bcm", "31/3/13", "52", "latest"),
    ("CPP_COUNT", "cluster-bcm", "31/3/12", "59", "previous"),
    # lines 56-57: "70 initiated and a total of 123 open at 31/3/13 (84 were initiated in 2011/12)";
    # "79 initiated and a total of 111 open at 31/3/13 (60 initiated in 2011/12)"
    ("CAF_INITIATED", "cluster-jess", "2012/13", "70", "latest"),
    ("CAF_INITIATED", "cluster-jess", "2011/12", "84", "previous"),
    ("CAF_INITIATED", "cluster-bcm", "2012/13", "79", "latest"),
    ("CAF_INITIATED", "cluster-bcm", "2011/12", "60", "previous"),
    ("CAF_OPEN", "cluster-jess", "31/3/13", "123", "latest"),
    ("CAF_OPEN", "cluster-bcm", "31/3/13", "111", "latest"),
    # line 58: "3,532 for JESS (3,164 previous year) and 2,182 for Beeston ... (2,210 previous year)"
    ("RFS_COUNT", "cluster-jess", "2012/13", "3,532", "latest"),
    ("RFS_COUNT", "cluster-jess", "2011/12", "3,164", "previous"),
    ("RFS_COUNT", "cluster-bcm", "2012/13", "2,182", "latest"),
    ("RFS_COUNT", "cluster-bcm", "2011/12", "2,210", "previous"),
    # line 59: "1,266 for JESS (1,522 previous year) and 869 for Beeston ... (1,016 previous year)"
    ("REFERRAL_COUNT", "cluster-jess", "2012/13", "1,266", "latest"),
    ("REFERRAL_COUNT", "cluster-jess", "2011/12", "1,522", "previous"),
    ("REFERRAL_COUNT", "cluster-bcm", "2012/13", "869", "latest"),
    ("REFERRAL_COUNT", "cluster-bcm", "2011/12", "1,016", "previous"),
    # §3.5.1 line 87: "234 young people NEET in Inner South, representing an increase to 8.6%. In JESS there
    # were 163 NEET young people (9.9%), with 71 in Beeston, Cottingley and Middleton (6.1%). These compare with
    # a city level of 5.5% on 31/3/13."
    ("NEET_PCT", "leeds-cc-inner-south", "31/3/13", "8.6%", "latest"),
    ("NEET_PCT", "cluster-jess", "31/3/13", "9.9%", "latest"),
    ("NEET_PCT", "cluster-bcm", "31/3/13", "6.1%", "latest"),
    ("NEET_PCT", "E08000035", "31/3/13", "5.5%", "city"),
)
# The NEET counts are stated beside their percentages (line 87), not as facts of their own.
COUNTS_IN_TEXT = ("234", "163", "71")


@pytest.fixture
def digest(seeded_engine: Engine) -> Digest:
    with Session(seeded_engine) as session:
        committee = committees.find_committee(session, "Inner South")
        return compose(session, committee, MEETING, previous_meeting=date(2013, 3, 20))


def _said(text: str, figure: str) -> bool:
    return re.search(rf"(?<![\d,.]){re.escape(figure)}(?![\d%])", text) is not None


def test_every_figure_held_before_is_held_and_said(digest: Digest) -> None:
    held = {(f.indicator, f.geography, f.period_label, f.display, f.role) for f in digest.facts}
    assert [figure for figure in HELD_BEFORE if figure not in held] == []
    unsaid = [figure for *_, figure, _ in HELD_BEFORE if not _said(digest.text, figure)]
    assert unsaid == [] and all(_said(digest.text, count) for count in COUNTS_IN_TEXT)


def test_neet_says_the_increase_the_report_says(digest: Digest) -> None:
    """Line 87: "In previous reports the number of NEET in Inner South has been around 7.5%, compared with a
    city figure of 6.0%. Data for 31/3/13 shows 234 young people NEET in Inner South, representing an increase
    to 8.6%." """
    neet = next(s for s in digest.sections if "NEET" in s.title)
    assert neet.text.startswith(
        "- The proportion of young people NEET has increased in Inner South, with 8.6% (234 young people NEET) at "
        "31 Mar 2013 (around 7.5% in previous reports, when the city figure was 6.0%); it was 9.9% (163) in JESS "
        "and 6.1% (71) in Beeston, Cottingley and Middleton."
    )
    earlier = {(f.geography, f.display, f.role) for f in neet.facts if f.period_label == "previous reports"}
    assert earlier == {("leeds-cc-inner-south", "7.5%", "earlier"), ("E08000035", "6.0%", "city earlier")}
    assert all(f.source.endswith("§3.5.1") for f in neet.facts)


def test_the_digest_opens_with_the_area_as_the_report_sets_it_out(digest: Digest) -> None:
    """§2.3 line 37: "4 children's centres, 14 primary schools and South Leeds Academy. The current population of
    0-18 year olds is 11,132 (Jan 2013 data) and this represents a 17% growth due to population change and the
    movement of Sharp Lane Primary into this cluster"; §2.5 line 44: "3 children's centres, 8 primary schools
    and Cockburn High School. The current population is 8,362 (Jan 2013 data) and this represents a 3 %
    population increase on the previous year." """
    context = next(s for s in digest.sections if s.title == "Context")
    assert context.lines == (
        "JESS has 4 children's centres and 14 primary schools (Jun 2013), and 11,132 children and young people aged "
        "0-18 (Jan 2013), up 17% on the year before (growth includes Sharp Lane Primary joining the cluster: not "
        "like-for-like).",
        "Beeston, Cottingley and Middleton has 3 children's centres and 8 primary schools (Jun 2013), and 8,362 "
        "children and young people aged 0-18 (Jan 2013), up 3% on the year before.",
    )
    assert {f.source.rsplit(", ", 1)[1] for f in context.facts} == {"§2.3", "§2.5"}


def test_the_committee_is_named_as_it_was_called_at_the_meeting(seeded_engine: Engine, digest: Digest) -> None:
    # Line 5: "Report to Inner South Area Committee"; today it is the Inner South Community Committee.
    assert digest.title.startswith("Inner South Area Committee: ") and digest.committee == "Inner South Area Committee"
    with Session(seeded_engine) as session, session.begin():
        add_meeting(session, "Inner South", date(2026, 12, 9), actor="test", channel="cli")
    with Session(seeded_engine) as session:
        today = compose(session, committees.find_committee(session, "Inner South"), date(2026, 12, 9))
    assert today.committee == "Inner South Community Committee"


def test_what_is_not_held_is_one_plain_sentence(digest: Digest, seeded_engine: Engine) -> None:
    absence = next(s for s in digest.sections if "absence" in s.title)
    assert absence.lines == ("No school absence figures are held for these areas for periods before the meeting.",)
    with Session(seeded_engine) as session:
        march = compose(session, committees.find_committee(session, "Inner South"), date(2013, 3, 20))
    looked_after = next(s for s in march.sections if "looked after" in s.title)
    assert looked_after.lines[-1] == "Nothing is held before the meeting on children looked after and CAFs open."
    assert "No figures before the meeting for:" not in march.text + digest.text


def test_each_source_document_is_named_once(digest: Digest) -> None:
    assert digest.sources == (
        "Update Report from Children's Services: report to Inner South Area Committee (19 Jun 2013), §2.3, §2.5, "
        "§3.1.2 and §3.5.1",
    )
    assert digest.text.count("Update Report from Children's Services") == 1


def test_context_years_before_the_meeting_is_flagged(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        later = compose(session, committees.find_committee(session, "Inner South"), date(2014, 9, 17))
    context = next(s for s in later.sections if s.title == "Context")
    # Newest: the provision counts as at the 19 Jun 2013 report (14 whole months before 17 Sep 2014).
    assert all(line.endswith(" The newest of these is 14 months old.") for line in context.lines)
