"""The indicator store on SQLite and PostgreSQL: preparation, round trips, corrections, rejection."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from data import db
from data.figures import queries
from data.figures.catalogue import REFERENCE_DIR
from data.figures.importers import ImportRejected
from data.figures.importers.long_csv import COLUMNS, export_rows, import_csv, write_csv
from data.figures.importers.official import import_file
from data.figures.periods import snapshot
from data.figures.writes import ObservationInput, write_observations
from data.models import AuditLog, Geography, Indicator, Observation, ObservationRevision
from data.store import prepare
from tests.conftest import BACKENDS

pytestmark = pytest.mark.parametrize("store_url", BACKENDS, indirect=True)


def _count(engine: Engine, model: type) -> int:
    with Session(engine) as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _export(engine: Engine) -> str:
    buffer = io.StringIO()
    with Session(engine) as session:
        write_csv(export_rows(session), buffer)
    return buffer.getvalue()


def test_first_use_creates_schema_catalogue_seed_and_official_figures(empty_engine: Engine) -> None:
    report = prepare(empty_engine, seed=True)
    assert report.migrated and report.catalogue_loaded
    # 110: with seed 000 §3.5.1's earlier NEET levels (7.5%, city 6.0%)
    assert report.seed is not None and report.seed.created == 110
    official = sum(item.figures.created for item in report.official)
    assert len(report.official) == 7 and official > 4000
    assert _count(empty_engine, Observation) == report.seed.created + official
    again = prepare(empty_engine, seed=True)
    assert not again.migrated and not again.catalogue_loaded and again.seed is None and not again.official
    assert _count(empty_engine, Observation) == report.seed.created + official


def test_export_of_a_full_store_imports_into_an_empty_one(empty_engine: Engine, tmp_path: Path) -> None:
    prepare(empty_engine, seed=True)
    exported = _export(empty_engine)
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    prepare(other, seed=False)
    # The export describes LAIT's own indicators, but a description is not consent: a store without them
    # refuses the file (issue 21: a typo'd code must not become a new indicator) ...
    refused = pytest.raises(ImportRejected, match=r"unknown indicator 'LAIT_\w+': if it is a new one, import the")
    with refused, Session(other) as session, session.begin():
        import_csv(session, path, actor="test", channel="cli")
    # ... and one that holds them (from LAIT's own file) takes the export whole.
    with Session(other) as session, session.begin():
        import_file(session, REFERENCE_DIR / "lait_bds_long_leeds_sn_slice.csv", actor="test")
        import_csv(session, path, actor="test", channel="cli")
    assert _export(other) == exported


def test_no_seed_loads_catalogue_only(empty_engine: Engine) -> None:
    prepare(empty_engine, seed=False)
    assert _count(empty_engine, Observation) == 0
    assert _count(empty_engine, Indicator) >= 19
    assert _count(empty_engine, Geography) > 250


def test_export_then_import_into_empty_store_gives_back_everything(
    seeded_engine: Engine, tmp_path: Path, store_url: str
) -> None:
    exported = _export(seeded_engine)
    path = tmp_path / "export.csv"
    path.write_text(exported, encoding="utf-8")
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    prepare(other, seed=False)
    with Session(other) as session, session.begin():
        summary = import_csv(session, path, actor="test", channel="cli")
    assert summary.created == len(list(csv.DictReader(io.StringIO(exported)))) > 100
    assert _export(other) == exported
    assert "source_quote" in exported.splitlines()[0]


def test_reimport_changes_nothing(seeded_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(_export(seeded_engine), encoding="utf-8")
    audits_before = _count(seeded_engine, AuditLog)
    with Session(seeded_engine) as session, session.begin():
        summary = import_csv(session, path, actor="test", channel="cli")
    assert summary.created == summary.updated == 0 and summary.unchanged > 100
    assert _count(seeded_engine, AuditLog) == audits_before


def test_bad_row_rejects_the_whole_file(seeded_engine: Engine, tmp_path: Path) -> None:
    good = "CPP_COUNT,cluster-jess,snapshot,2014-03-31,2014-03-31,31/3/14,150,,,,final,officer update,line,,"
    bad = "CPP_COUNT,cluster-jess,snapshot,2015-03-31,2015-03-31,31/3/15,lots,,,,final,officer update,line,,"
    path = tmp_path / "update.csv"
    path.write_text("\n".join([",".join(COLUMNS), good, bad]) + "\n", encoding="utf-8")
    before = _export(seeded_engine)
    with pytest.raises(ImportRejected) as raised, Session(seeded_engine) as session, session.begin():
        import_csv(session, path, actor="test", channel="cli")
    assert str(raised.value.problems[0]) == "line 3: value 'lots' is not a number"
    assert _export(seeded_engine) == before


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("NOPE,E08000035,snapshot,2014-03-31,2014-03-31,,1,,,,final,doc,loc,,", "unknown indicator 'NOPE'"),
        ("CPP_COUNT,nowhere,snapshot,2014-03-31,2014-03-31,,1,,,,final,doc,loc,,", "unknown geography 'nowhere'"),
        ("NEET_PCT,E08000035,snapshot,2014-03-31,2014-03-31,,120,,,,final,doc,loc,,", "over 100"),
        ("CPP_COUNT,E08000035,financial_year,2014-01-01,2014-12-31,,1,,,,final,doc,loc,,", "31 March"),
        ("CPP_COUNT,E08000035,snapshot,2014-03-31,2014-03-31,,,,,,final,doc,loc,,", "either a value"),
        ("CPP_COUNT,E08000035,snapshot,2014-03-31,2014-03-31,,1,,,,final,,loc,,", "needs its source"),
        ("CPP_COUNT,E08000035,snapshot,2014-03-31,2014-03-31,,,q,,,final,doc,loc,,", "symbol 'q'"),
    ],
)
def test_rejections_say_why(seeded_engine: Engine, tmp_path: Path, row: str, reason: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(",".join(COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as raised, Session(seeded_engine) as session, session.begin():
        import_csv(session, path, actor="test", channel="cli")
    assert raised.value.problems[0].line == 2
    assert reason in raised.value.problems[0].reason


def test_correction_keeps_history_and_audit(seeded_engine: Engine) -> None:
    corrected = ObservationInput(
        "CPP_COUNT",
        "cluster-jess",
        snapshot(date(2013, 3, 31), "31/3/13"),
        150.0,
        source_document="officer correction",
        source_locator="email of 1 Jul 2013",
    )
    with Session(seeded_engine) as session, session.begin():
        summary = write_observations(
            session, [corrected], actor="U123 officer", channel="slack", reason="cluster recount"
        )
    assert (summary.created, summary.updated) == (0, 1)
    with Session(seeded_engine) as session:
        fact = queries.latest(session, "CPP_COUNT", "cluster-jess")
        assert fact is not None and fact.value == 150
        revision = session.scalars(select(ObservationRevision)).one()
        assert revision.previous["value"] == 149 and revision.superseded_by == "U123 officer"
        assert revision.previous["source_document"] == "000_3a8900ec37dd11a0.txt"
        audit = session.scalars(select(AuditLog).where(AuditLog.action == "update")).one()
        assert (audit.channel, audit.before["value"], audit.after["value"]) == ("slack", 149, 150)


def test_suppressed_figures_are_symbols_not_numbers(seeded_engine: Engine) -> None:
    suppressed = ObservationInput(
        "CPP_COUNT",
        "E05011404",
        snapshot(date(2020, 3, 31)),
        None,
        symbol="c",
        source_document="test",
        source_locator="row 1",
    )
    with Session(seeded_engine) as session, session.begin():
        write_observations(session, [suppressed], actor="test", channel="import", reason="test")
    with Session(seeded_engine) as session:
        fact = queries.latest(session, "CPP_COUNT", "E05011404")
    assert fact is not None and fact.value is None and fact.symbol == "c"


def test_latest_and_series_read_the_seed(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session:
        latest = queries.latest(session, "CPP_RATE", "E08000035")
        trend = queries.series(session, "CPP_RATE", "E08000035")
        earlier = queries.latest(session, "CPP_COUNT", "cluster-jess", on_or_before=date(2012, 12, 31))
        nothing = queries.latest(session, "CPP_COUNT", "E05011404")
    assert latest is not None and (latest.value, latest.period_label, latest.period_end) == (
        31,
        "2018",
        date(2018, 3, 31),
    )
    assert [fact.value for fact in trend] == [62, 47, 38, 35, 31, 31]
    assert earlier is not None and earlier.value == 93
    assert nothing is None
