"""Official statistics importers: every reference file twice, rejection of a broken row, generic mode."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.app.cli import main
from data import db
from data.figures import queries
from data.figures.catalogue import REFERENCE_DIR
from data.figures.importers import GenericRequest, ImportRejected, ImportReport, MappingError
from data.figures.importers.generic import create_indicator
from data.figures.importers.long_csv import export_rows, write_csv
from data.figures.importers.official import import_file
from data.figures.importers.periods import period_for
from data.models import Indicator, ObservationRevision
from data.store import prepare
from tests.conftest import BACKENDS

OFFICIAL = [
    "cla_number_and_rate_per_10k_children_leeds_slice.csv",
    "b1_children_in_need_2013_to_2025_leeds_slice.csv",
    "UD_NEETNK_LA_dashboard_2022_final_leeds_slice.csv",
    "UD_NEETNK_LA_dashboard_2023_final_leeds_slice.csv",
    "ons_mid-year_population_estimates_2012_to_2024_leeds_slice.csv",
    "attendance_EES_spr_data_202324_leeds_slice.csv",
    "lait_bds_long_leeds_sn_slice.csv",
]


@pytest.fixture
def store(empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=False)
    return empty_engine


def _export(engine: Engine) -> str:
    buffer = io.StringIO()
    with Session(engine) as session:
        write_csv(export_rows(session), buffer)
    return buffer.getvalue()


def _import(engine: Engine, path: Path) -> ImportReport:
    with Session(engine) as session, session.begin():
        return import_file(session, path, actor="test")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("name", OFFICIAL)
def test_each_reference_file_imported_twice_gives_the_same_store(store: Engine, name: str) -> None:
    first = _import(store, REFERENCE_DIR / name)
    assert first.figures.created > 0
    snapshot = _export(store)
    second = _import(store, REFERENCE_DIR / name)
    assert (second.figures.created, second.figures.updated) == (0, 0)
    assert second.figures.unchanged == first.figures.created + first.figures.updated
    assert _export(store) == snapshot


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_broken_row_rejects_the_whole_file(store: Engine, tmp_path: Path) -> None:
    source = REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv"
    lines = source.read_text(encoding="utf-8-sig").splitlines()
    lines[7] = lines[7].rsplit(",", 1)[0] + ",eighty"
    broken = tmp_path / source.name
    broken.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = _export(store)
    with pytest.raises(ImportRejected) as raised:
        _import(store, broken)
    assert raised.value.problems[0].line == 8
    assert "rate_per_10000 'eighty' is neither a number nor a suppression symbol" in raised.value.problems[0].reason
    assert _export(store) == before


def test_suppression_symbols_are_symbols_not_numbers(store: Engine) -> None:
    _import(store, REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv")
    with Session(store) as session:
        scilly = queries.latest(session, "LAC_RATE", "E06000053")
        london = queries.series(session, "LAC_COUNT", "E09000001")
    assert scilly is not None and (scilly.value, scilly.symbol) == (None, "z")
    assert "c" in {fact.symbol for fact in london}


def test_float_noise_is_rounded_and_lait_creates_indicators_from_its_dictionary(store: Engine) -> None:
    report = _import(store, REFERENCE_DIR / "lait_bds_long_leeds_sn_slice.csv")
    assert report.skipped["LAIT cells marked '-' (no figure)"] == 91
    assert "LAIT_REREFERRAL" in report.created_indicators
    with Session(store) as session:
        cin = queries.series(session, "CIN_RATE", "E08000035")
        rereferral = session.scalars(select(Indicator).where(Indicator.code == "LAIT_REREFERRAL")).one()
    assert 301.1 in [fact.value for fact in cin]  # published as 301.10000000000002
    assert (rereferral.polarity, rereferral.unit) == ("lower_is_better", "percent")


def test_geographies_by_code_then_name_with_a_warning(store: Engine, tmp_path: Path) -> None:
    source = REFERENCE_DIR / "ons_mid-year_population_estimates_2012_to_2024_leeds_slice.csv"
    rows = list(csv.DictReader(source.open(encoding="utf-8-sig")))
    leeds = next(row for row in rows if row["la_name"] == "Leeds" and row["time_period"] == "2024")
    leeds.update(new_la_code="", old_la_code="")
    path = tmp_path / "population_by_name.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerow(leeds)
    report = _import(store, path)
    assert report.figures.created == 1
    assert report.warnings == ["line 2: 'Leeds' matched by name, not code"]


def test_a_revised_publication_keeps_the_previous_value_in_history(store: Engine, tmp_path: Path) -> None:
    source = REFERENCE_DIR / "UD_NEETNK_LA_dashboard_2023_final_leeds_slice.csv"
    _import(store, source)
    rows = list(csv.DictReader(source.open(encoding="utf-8-sig")))
    leeds = next(row for row in rows if row["la_name"] == "Leeds")
    leeds["NEET_percent"] = "4.0"
    revised = tmp_path / source.name
    with revised.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    report = _import(store, revised)
    assert report.figures.updated == 1
    with Session(store) as session:
        latest = queries.latest(session, "NEET_16_17_PCT", "E08000035")
        history = session.scalars(select(ObservationRevision)).all()
    assert latest is not None and latest.value == 4.0
    assert [revision.previous["value"] for revision in history] == [3.9]


def test_unknown_file_needs_generic_mode_which_then_imports(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "foster_carers.csv"
    path.write_text(
        "time_period,time_identifier,geographic_level,country_code,country_name,new_la_code,la_name,carer_type,carers\n"
        "2024,Reporting year,National,E92000001,England,,,All,37000\n"
        "2024,Reporting year,Local authority,E92000001,England,E08000035,Leeds,All,610\n"
        "2024,Reporting year,Local authority,E92000001,England,E08000035,Leeds,Kinship,c\n",
        encoding="utf-8",
    )
    with pytest.raises(MappingError, match="generic mode"), Session(store) as session:
        import_file(session, path, actor="test")
    request = GenericRequest("FOSTER_CARERS", "carers", (("carer_type", "All"),), name="Foster carers", unit="count")
    with Session(store) as session, session.begin():
        assert create_indicator(session, request, actor="test")
        report = import_file(session, path, actor="test", generic=request)
    assert report.figures.created == 2
    with Session(store) as session:
        leeds = queries.latest(session, "FOSTER_CARERS", "E08000035")
    assert leeds is not None and leeds.value == 610 and leeds.period_end.isoformat() == "2024-03-31"


def test_generic_mode_without_name_for_a_new_indicator_says_so(store: Engine) -> None:
    with pytest.raises(MappingError, match="give --name and --unit"), Session(store) as session:
        create_indicator(session, GenericRequest("NEW_THING", "x"), actor="test")


@pytest.mark.parametrize(
    ("rule", "time_period", "identifier", "start", "end"),
    [
        ("snapshot_31_march", "2025", "Reporting year", "2025-03-31", "2025-03-31"),
        ("financial_year_ending", "2025", "Reporting year", "2024-04-01", "2025-03-31"),
        # The NEET dashboard: "2024" is end of 2023, Dec 2023 to Feb 2024 (29 days: a leap year).
        ("dec_feb_average", "2024", "Calendar year", "2023-12-01", "2024-02-29"),
        ("dec_feb_average", "2023", "Calendar year", "2022-12-01", "2023-02-28"),
        ("snapshot_31_march", "2013", "Annual", "2013-03-31", "2013-03-31"),
        ("academic_year_ending", "2025", "Academic Year", "2024-09-01", "2025-08-31"),
        ("calendar_year", "2024", "Calendar year", "2024-01-01", "2024-12-31"),
        ("term", "202324", "Spring term", "2024-01-01", "2024-03-31"),
        ("academic_year_code", "202324", "Academic year", "2023-09-01", "2024-08-31"),
        ("mid_year", "2024", "Reporting year", "2024-06-30", "2024-06-30"),
    ],
)
def test_time_periods_read_per_time_identifier(
    rule: str, time_period: str, identifier: str, start: str, end: str
) -> None:
    period = period_for(rule, time_period, identifier)
    assert (period.start.isoformat(), period.end.isoformat()) == (start, end)


def test_cli_import_reports_rows_and_skips(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.sqlite3'}"
    runner = CliRunner()
    copy = tmp_path / "lait.csv"
    shutil.copy(REFERENCE_DIR / "lait_bds_long_leeds_sn_slice.csv", copy)
    result = runner.invoke(main, ["--database-url", url, "--no-seed", "import", str(copy)])
    assert result.exit_code == 0, result.output
    assert "2,990 rows read" in result.output and "Skipped 91 LAIT cells marked '-' (no figure)" in result.output
    generic = runner.invoke(main, ["--database-url", url, "import", str(copy), "--indicator", "X"])
    assert generic.exit_code == 2 and "needs both --indicator and --column" in generic.output
    with Session(db.make_engine(url)) as session:
        assert session.scalar(select(func.count()).select_from(Indicator).where(Indicator.code.like("LAIT_%"))) == 14


def test_reloading_seed_and_official_files_changes_nothing(empty_engine: Engine) -> None:
    from data.bundled import load_official, load_seed

    prepare(empty_engine, seed=True)
    before = _export(empty_engine)
    with Session(empty_engine) as session:
        revisions = session.scalar(select(func.count()).select_from(ObservationRevision))
    with Session(empty_engine) as session, session.begin():
        seed = load_seed(session)
        official = load_official(session)
    assert (seed.created, seed.updated) == (0, 0)
    assert all((report.figures.created, report.figures.updated) == (0, 0) for report in official)
    with Session(empty_engine) as session:
        assert session.scalar(select(func.count()).select_from(ObservationRevision)) == revisions
    assert _export(empty_engine) == before
