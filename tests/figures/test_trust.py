"""Answers a councillor can trust (issue 10): questions in councillors' words, each with the figure expected
and the file row or report paragraph it comes from.

Each figure case is checked three ways: the answer's first figure is the expected measure, place, period and
value; the answer cites the row or paragraph; and that row of the bundled DfE/ONS file (or the seed figure's
quotation from its report) really holds the value. Classes are the issue's: 1 rates and counts, 2 measure
families, 3 period labels, 4 the previous period, 5 statistical neighbours, 6 every measure reachable by words,
7 honest refusals, 8 understanding, 9 numbers as published (charts, class 10, are in test_chart_layout).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest

from bot.answer import Answer, Status
from bot.briefbot import Briefbot
from bot.figures.answering.wording import change
from data import db
from data.figures.catalogue import REFERENCE_DIR, SEED_DIR
from data.figures.queries import Fact, IndicatorInfo
from data.store import prepare

TODAY = date(2026, 11, 22)
LAIT = "lait_bds_long_leeds_sn_slice.csv"
CLA = "cla_number_and_rate_per_10k_children_leeds_slice.csv"
B1 = "b1_children_in_need_2013_to_2025_leeds_slice.csv"
NEET23 = "UD_NEETNK_LA_dashboard_2023_final_leeds_slice.csv"
ONS = "ons_mid-year_population_estimates_2012_to_2024_leeds_slice.csv"
ABSENCE = "attendance_EES_spr_data_202324_leeds_slice.csv"
WORKFORCE = "Summary of the journey: developing a skilled and stable workforce"
REC1 = "Recommendation 1, December 2010 update"


@dataclass(frozen=True)
class Row:
    """Line `line` (1 = the header) of a bundled official file."""

    file: str
    line: int


@dataclass(frozen=True)
class Para:
    """A seed report's section, as cited in data/seed/observations.csv."""

    locator: str


@dataclass(frozen=True)
class Case:
    cls: int
    question: str
    indicator: str
    place: str
    period_end: str
    value: float
    source: Row | Para


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Briefbot]:
    engine = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('trust') / 'store.sqlite3'}")
    prepare(engine, seed=True)
    yield Briefbot(engine, today=lambda: TODAY, strict=True)
    engine.dispose()


CASES = [
    Case(1, "cla per 10000 leeds 2025 vs england", "LAC_RATE", "E08000035", "2025-03-31", 85.0, Row(CLA, 42)),
    Case(1, "lac rate leeds", "LAC_RATE", "E08000035", "2025-03-31", 85.0, Row(CLA, 42)),
    Case(1, "children in care rate leeds vs england", "LAC_RATE", "E08000035", "2025-03-31", 85.0, Row(CLA, 42)),
    Case(1, "how many children are in care in leeds", "LAC_COUNT", "E08000035", "2025-03-31", 1498.0, Row(CLA, 42)),
    Case(1, "number of looked after children in leeds", "LAC_COUNT", "E08000035", "2025-03-31", 1498.0, Row(CLA, 42)),
    Case(8, "number of children in care in leeds", "LAC_COUNT", "E08000035", "2025-03-31", 1498.0, Row(CLA, 42)),
    Case(8, "number of children in care jess", "LAC_COUNT", "cluster-jess", "2013-03-31", 214.0, Para("§3.1.2")),
    Case(8, "kids in care jess", "LAC_COUNT", "cluster-jess", "2013-03-31", 214.0, Para("§3.1.2")),
    # Everyday words for measures published in their own terms.
    Case(6, "repeat child protection plans leeds", "LAIT_PREVREGCPR", "E08000035", "2025-03-31", 23.0, Row(LAIT, 125)),
    Case(6, "repeat cp plans in leeds vs england", "LAIT_PREVREGCPR", "E08000035", "2025-03-31", 23.0, Row(LAIT, 125)),
    Case(6, "how many children live in jess", "POP_0_18", "cluster-jess", "2013-01-31", 11132.0, Para("§2.3")),
    # "Compared with the year before" is the figure and its change, not a comparison with other places.
    Case(
        4,
        "children looked after leeds compared with the year before",
        "LAC_COUNT",
        "E08000035",
        "2025-03-31",
        1498.0,
        Row(CLA, 42),
    ),
    Case(4, "LAC leeds last year vs year before", "LAC_COUNT", "E08000035", "2025-03-31", 1498.0, Row(CLA, 42)),
    Case(
        8,
        "cp plans jess compared to the previous year",
        "CPP_COUNT",
        "cluster-jess",
        "2013-03-31",
        149.0,
        Para("§3.1.2"),
    ),
    Case(6, "referral rate leeds", "LAIT_CPP_TOTAL_RATEPER10000", "E08000035", "2025-03-31", 584.7, Row(LAIT, 1867)),
    Case(2, "how many children live in leeds", "POP_0_17", "E08000035", "2024-06-30", 176239.0, Row(ONS, 14)),
    Case(1, "cla jess vs england", "LAC_COUNT", "cluster-jess", "2013-03-31", 214.0, Para("§3.1.2")),
    Case(1, "cp rate leeds vs england", "CPP_RATE", "E08000035", "2025-03-31", 36.0, Row(LAIT, 866)),
    Case(1, "child protection rate england", "CPP_RATE", "E92000001", "2025-03-31", 40.6, Row(LAIT, 871)),
    Case(
        1,
        "how many children on child protection plans in leeds",
        "CPP_COUNT",
        "E08000035",
        "2025-03-31",
        634.0,
        Row(LAIT, 2647),
    ),
    Case(1, "number of children on cp plans leeds", "CPP_COUNT", "E08000035", "2025-03-31", 634.0, Row(LAIT, 2647)),
    Case(8, "cp plans jess", "CPP_COUNT", "cluster-jess", "2013-03-31", 149.0, Para("§3.1.2")),
    Case(8, "cp plns jesss", "CPP_COUNT", "cluster-jess", "2013-03-31", 149.0, Para("§3.1.2")),
    Case(8, "cp plans bcm", "CPP_COUNT", "cluster-bcm", "2013-03-31", 52.0, Para("§3.1.2")),
    Case(1, "children in need rate leeds", "CIN_RATE", "E08000035", "2025-03-31", 327.7, Row(LAIT, 736)),
    # The words name the count exactly ("children in need") but ask for its rate.
    Case(
        1,
        "what's the rate of children in need in leeds compared with england",
        "CIN_RATE",
        "E08000035",
        "2025-03-31",
        327.7,
        Row(LAIT, 736),
    ),
    Case(1, "percentage of children looked after leeds", "LAC_RATE", "E08000035", "2025-03-31", 85.0, Row(CLA, 42)),
    Case(8, "cin episodes started leeds", "CIN_STARTED_COUNT", "E08000035", "2025-03-31", 4893.0, Row(B1, 14)),
    Case(8, "children in need leeds", "CIN_COUNT", "E08000035", "2025-03-31", 5775.0, Row(B1, 14)),
    Case(8, "new children in need england", "CIN_STARTED_COUNT", "E92000001", "2025-03-31", 396870.0, Row(B1, 2)),
    Case(2, "neet leeds", "NEET_16_17_PCT", "E08000035", "2025-02-28", 4.9, Row(LAIT, 2751)),
    Case(2, "neet jess", "NEET_PCT", "cluster-jess", "2013-03-31", 9.9, Para("§3.5.1")),
    Case(2, "neet 16-18 leeds", "NEET_PCT", "E08000035", "2013-03-31", 5.5, Para("§3.5.1")),
    Case(2, "neet england", "NEET_16_17_PCT", "E92000001", "2025-02-28", 3.4, Row(LAIT, 2756)),
    Case(3, "neet 16-17 england 2023", "NEET_16_17_PCT", "E92000001", "2023-02-28", 2.8, Row(NEET23, 2)),
    Case(2, "neet or not known leeds", "NEET_OR_NOT_KNOWN_16_17_PCT", "E08000035", "2025-02-28", 8.8, Row(LAIT, 346)),
    Case(6, "NK Leeds", "NEET_NOT_KNOWN_16_17_PCT", "E08000035", "2023-02-28", 5.3, Row(NEET23, 22)),
    Case(6, "placement stability leeds", "LAIT_LACSTABLE_2016ON", "E08000035", "2025-03-31", 13.0, Row(LAIT, 2517)),
    Case(2, "not known neet leeds", "NEET_NOT_KNOWN_16_17_PCT", "E08000035", "2023-02-28", 5.3, Row(NEET23, 22)),
    Case(2, "young people neet in jess", "NEET_COUNT", "cluster-jess", "2013-03-31", 163.0, Para("§3.5.1")),
    Case(2, "neet in bcm", "NEET_PCT", "cluster-bcm", "2013-03-31", 6.1, Para("§3.5.1")),
    Case(2, "neet inner south", "NEET_PCT", "leeds-cc-inner-south", "2013-03-31", 8.6, Para("§3.5.1")),
    Case(2, "neet yorkshire", "NEET_16_17_PCT", "E12000003", "2025-02-28", 3.9, Row(LAIT, 2757)),
    Case(2, "trend neet leeds", "NEET_16_17_PCT", "E08000035", "2018-02-28", 2.655449, Row(LAIT, 2660)),
    Case(1, "lac rate trend leeds", "LAC_RATE", "E08000035", "2016-03-31", 76.0, Para("Story behind the baseline")),
    Case(1, "cp rate leeds since 2016", "CPP_RATE", "E08000035", "2016-03-31", 34.7, Row(LAIT, 749)),
    Case(4, "cafs jess", "CAF_INITIATED", "cluster-jess", "2013-03-31", 70.0, Para("§3.1.2")),
    Case(8, "cafs initiated in bcm", "CAF_INITIATED", "cluster-bcm", "2013-03-31", 79.0, Para("§3.1.2")),
    Case(8, "referrals jess", "REFERRAL_COUNT", "cluster-jess", "2013-03-31", 1266.0, Para("§3.1.2")),
    Case(8, "requests for service bcm", "RFS_COUNT", "cluster-bcm", "2013-03-31", 2182.0, Para("§3.1.2")),
    Case(5, "lac leeds vs statistical neighbours", "LAC_RATE", "E08000035", "2025-03-31", 85.0, Row(CLA, 42)),
    Case(5, "cp rate leeds vs statistical neighbours", "CPP_RATE", "E08000035", "2025-03-31", 36.0, Row(LAIT, 866)),
    Case(5, "LAC rate Leeds vs statistical neighbours", "LAC_RATE", "E08000035", "2025-03-31", 85.0, Row(CLA, 42)),
    Case(
        6,
        "initial child protection conferences leeds",
        "LAIT_ISCP_CONF",
        "E08000035",
        "2025-03-31",
        56.7,
        Row(LAIT, 1360),
    ),
    Case(6, "initial cp conferences in leeds", "LAIT_ISCP_CONF", "E08000035", "2025-03-31", 56.7, Row(LAIT, 1360)),
    Case(
        6,
        "children on a plan for a second time in leeds",
        "LAIT_PREVREGCPR",
        "E08000035",
        "2025-03-31",
        23.0,
        Row(LAIT, 125),
    ),
    Case(
        6,
        "children becoming subject of a plan for a second time england",
        "LAIT_PREVREGCPR",
        "E92000001",
        "2025-03-31",
        24.5,
        Row(LAIT, 130),
    ),
    Case(
        6, "three or more placements leeds", "LAIT_LACSTABLE_2016ON", "E08000035", "2025-03-31", 13.0, Row(LAIT, 2517)
    ),
    Case(
        6,
        "children in care with three or more placements",
        "LAIT_LACSTABLE_2016ON",
        "E08000035",
        "2025-03-31",
        13.0,
        Row(LAIT, 2517),
    ),
    Case(6, "cla persistent absentees", "LAIT_LAC_PERS_ABS", "E08000035", "2025-08-31", 21.2, Row(LAIT, 1477)),
    Case(
        6,
        "persistent absence of looked after children leeds",
        "LAIT_LAC_PERS_ABS",
        "E08000035",
        "2025-08-31",
        21.2,
        Row(LAIT, 1477),
    ),
    Case(
        6,
        "cin persistent absentees leeds",
        "LAIT_CINPERMABSENT_3TERM",
        "E08000035",
        "2025-08-31",
        52.2,
        Row(LAIT, 1230),
    ),
    Case(6, "section 47 enquiries leeds", "LAIT_SECTION_47", "E08000035", "2025-03-31", 175.7, Row(LAIT, 996)),
    Case(6, "section 47s england", "LAIT_SECTION_47", "E92000001", "2025-03-31", 189.3, Row(LAIT, 1001)),
    Case(6, "re-referrals leeds", "LAIT_REREFERRAL", "E08000035", "2025-03-31", 24.2, Row(LAIT, 1607)),
    Case(
        6, "rereferrals within 12 months england", "LAIT_REREFERRAL", "E92000001", "2025-03-31", 22.6, Row(LAIT, 1612)
    ),
    Case(
        6,
        "care leavers in education or training leeds",
        "LAIT_CARELEAVEREET",
        "E08000035",
        "2025-03-31",
        46.0,
        Row(LAIT, 476),
    ),
    Case(6, "care leavers neet leeds", "LAIT_CARELEAVERSNEET", "E08000035", "2025-03-31", 41.0, Row(LAIT, 1113)),
    Case(9, "core assessments within timescale", "CA_TIMELY_PCT", "E08000035", "2007-03-31", 68.0, Para("§5.41")),
    Case(9, "initial assessments in timescale", "IA_TIMELY_PCT", "E08000035", "2007-03-31", 76.0, Para("§5.41")),
    Case(8, "caseload cp teams", "SW_CASELOAD_CP_AVG", "E08000035", "2010-11-30", 21.6, Para(REC1)),
    Case(8, "advanced practitioners in post", "ADV_PRACTITIONER_COUNT", "E08000035", "2010-12-31", 14.0, Para(REC1)),
    Case(8, "agency social workers", "SW_AGENCY_PCT", "E08000035", "2011-12-31", 25.0, Para(WORKFORCE)),
    Case(9, "agency costs", "SW_AGENCY_COST", "E08000035", "2012-03-31", 4800000.0, Para(WORKFORCE)),
    Case(8, "population 0-17 leeds", "POP_0_17", "E08000035", "2024-06-30", 176239.0, Row(ONS, 14)),
    Case(8, "children population jess", "POP_0_18", "cluster-jess", "2013-01-31", 11132.0, Para("§2.3")),
    Case(8, "primary absence leeds", "ABSENCE_PRIMARY_PCT", "E08000035", "2024-03-31", 5.490682, Row(ABSENCE, 10)),
    Case(8, "absence leeds", "ABSENCE_PRIMARY_PCT", "E08000035", "2024-03-31", 5.490682, Row(ABSENCE, 10)),
    Case(
        8,
        "secondary persistent absence leeds",
        "PERSISTENT_ABSENCE_SECONDARY_YEAR_PCT",
        "E08000035",
        "2025-08-31",
        23.8,
        Row(LAIT, 2257),
    ),
    Case(6, "severe persistent absence leeds", "LAIT_TOTSEVPERABNEW", "E08000035", "2025-08-31", 2.95, Row(LAIT, 2985)),
    Case(8, "children starting care leeds", "LAC_STARTED_COUNT", "E08000035", "2025-03-31", 458.0, Row(CLA, 43)),
    Case(1, "children leaving care rate england", "LAC_CEASED_RATE", "E92000001", "2025-03-31", 28.0, Row(CLA, 2)),
    Case(
        8, "awaiting assessment leeds", "CIN_AWAITING_ASSESSMENT_COUNT", "E08000035", "2025-03-31", 209.0, Row(B1, 14)
    ),
    Case(4, "lac leeds 31/3/2024", "LAC_COUNT", "E08000035", "2024-03-31", 1546.0, Row(CLA, 123)),
    Case(4, "cla leeds march 2023", "LAC_COUNT", "E08000035", "2023-03-31", 1452.0, Row(CLA, 204)),
    Case(1, "cp rate leeds 2019/20", "CPP_RATE", "E08000035", "2020-03-31", 33.5, Row(LAIT, 801)),
    Case(2, "neet jess since 2010", "NEET_PCT", "cluster-jess", "2013-03-31", 9.9, Para("§3.5.1")),
    Case(9, "schools good or better", "SCHOOL_INSP_GOOD_PCT", "E08000035", "2011-02-14", 45.0, Para("§3.2")),
    Case(9, "residential homes good", "RES_HOMES_GOOD_PCT", "E08000035", "2011-02-14", 62.0, Para("§3.2")),
    Case(9, "population growth jess", "POP_0_18_GROWTH_PCT", "cluster-jess", "2013-01-31", 17.0, Para("§2.3")),
    Case(8, "contacts referred", "CONTACT_COUNT", "E08000035", "2007-03-31", 9076.0, Para("§5.47")),
    Case(8, "turnover rank", "SW_TURNOVER_RANK", "E08000035", "2018-09-30", 18.0, Para(WORKFORCE)),
    Case(8, "vacancy rank", "SW_VACANCY_RANK", "E08000035", "2018-09-30", 1.0, Para(WORKFORCE)),
    Case(9, "initial to core assessment", "CA_CONVERSION_PCT", "E08000035", "2007-03-31", 25.0, Para("§5.47")),
    Case(2, "neet target", "NEET_PCT", "E08000035", "2013-03-31", 5.5, Para("§3.5.1")),
    Case(8, "what do we know about jess", "LAC_COUNT", "cluster-jess", "2013-03-31", 214.0, Para("§3.1.2")),
    Case(8, "overview inner south", "NEET_PCT", "leeds-cc-inner-south", "2013-03-31", 8.6, Para("§3.5.1")),
    Case(
        1,
        "started to be looked after rate leeds 2018",
        "LAC_STARTED_RATE",
        "E08000035",
        "2018-03-31",
        25.0,
        Row(LAIT, 2764),
    ),
    Case(1, "cin rate yorkshire vs england", "CIN_RATE", "E12000003", "2025-03-31", 341.3, Row(LAIT, 742)),
    Case(4, "lac count england 2021", "LAC_COUNT", "E92000001", "2021-03-31", 80780.0, Row(CLA, 327)),
    Case(1, "cp plans england vs leeds", "CPP_RATE", "E92000001", "2025-03-31", 40.6, Row(LAIT, 871)),
    Case(8, "looked after children kirklees", "LAC_COUNT", "E08000034", "2025-03-31", 641.0, Row(CLA, 39)),
    Case(2, "neet sheffield", "NEET_16_17_PCT", "E08000039", "2025-02-28", 6.1, Row(LAIT, 2753)),
    Case(
        6,
        "rate of initial child protection conferences england",
        "LAIT_ISCP_CONF",
        "E92000001",
        "2025-03-31",
        59.2,
        Row(LAIT, 1365),
    ),
    Case(
        6, "second or subsequent cp plans kirklees", "LAIT_PREVREGCPR", "E08000034", "2025-03-31", 27.8, Row(LAIT, 124)
    ),
    Case(6, "cla placement stability leeds", "LAIT_LACSTABLE_2016ON", "E08000035", "2025-03-31", 13.0, Row(LAIT, 2517)),
    Case(
        6,
        "looked after children with 3 or more placements sheffield",
        "LAIT_LACSTABLE_2016ON",
        "E08000039",
        "2025-03-31",
        8.0,
        Row(LAIT, 2519),
    ),
    Case(
        6,
        "children in need persistent absentees england",
        "LAIT_CINPERMABSENT_3TERM",
        "E92000001",
        "2025-08-31",
        46.0,
        Row(LAIT, 1235),
    ),
    Case(6, "care leavers eet england", "LAIT_CARELEAVEREET", "E92000001", "2025-03-31", 54.0, Row(LAIT, 481)),
    Case(6, "section 47 enquiries rate sheffield", "LAIT_SECTION_47", "E08000039", "2025-03-31", 183.5, Row(LAIT, 998)),
    Case(
        8,
        "children in need episodes started in yorkshire",
        "CIN_STARTED_COUNT",
        "E12000003",
        "2025-03-31",
        41390.0,
        Row(B1, 3),
    ),
    Case(
        1,
        "number of children starting to be looked after england",
        "LAC_STARTED_COUNT",
        "E92000001",
        "2025-03-31",
        32270.0,
        Row(CLA, 4),
    ),
    Case(1, "how many cp plans in kirklees", "CPP_COUNT", "E08000034", "2025-03-31", 483.0, Row(LAIT, 2646)),
    Case(1, "cp rate kirklees vs leeds", "CPP_RATE", "E08000034", "2025-03-31", 48.4, Row(LAIT, 865)),
    Case(3, "neet leeds 2019", "NEET_16_17_PCT", "E08000035", "2019-02-28", 2.0, Row(LAIT, 2673)),
    Case(2, "neet leeds trend", "NEET_16_17_PCT", "E08000035", "2018-02-28", 2.655449, Row(LAIT, 2660)),
    Case(8, "absence england", "ABSENCE_PRIMARY_PCT", "E92000001", "2024-03-31", 5.645319, Row(ABSENCE, 26)),
    Case(1, "lac rate leeds 31/3/2021", "LAC_RATE", "E08000035", "2021-03-31", 75.0, Row(CLA, 366)),
    Case(4, "cla leeds 2022/23", "LAC_COUNT", "E08000035", "2023-03-31", 1452.0, Row(CLA, 204)),
    Case(4, "cp plans jess 2012", "CPP_COUNT", "cluster-jess", "2012-03-31", 93.0, Para("§3.1.2")),
    Case(4, "cafs jess 2011/12", "CAF_INITIATED", "cluster-jess", "2012-03-31", 84.0, Para("§3.1.2")),
    Case(6, "re-referrals within 12 months leeds", "LAIT_REREFERRAL", "E08000035", "2025-03-31", 24.2, Row(LAIT, 1607)),
    Case(8, "initial assessments within timescale", "IA_TIMELY_PCT", "E08000035", "2007-03-31", 76.0, Para("§5.41")),
]

# (question, status, words the answer must say): no figure is invented where none is held.
REFUSALS = [
    ("crime in beeston", "no_data", "I hold no figures on crime."),
    ("house prices in jess", "no_data", "I hold no figures on house prices."),
    ("who is the director", "not_understood", "I hold no figures on that."),
    ("weather", "not_understood", "I hold no figures on that."),
    ("neet in narnia", "not_understood", "“narnia”"),
    ("lac rate leeds 2015", "no_data", "No figures on children looked after rate for Leeds for 2015."),
    ("cp plans jess last year", "no_data", "No figures on child protection plans for the JESS cluster for 2025."),
    ("cp plans in beeston", "clarify", "JESS cluster (school cluster, takes in Beeston Hill)"),
    ("neet beeston", "clarify", "Beeston, Cottingley and Middleton cluster (school cluster)"),
    ("absence leeds vs statistical neighbours", "no_data", "Nothing to compare with: Leeds had 5.5%"),
]


def test_there_are_at_least_eighty_questions_covering_every_class() -> None:
    assert len(CASES) + len(REFUSALS) >= 80
    assert {case.cls for case in CASES} | {7} >= set(range(1, 10))


@pytest.mark.parametrize("case", CASES, ids=[case.question for case in CASES])
def test_the_figure_is_the_one_asked_for(bot: Briefbot, case: Case) -> None:
    answer = bot.ask(case.question)
    assert answer.status is Status.ANSWER, answer.text
    first = answer.facts[0]
    assert (first.indicator, first.geography, first.period_end.isoformat()) == (
        case.indicator,
        case.place,
        case.period_end,
    ), answer.text
    assert first.value == pytest.approx(case.value)
    if isinstance(case.source, Row):
        assert f"row {case.source.line}," in first.source
    else:
        assert first.source.endswith(case.source.locator)
    _status_matches_content(answer)


@pytest.mark.parametrize("case", CASES, ids=[case.question for case in CASES])
def test_the_source_holds_the_figure(case: Case) -> None:
    if isinstance(case.source, Row):
        with (REFERENCE_DIR / case.source.file).open(newline="", encoding="utf-8-sig") as handle:
            row = list(csv.reader(handle))[case.source.line - 1]
        assert any(_number(cell) == pytest.approx(case.value) for cell in row), row
        return
    with (SEED_DIR / "observations.csv").open(newline="", encoding="utf-8") as handle:
        rows = [
            row
            for row in csv.DictReader(handle)
            if (row["indicator"], row["geography"], row["period_end"]) == (case.indicator, case.place, case.period_end)
        ]
    assert rows and float(rows[0]["value"]) == pytest.approx(case.value)
    assert rows[0]["source_locator"] == case.source.locator
    report = (SEED_DIR / "reports" / rows[0]["source_document"]).read_text(encoding="utf-8")
    assert " ".join(rows[0]["source_quote"].split())[:40] in " ".join(report.split())


def _number(cell: str) -> float | None:
    try:
        return float(cell.replace(",", ""))
    except ValueError:
        return None


@pytest.mark.parametrize(("question", "status", "words"), REFUSALS, ids=[row[0] for row in REFUSALS])
def test_honest_refusals_and_questions_back(bot: Briefbot, question: str, status: str, words: str) -> None:
    answer = bot.ask(question)
    assert answer.status.value == status, answer.text
    assert words in answer.text
    _status_matches_content(answer)


def _status_matches_content(answer: Answer) -> None:
    """An answer states a figure; a refusal says so in its headline; nothing wraps the other."""
    refusal = answer.headline.startswith(("No figure", "Nothing to compare", "I hold no", "Sorry"))
    if answer.status is Status.ANSWER:
        assert answer.facts and not refusal and " is ." not in answer.text
    if answer.status in {Status.NO_DATA, Status.NOT_UNDERSTOOD}:
        assert refusal, answer.headline


@pytest.mark.parametrize(
    ("question", "qualifier"),
    [
        ("cp plans for neglect in leeds", "neglect"),
        ("boys NEET leeds", "boys"),
        ("disabled children looked after in Leeds", "disabled"),
        ("trend of cp plans for under fives in leeds", "fives"),
        ("CP plans Leeds please", None),
        ("has cp gone up in leeds", None),
        ("cp rate leeds per 10k", None),
        ("NEET in JESS again, thanks", None),
    ],
)
def test_a_narrower_figure_than_held_is_said_to_be_the_whole(
    bot: Briefbot, question: str, qualifier: str | None
) -> None:
    """A word that narrows the measure ("for neglect") is never dropped silently: the answer says it covers all."""
    answer = bot.ask(question)
    assert answer.status is Status.ANSWER, answer.text
    said = [line for line in answer.text.splitlines() if line.startswith("This figure covers all")]
    if qualifier is None:
        assert said == [], answer.text
    else:
        assert len(said) == 1 and f"“{qualifier}" in said[0] and "separately" in said[0], answer.text


def test_the_change_is_from_the_period_before_of_the_same_kind(bot: Briefbot) -> None:
    assert "Down from 84 in 2011/12" in bot.ask("cafs jess").text
    assert "from 674 at 31 Mar 2024" in bot.ask("cp plans leeds").text


def test_counts_of_places_of_different_sizes_come_with_the_rate_beside_them(bot: Briefbot) -> None:
    for question in (
        "how many kids in care in leeds compared with england",
        "number of children in care leeds vs yorkshire",
    ):
        answer = bot.ask(question)
        assert [fact.indicator for fact in answer.facts if fact.role == "asked"] == ["LAC_COUNT"]
        rates = [fact for fact in answer.facts if fact.role == "companion"]
        assert [fact.indicator for fact in rates] == ["LAC_RATE", "LAC_RATE"]
        # The conclusion is drawn from the rates (CLA file, row 42: Leeds 85 per 10,000), not the counts.
        assert "compared as rates" in answer.sentences[0] and "85 per 10,000" in answer.sentences[0]
        assert answer.sentences[1].startswith("Allowing for size, Leeds is")
        assert "no rate or population is held" not in answer.text


def test_gaps_are_between_the_figures_as_shown(bot: Briefbot) -> None:
    # LAIT: Leeds 5.49, England 5.65 primary absence; shown 5.5% and 5.6%, so the gap is 0.1.
    text = bot.ask("absence leeds").text
    assert "0.1 percentage points below England (5.6%)" in text
    assert "Up from 58% in 2005/06 (10 percentage points higher)" in bot.ask("core assessments within timescale").text


def test_no_article_before_a_place_name(bot: Briefbot) -> None:
    text = bot.ask("cp plans jess last year").text
    assert "Leeds had 634 at 31 Mar 2025." in text and "The Leeds" not in text


def test_neighbours_listed_leeds_first_then_highest_to_lowest(bot: Briefbot) -> None:
    answer = bot.ask("LAC rate Leeds vs statistical neighbours")
    assert answer.facts[0].geography_name == "Leeds"
    values = [fact.value or 0.0 for fact in answer.facts[1:] if fact.role != "average"]
    assert values == sorted(values, reverse=True)
    assert "figures for 10 of 10 neighbours" in answer.text
    # and their average, as LAIT makes it: the unweighted mean of the ten, beside them
    (average,) = [fact for fact in answer.facts if fact.role == "average"]
    assert average.value == pytest.approx(sum(values) / 10)


def test_a_button_is_offered_only_if_it_answers(bot: Briefbot) -> None:
    assert bot.ask("agency costs trend").follow_ups == ()
    for question in ("neet jess", "cp rate leeds", "cafs jess", "absence leeds"):
        for option in bot.ask(question).follow_ups:
            followed = bot.ask(option.question)
            assert followed.status is Status.ANSWER, (question, option.question, followed.text)


def _fact(value: float, year: int, decimals: int | None = 1) -> Fact:
    return Fact(
        "X", "E08000035", "Leeds", "local_authority", date(year, 3, 31), date(year, 3, 31), "snapshot", "",
        value, None, None, None, "final", "doc", "row 1", None, decimals,
    )  # fmt: skip


def _info(unit: str = "percent", polarity: str = "lower_is_better") -> IndicatorInfo:
    return IndicatorInfo("X", "X", "X", unit, 1, polarity, "X", "t", "d", "s")


def test_one_step_of_the_published_precision_is_about_the_same() -> None:
    assert change(_fact(5.4, 2024), _fact(5.5, 2025), _info()).endswith(": about the same.")
    assert change(_fact(5.4, 2024), _fact(5.9, 2025), _info()).endswith(": worsening.")
    assert change(_fact(634, 2024, 0), _fact(635, 2025, 0), _info("count", "no_judgement")).endswith("about the same.")
    assert change(_fact(3, 2024, 0), _fact(4, 2025, 0), _info("count", "no_judgement")).endswith(": increasing.")
    assert change(_fact(18, 2024, 0), _fact(17, 2025, 0), _info("rank")).endswith(": improving.")


def test_a_count_published_apart_from_its_rate_still_comes_with_the_rate(bot: Briefbot) -> None:
    """LAIT publishes referrals and their rate per 10,000 as two measures; they answer as one family."""
    answer = bot.ask("referrals leeds per 10,000 vs england")
    assert "no rate is held" not in answer.text
    assert "Leeds 584.7 per 10,000; England 519.4 per 10,000" in answer.text, answer.text


def test_a_figures_own_caveat_stays_with_it_beside_another_place(bot: Briefbot) -> None:
    answer = bot.ask("population growth JESS vs BCM")
    assert "Note (JESS cluster): Growth includes Sharp Lane Primary joining the cluster" in answer.text, answer.text


def test_a_range_is_named_not_spelled_out_in_lists_and_titles(bot: Briefbot) -> None:
    answer = bot.ask("NEET 16-18 leeds")
    assert "Also held for this place: NEET 16-17 (%) to end of 2024." in answer.text, answer.text
    trend = bot.ask("trend neet 16-17 leeds")
    assert trend.chart is not None and trend.chart.title.endswith("end of 2017 to end of 2024"), trend.chart
