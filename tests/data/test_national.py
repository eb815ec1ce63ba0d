"""The national DfE files: every LAIT `Years` shape read by its year type, suppression, byte-order marks, a
malformed row refused whole, an unseen national file by the generic path, and the figures councillors asked
for, each stored with its period and its LAIT or EES citation. Both backends.

The figures come from the shipped national files themselves, cut down here to the rows a test needs (the
whole table loads in `make bench`, not in the suite)."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data.bundled import COVERED_BY_NATIONAL, official_files
from data.figures.catalogue import NATIONAL_DIR
from data.figures.importers import GenericRequest, ImportRejected, import_any
from data.figures.importers.lait_years import lait_period
from data.figures.periods import PeriodKind
from data.models import Geography, Indicator, Observation
from tests.support.national import (
    _cut,
    _lait_subset,
    national_store,  # noqa: F401 (the `store` fixture)
)


def _import(engine: Engine, path: Path, generic: GenericRequest | None = None) -> object:
    with Session(engine) as session, session.begin():
        return import_any(session, path, actor="test", channel="cli", generic=generic)


def _figure(engine: Engine, indicator: str, place: str, end: date) -> Observation:
    with Session(engine) as session:
        statement = (
            select(Observation)
            .join(Indicator, Observation.indicator_id == Indicator.id)
            .join(Geography, Observation.geography_id == Geography.id)
            .where(Indicator.code == indicator, Geography.name == place, Observation.period_end == end)
        )
        found = session.scalars(statement).one()
        session.expunge(found)
        return found


@pytest.mark.parametrize(
    ("rule", "years", "start", "end", "kind", "status"),
    [
        ("academic_year_ending", "2014", date(2013, 9, 1), date(2014, 8, 31), PeriodKind.ACADEMIC_YEAR, "final"),
        ("academic_year_ending", "2014/15", date(2014, 9, 1), date(2015, 8, 31), PeriodKind.ACADEMIC_YEAR, "final"),
        ("academic_year_ending", "2014-15", date(2014, 9, 1), date(2015, 8, 31), PeriodKind.ACADEMIC_YEAR, "final"),
        ("calendar_year", "2014-16", date(2014, 1, 1), date(2016, 12, 31), PeriodKind.RANGE, "final"),
        (
            "financial_year_ending",
            "2014-15 (OT)",
            date(2014, 4, 1),
            date(2015, 3, 31),
            PeriodKind.FINANCIAL_YEAR,
            "final",
        ),
        ("academic_year_ending", "2014 (Rev)", date(2013, 9, 1), date(2014, 8, 31), PeriodKind.ACADEMIC_YEAR, "final"),
        (
            "academic_year_ending",
            "2014 (Final)",
            date(2013, 9, 1),
            date(2014, 8, 31),
            PeriodKind.ACADEMIC_YEAR,
            "final",
        ),
        (
            "academic_year_ending",
            "2014 (prov)",
            date(2013, 9, 1),
            date(2014, 8, 31),
            PeriodKind.ACADEMIC_YEAR,
            "provisional",
        ),
        ("financial_year_ending", "2014/15-16/17", date(2014, 4, 1), date(2017, 3, 31), PeriodKind.RANGE, "final"),
        ("financial_year_ending", "2014", date(2013, 4, 1), date(2014, 3, 31), PeriodKind.FINANCIAL_YEAR, "final"),
        ("snapshot_31_march", "2025", date(2025, 3, 31), date(2025, 3, 31), PeriodKind.SNAPSHOT, "final"),
        ("dec_feb_average", "2014", date(2013, 12, 1), date(2014, 2, 28), PeriodKind.RANGE, "final"),
        ("snapshot_30_september", "2024", date(2024, 9, 30), date(2024, 9, 30), PeriodKind.SNAPSHOT, "final"),
        ("january_census", "2024", date(2024, 1, 1), date(2024, 1, 31), PeriodKind.MONTH, "final"),
        ("financial_year_ending", "1999/00", date(1999, 4, 1), date(2000, 3, 31), PeriodKind.FINANCIAL_YEAR, "final"),
    ],
)
def test_every_years_shape_reads_as_its_year_type_says(
    rule: str, years: str, start: date, end: date, kind: PeriodKind, status: str
) -> None:
    period, read_status, _note = lait_period(rule, years)
    assert (period.start, period.end, period.kind, read_status) == (start, end, kind, status)


@pytest.mark.parametrize(
    ("rule", "years"),
    [
        ("academic_year_ending", "0"),  # the one-digit value LAIT carries on 170 rows
        ("calendar_year", "2014-15"),  # a two-year label on a calendar-year measure
        ("snapshot_31_march", "2014/15"),
        ("financial_year_ending", "2014-19"),
        ("academic_year_ending", "2014 (est)"),
        ("academic_year_ending", "14/15"),
    ],
)
def test_a_years_value_that_does_not_read_is_refused_not_guessed(rule: str, years: str) -> None:
    with pytest.raises(ValueError, match="Years"):
        lait_period(rule, years)


def test_the_figures_councillors_asked_for_are_stored_with_period_and_lait_citation(
    store: Engine, tmp_path: Path
) -> None:
    report = _import(store, _lait_subset(tmp_path))
    march_2025 = date(2025, 3, 31)
    bradford = _figure(store, "CPP_RATE", "Bradford", march_2025)
    leeds = _figure(store, "CPP_RATE", "Leeds", march_2025)
    manchester = _figure(store, "CIN_RATE", "Manchester", march_2025)
    assert (bradford.value, leeds.value, manchester.value) == (32.8, 36.0, 441.5)  # 32.799999999999997 published
    assert bradford.period_label == "31 Mar 2025" and bradford.period_start == march_2025
    assert bradford.source_document == "lait_bds_long.csv.gz" and "CPP_rate" in bradford.source_locator
    fy = date(2025, 3, 31)
    cornwall = _figure(store, "LAIT_SECTION_47", "Cornwall", fy)
    england = _figure(store, "LAIT_SECTION_47", "England", fy)
    assert (cornwall.value, england.value) == (233.3, 189.3)
    assert (cornwall.period_start, cornwall.period_kind) == (date(2024, 4, 1), "financial_year")
    assert report.skipped["LAIT cells marked '-' (no figure)"] > 0  # "-" is missing, never a zero


def test_every_lait_shape_in_the_national_table_is_stored_by_its_period(store: Engine, tmp_path: Path) -> None:
    _import(store, _lait_subset(tmp_path))
    with Session(store) as session:
        rows = session.execute(
            select(Indicator.code, Observation.period_kind, Observation.status, Observation.note, func.count())
            .join(Indicator, Observation.indicator_id == Indicator.id)
            .group_by(Indicator.code, Observation.period_kind, Observation.status, Observation.note)
        ).all()
    held = {(code, kind, status, note) for code, kind, status, note, _count in rows}
    assert ("LAIT_RTA", "range", "final", None) in held  # 2014-16
    assert ("LAIT_LACFINANCE", "financial_year", "final", "outturn") in held  # 2016-17 (OT)
    assert ("LAIT_TOTPERMEX", "academic_year", "final", None) in held  # 2015/16
    assert ("LAIT_A3A", "academic_year", "final", "revised") in held  # 2018 (Rev)
    assert ("LAIT_KS1P_ALL", "academic_year", "provisional", "provisional") in held  # 2025 (prov)
    assert ("LAIT_HOSP_ADM_ALC_18YRS", "range", "final", None) in held  # 2013/14-15/16
    assert ("LAIT_HE_19_ALL", "academic_year", "final", None) in held  # 2015-16
    assert ("LAIT_WORK_FORCE_AGECY_RATE", "snapshot", "final", None) in held  # end of September
    assert ("LAIT_PRIFSM", "month", "final", None) in held  # January census


def test_a_malformed_national_row_is_refused_by_its_line_and_nothing_is_written(store: Engine, tmp_path: Path) -> None:
    bad = {
        "Short Desc": "CPP_rate",
        "Data item": "",
        "Years": "20x5",
        "LA and Regions": "Leeds",
        "Values": "36",
        "LA Number": "383",
        "Region": "Yorkshire and The Humber",
    }
    path = _lait_subset(tmp_path, [bad])
    with pytest.raises(ImportRejected, match=r"line \d+: CPP_rate: Years '20x5'"):
        _import(store, path)
    with Session(store) as session:
        assert session.scalar(select(func.count()).select_from(Observation)) == 0


def test_a_one_digit_year_with_a_figure_is_refused(store: Engine, tmp_path: Path) -> None:
    odd = {
        "Short Desc": "CINPermExclusion",
        "Data item": "",
        "Years": "0",
        "LA and Regions": "Leeds",
        "Values": "1.5",
        "LA Number": "383",
        "Region": "Yorkshire and The Humber",
    }
    with pytest.raises(ImportRejected, match="Years '0'"):
        _import(store, _lait_subset(tmp_path, [odd]))


def test_national_ees_tables_keep_their_byte_order_mark_and_suppression(store: Engine, tmp_path: Path) -> None:
    source = NATIONAL_DIR / "cla_number_and_rate_per_10k_children.csv.gz"
    with gzip.open(source) as published:
        assert published.read(3) == b"\xef\xbb\xbf"  # as published
    path = _cut(source, tmp_path / source.name, lambda row: row["la_name"] in {"Bradford", "", "Isles of Scilly"})
    with gzip.open(path, "rb") as handle:
        text = handle.read()
    with gzip.open(path, "wb") as handle:
        handle.write(b"\xef\xbb\xbf" + text)
    report = _import(store, path)
    assert report.figures.created > 0  # type: ignore[attr-defined]
    with Session(store) as session:
        symbols = session.scalars(select(Observation.symbol).where(Observation.symbol.is_not(None))).all()
    assert symbols and set(symbols) <= {"c", "x", "z", "u", "low", "k", "~", ":"}


def test_an_unseen_national_file_imports_by_the_generic_path(store: Engine, tmp_path: Path) -> None:
    source = NATIONAL_DIR / "ks4_la.csv.gz"
    path = _cut(
        source, tmp_path / "ks4_unseen.csv.gz", lambda row: row["social_care_group"] == "CLA 12 months at 31 March"
    )
    request = GenericRequest(
        indicator="KS4_CLA_ATT8",
        column="avg_att8",
        period="academic_year_code",
        where=(("version", "Final"),),
        name="Attainment 8, looked after",
        unit="average",
    )
    report = _import(store, path, request)
    assert report.figures.created > 100  # type: ignore[attr-defined]


def test_with_the_national_files_each_slice_they_cover_is_left_out() -> None:
    national = {path.name for path in official_files(national=True)}
    slices = {path.name for path in official_files(national=False)}
    assert not national & set(COVERED_BY_NATIONAL)
    assert set(COVERED_BY_NATIONAL) <= slices
    assert "lait_bds_long.csv.gz" in national and "UD_NEETNK_LA_dashboard_2023_final_leeds_slice.csv" in national


def test_the_bulk_path_stores_the_same_figures_as_the_core_path(
    store: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SQLite's driver executemany and PostgreSQL's COPY take over from 5,000 rows: forced here on a small cut."""
    monkeypatch.setattr("data.figures.bulk.BULK_FROM", 1)
    _import(store, _lait_subset(tmp_path))
    leeds = _figure(store, "CPP_RATE", "Leeds", date(2025, 3, 31))
    assert (leeds.value, leeds.period_kind, leeds.status, leeds.source_document) == (
        36.0,
        "snapshot",
        "final",
        "lait_bds_long.csv.gz",
    )
    assert leeds.updated_at is not None and leeds.period_end == date(2025, 3, 31)
