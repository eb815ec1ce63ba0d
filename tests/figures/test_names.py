"""The names councillors use for councils, regions, groups and measures, and any council at home (issue 22).

Words are checked where they become codes (the language layer); answers with figures inserted here, each
checked against the row written, so the test holds before and after the national data is bundled."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.answer import Status
from bot.briefbot import Briefbot
from bot.figures.language import places
from bot.figures.language.authorities import Home, at_home, beside_authority
from bot.figures.language.lexicon import Lexicon, load_lexicon
from bot.figures.language.understanding import understand
from data import db
from data.figures.catalogue import REFERENCE_DIR, read_csv
from data.figures.groups import CORE_CITIES, neighbour_group
from data.figures.periods import snapshot
from data.figures.place_names import Authority, load_authorities, rule_forms, short_forms
from data.figures.writes import ObservationInput, write_observations
from data.store import prepare

TODAY = date(2026, 11, 22)
MODEL_2025 = date(2025, 6, 1)
LEEDS, MANCHESTER, BRADFORD = "E08000035", "E08000003", "E08000032"
NORTH_WEST, YORKSHIRE = "E12000002", "E12000003"


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    made = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('names') / 'store.sqlite3'}")
    prepare(made, seed=True, official=False)
    yield made
    made.dispose()


@pytest.fixture(scope="module")
def store_lexicon(engine: Engine) -> Lexicon:
    with Session(engine) as session:
        return load_lexicon(session)


AT_LEEDS = Home()


def _places(lexicon: Lexicon, text: str, home: Home = AT_LEEDS) -> list[str]:
    homed = at_home(lexicon, home)
    question = understand(text, homed, TODAY)
    said = [(m.phrase, places.choose_place(m, homed, (), TODAY).code) for m in question.places]
    return beside_authority(homed, home, said)


SHORT_FORMS = [
    ("cp rate hull", "E06000010"),
    ("cp rate Kingston", "E09000021"),  # Thames: Hull is always "Hull" (place_names.csv)
    ("cp rate kingston upon hull", "E06000010"),
    ("lac BCP", "E06000058"),
    ("lac bournemouth", "E06000058"),  # the live authority; the pre-2019 Bournemouth holds no figures here
    ("cin rate Bristol", "E06000023"),
    ("cin rate durham", "E06000047"),
    ("neet brighton", "E06000043"),
    ("neet Brighton & Hove", "E06000043"),
    ("neet southend", "E06000033"),
    ("neet stoke", "E06000021"),
    ("neet telford", "E06000020"),
    ("neet windsor", "E06000040"),
    ("neet herefordshire", "E06000019"),
    ("neet St Helens", "E08000013"),
    ("neet St. Helens", "E08000013"),
    ("neet saint helens", "E08000013"),
    ("cp rate bradford", BRADFORD),
    ("cp rate bradford council", BRADFORD),
    ("neet newcastle", "E08000021"),
    ("neet richmond", "E09000027"),
    ("neet B&NES", "E06000022"),
    ("neet east riding", "E06000011"),
    ("neet notts", "E10000024"),
]


@pytest.mark.parametrize(("text", "code"), SHORT_FORMS)
def test_short_forms_name_one_council(store_lexicon: Lexicon, text: str, code: str) -> None:
    assert _places(store_lexicon, text) == [code]


REGIONS = [
    ("neet yorkshire", YORKSHIRE),
    ("neet yorks", YORKSHIRE),  # not York, which a typo match would pick
    ("neet Yorkshire and Humber", YORKSHIRE),
    ("neet the North East", "E12000001"),
    ("neet NE", "E12000001"),
    ("neet London", "E12000007"),  # never the City of London
    ("neet the South West", "E12000009"),
    ("neet East Midlands", "E12000004"),
    ("neet West Mids", "E12000005"),
    ("neet north west", NORTH_WEST),
]


@pytest.mark.parametrize(("text", "code"), REGIONS)
def test_a_regions_shortening_is_the_region(store_lexicon: Lexicon, text: str, code: str) -> None:
    assert _places(store_lexicon, text) == [code]


def test_ne_lincs_is_the_council_not_the_region(store_lexicon: Lexicon) -> None:
    assert _places(store_lexicon, "cp rate ne lincs vs north east") == ["E06000012", "E12000001"]


def test_every_live_council_is_found_by_its_official_name_and_its_short_forms(store_lexicon: Lexicon) -> None:
    authorities = [a for a in load_authorities(REFERENCE_DIR) if a.live and "/" not in a.name]
    regions = [spec.name for spec in store_lexicon.geographies.values() if spec.type == "region"]
    made = short_forms(authorities, regions, {})
    for authority in authorities:
        for text in {authority.name, *made[authority.code]}:
            assert _places(store_lexicon, f"cp rate {text}") == [authority.code], text


def test_rules_drop_city_of_county_and_upon() -> None:
    assert rule_forms("Kingston upon Hull, City of") == ["kingston upon hull", "kingston"]
    assert rule_forms("Herefordshire, County of") == ["herefordshire"]
    assert rule_forms("County Durham") == ["durham"]
    assert rule_forms("Stoke-on-Trent") == ["stoke"]
    assert rule_forms("Kingston upon Thames / Richmond upon Thames") == []
    both = [Authority("A", "Kingston upon Hull, City of", True), Authority("B", "Kingston upon Thames", True)]
    forms = short_forms([*both, Authority("C", "City of London", True)], ["London"], {})
    assert "kingston" not in forms["A"] + forms["B"]  # two live councils share it: the hand file decides
    assert forms["C"] == []  # "london" is the region


def _model_2025_neighbours(old_code: str) -> list[str]:
    by_old = {a.old_code: a.code for a in load_authorities(REFERENCE_DIR) if a.live}
    row = next(r for r in read_csv(REFERENCE_DIR / "sn_model_2025_wide.csv") if r["old_la_code"] == old_code)
    return sorted(by_old[row[f"SN_{n}"]] for n in range(1, 11))


def test_any_councils_neighbours_by_the_model_in_force(store_lexicon: Lexicon) -> None:
    assert _places(store_lexicon, "cp rate bradford vs statistical neighbours") == [BRADFORD, f"sn-{BRADFORD}"]
    assert _places(store_lexicon, "cp rate bradford's statistical neighbours") == [BRADFORD, f"sn-{BRADFORD}"]
    group = neighbour_group(MANCHESTER)
    assert sorted(places.group_members(store_lexicon, group, MODEL_2025)) == _model_2025_neighbours("352")
    older = places.group_members(store_lexicon, group, date(2022, 1, 1))
    assert len(older) == 10 and sorted(older) != _model_2025_neighbours("352")


def test_home_decides_we_the_city_neighbours_and_the_region(store_lexicon: Lexicon) -> None:
    manchester = Home(MANCHESTER)
    assert _places(store_lexicon, "cp rate vs statistical neighbours", manchester) == [MANCHESTER, f"sn-{MANCHESTER}"]
    assert _places(store_lexicon, "how are we doing on cp rate", manchester) == [MANCHESTER]
    assert _places(store_lexicon, "how do we compare with bradford on cp rate") == [LEEDS, BRADFORD]
    assert _places(store_lexicon, "our neet rate in jess") == ["cluster-jess"]
    assert _places(store_lexicon, "cla rate the city vs the region", manchester) == [MANCHESTER, NORTH_WEST]
    assert _places(store_lexicon, "cla rate the city vs the region") == [LEEDS, YORKSHIRE]
    # named beside another council, the general words are that council's own
    assert _places(store_lexicon, "cp rate bradford vs the region", manchester) == [BRADFORD, YORKSHIRE]
    assert _places(store_lexicon, "cp rate leeds vs manchester statistical neighbours") == [LEEDS, f"sn-{MANCHESTER}"]


def test_core_cities_default_and_edited(store_lexicon: Lexicon) -> None:
    shipped = sorted(row["code"] for row in read_csv(REFERENCE_DIR / "core_cities.csv"))
    assert _places(store_lexicon, "cp rate vs core cities") == [LEEDS, CORE_CITIES]
    assert sorted(places.group_members(at_home(store_lexicon, Home()), CORE_CITIES, TODAY)) == shipped
    edited = at_home(store_lexicon, Home(LEEDS, ("E08000025", "E06000023")))
    assert places.group_members(edited, CORE_CITIES, TODAY) == ["E08000025", "E06000023"]


@pytest.mark.parametrize(
    ("text", "code"),
    [("s47 leeds", "LAIT_SECTION_47"), ("section 47 enquiries leeds", "LAIT_SECTION_47"), ("icpcs", "LAIT_ISCP_CONF")],
)
def test_officers_abbreviations(text: str, code: str, official_lexicon: Lexicon) -> None:
    question = understand(text, official_lexicon, TODAY)
    assert code in dict(question.indicators[0].candidates)


@pytest.fixture(scope="module")
def official_lexicon(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lexicon]:
    made = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('official') / 'store.sqlite3'}")
    prepare(made, seed=True)
    with Session(made) as session:
        yield load_lexicon(session)
    made.dispose()


def test_measure_words_name_lait_codes() -> None:
    """Each row names a seed indicator or a LAIT measure by the code the importer gives it."""
    seed = {row["code"] for row in read_csv(REFERENCE_DIR.parent / "seed" / "indicators.csv")}
    for row in read_csv(REFERENCE_DIR / "measure_words.csv"):
        assert row["indicator"] in seed or row["indicator"].startswith("LAIT_"), row
        assert row["words"].strip()


@pytest.fixture(scope="module")
def manchester_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Another council at home: official data only (no Leeds report figures, wards or clusters), with CP rates
    written here for Manchester and its 2025-model neighbours."""
    made = db.make_engine(f"sqlite:///{tmp_path_factory.mktemp('manchester') / 'store.sqlite3'}")
    prepare(made, seed=True, official=False, local=False)
    yield made
    made.dispose()


def test_manchester_at_home_against_its_neighbours(manchester_engine: Engine) -> None:
    neighbours = _model_2025_neighbours("352")
    written = {MANCHESTER: 61.2, **{code: 40.0 + index * 1.5 for index, code in enumerate(neighbours[:7])}}
    rows = [
        ObservationInput(
            "CPP_RATE", code, snapshot(date(2025, 3, 31)), value, source_document="test", source_locator=f"row {n}"
        )
        for n, (code, value) in enumerate(written.items())
    ]
    with Session(manchester_engine) as session, session.begin():
        write_observations(session, rows, actor="test", channel="cli", reason="test")
    bot = Briefbot(manchester_engine, today=lambda: TODAY, strict=True, neighbours_on=MODEL_2025, home=Home(MANCHESTER))
    answer = bot.ask("cp rate vs statistical neighbours")
    assert answer.status is Status.ANSWER
    assert (answer.facts[0].geography, answer.facts[0].value) == (MANCHESTER, 61.2)
    members = {fact.geography: fact.value for fact in answer.facts if fact.role == "comparator"}
    assert members == {code: value for code, value in written.items() if code != MANCHESTER}
    (average,) = [fact for fact in answer.facts if fact.role == "average"]
    assert average.value == pytest.approx(sum(members.values()) / 7)  # unweighted, as LAIT
    assert "figures for 7 of 10 neighbours" in answer.text
    assert "JESS" not in bot.ask("neet jess").text or bot.ask("neet jess").status is not Status.ANSWER
    with Session(manchester_engine) as session:
        lexicon = load_lexicon(session)
    assert not any(info.type in {"ward", "school_cluster", "committee_area"} for info in lexicon.geographies.values())


def test_the_regions_councils_side_by_side(engine: Engine) -> None:
    """ "the region's LAs": every council of the region with the figure, each its own row (inserted here)."""
    written = {"E08000032": 51.0, "E08000033": 44.5, "E08000036": 39.25}
    rows = [
        ObservationInput(
            "CPP_RATE", code, snapshot(date(2026, 3, 31)), value, source_document="test", source_locator="r"
        )
        for code, value in written.items()
    ]
    with Session(engine) as session, session.begin():
        write_observations(session, rows, actor="test", channel="cli", reason="test")
    bot = Briefbot(engine, today=lambda: TODAY, strict=True)
    for text in (
        "cp rate the region's LAs 2026",
        "compare cp rate across yorkshire 2026",
        "cp rate councils in y&h 2026",
    ):
        answer = bot.ask(text)
        assert {fact.geography: fact.value for fact in answer.facts if fact.role == "asked"} == written, text
