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
