"""Imports under bad input and contention (issue 15): every path (long CSV, a mapped publication, LAIT,
generic mode, an officer's `set`) refuses the same bad values with one line naming the file and the line and
writes nothing; files in the wrong encoding, with a NUL or an over-long field, are refused the same way;
SQLite and PostgreSQL accept exactly the same inputs; two imports at once take turns; and the command line
never shows a traceback, even with no database to reach."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.figures.updates.reading import FieldError, read_value
from data.bundled import load_bundled
from data.figures.catalogue import REFERENCE_DIR
from data.figures.importers import GenericRequest, ImportProblem, ImportReport, NewIndicator, import_into
from data.figures.importers.errors import ImportBusy
from data.figures.importers.lock import hold_import_lock
from data.figures.importers.long_csv import COLUMNS
from data.figures.periods import snapshot
from data.figures.validation import InvalidFigure
from data.figures.writes import ObservationInput, write_observations
from data.models import AuditLog, Indicator, Observation
from data.store import prepare
from tests.conftest import BACKENDS

BRIEFBOT = Path(sys.executable).with_name("briefbot")
CLA_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000"
)
CLA_ROW = (
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,383,Leeds,"
    "E08000035,Children {kind} each year,176239,{count},{rate}"
)
LAIT_HEADER = "Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region"
LAIT_ROW = "{measure},,2020,Leeds,{value},383,Yorkshire and The Humber"
GENERIC_HEADER = "time_period,time_identifier,geographic_level,country_code,country_name,new_la_code,la_name,carers"
GENERIC_ROW = "2024,Reporting year,Local authority,E92000001,England,E08000035,Leeds,{value}"
LONG_ROW = (
    "{indicator},E08000035,snapshot,{day},{day},,{value},{symbol},{numerator},{denominator},final,doc,loc,,{note}"
)
UNIT_OF = {"count": "count", "rate": "rate_per_10000", "percent": "percent"}


@pytest.fixture
def store(empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=False)
    return empty_engine


def _long_row(indicator: str, value: str, day: str = "2014-03-31", **cells: str) -> str:
    fields = {"symbol": "", "numerator": "", "denominator": "", "note": "", **cells}
    return LONG_ROW.format(indicator=indicator, day=day, value=value, **fields)


def _long(tmp_path: Path, rows: list[str], name: str = "update.csv", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(("\n".join([",".join(COLUMNS), *rows]) + "\n").encode(encoding))
    return path


# One builder a path: a file whose line 3 holds `value` as a figure of `kind` (count, rate or percent).
Builder = Callable[[Path, str, str], tuple[Path, GenericRequest | None]]


def _long_file(tmp_path: Path, kind: str, value: str) -> tuple[Path, GenericRequest | None]:
    code = {"count": "CPP_COUNT", "rate": "CPP_RATE", "percent": "NEET_PCT"}[kind]
    return _long(tmp_path, [_long_row(code, "1", "2013-03-31"), _long_row(code, value)]), None


def _cla_file(tmp_path: Path, kind: str, value: str) -> tuple[Path, GenericRequest | None]:
    good = CLA_ROW.format(kind="ceasing to be looked after", count=512, rate=29)
    count, rate = (value, "85") if kind == "count" else ("1498", value)
    bad = CLA_ROW.format(kind="looked after on 31 March", count=count, rate=rate)
    path = tmp_path / "cla_leeds.csv"
    path.write_text("\n".join([CLA_HEADER, good, bad]) + "\n", encoding="utf-8")
    return path, None


def _lait_file(tmp_path: Path, kind: str, value: str) -> tuple[Path, GenericRequest | None]:
    measure = {"count": "LACnum", "rate": "LAC", "percent": "16-17 NEET"}[kind]
    path = tmp_path / "lait.csv"
    rows = [LAIT_HEADER, LAIT_ROW.format(measure="CPP_Num", value=100), LAIT_ROW.format(measure=measure, value=value)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path, None


def _generic_file(tmp_path: Path, kind: str, value: str) -> tuple[Path, GenericRequest | None]:
    path = tmp_path / "foster_carers.csv"
    rows = [GENERIC_HEADER, GENERIC_ROW.format(value=10).replace("E08000035,Leeds", "E08000036,Wakefield")]
    path.write_text("\n".join([*rows, GENERIC_ROW.format(value=value)]) + "\n", encoding="utf-8")
    return path, GenericRequest("FOSTER_CARERS", "carers", name="Foster carers", unit=UNIT_OF[kind])


PATHS: dict[str, Builder] = {"long": _long_file, "cla": _cla_file, "lait": _lait_file, "generic": _generic_file}
BAD_VALUES = [
    ("count", "-5", "can't be negative"),
    ("count", "2.5", "whole number"),
    ("rate", "99999", "not believable"),
    ("rate", "20000", "not believable"),
    ("rate", "-1", "can't be negative"),
    ("percent", "120", "over 100"),
]


def _counts(engine: Engine) -> tuple[int, int, int]:
    with Session(engine) as session:
        return tuple(  # type: ignore[return-value]
            session.scalar(select(func.count()).select_from(model)) or 0 for model in (Observation, AuditLog, Indicator)
        )


def _refused(
    engine: Engine,
    path: Path,
    generic: GenericRequest | None = None,
    wait: float = 60.0,
    new_indicator: NewIndicator | None = None,
) -> str:
    """The one-line message an import gives, having checked that it wrote nothing."""
    before = _counts(engine)
    with pytest.raises(ImportProblem) as raised:
        import_into(engine, path, actor="test", channel="cli", generic=generic, wait=wait, new_indicator=new_indicator)
    assert _counts(engine) == before
    message = str(raised.value)
    assert "\n" not in message and message.startswith(path.name), message
    return message


def _imported(engine: Engine, path: Path, generic: GenericRequest | None = None) -> ImportReport:
    return import_into(engine, path, actor="test", channel="cli", generic=generic)


# Every import path with every bad value it can carry (the CLA publication has no percentage).
CASES = [(route, *bad) for route in PATHS for bad in BAD_VALUES if (route, bad[0]) != ("cla", "percent")]


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize(("route", "kind", "value", "reason"), CASES)
def test_every_path_refuses_the_same_bad_values(
    store: Engine, tmp_path: Path, route: str, kind: str, value: str, reason: str
) -> None:
    path, generic = PATHS[route](tmp_path, kind, value)
    message = _refused(store, path, generic)
    assert "line 3" in message and reason in message


@pytest.mark.parametrize(("kind", "value", "reason"), BAD_VALUES)
def test_an_officers_set_refuses_them_too(kind: str, value: str, reason: str) -> None:
    problem = read_value(value, UNIT_OF[kind])
    assert isinstance(problem, FieldError) and reason in problem.message


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("route", PATHS)
def test_good_values_and_suppression_symbols_go_in(store: Engine, tmp_path: Path, route: str) -> None:
    path, generic = PATHS[route](tmp_path, "count", "0" if route == "generic" else "c")
    if route == "long":  # briefbot's own CSV has a column for the symbol
        path = _long(tmp_path, [_long_row("CPP_COUNT", "1", "2013-03-31"), _long_row("CPP_COUNT", "", symbol="c")])
    # The CLA file's rows hold a count and a rate each.
    assert _imported(store, path, generic).figures.created == (4 if route == "cla" else 2)


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_numerator_over_its_denominator_is_refused(store: Engine, tmp_path: Path) -> None:
    row = _long_row("NEET_PCT", "50", numerator="30", denominator="20")
    message = _refused(store, _long(tmp_path, [_long_row("NEET_PCT", "5", "2013-03-31"), row]))
    assert "line 3: the numerator 30 is more than the denominator 20" in message


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-be"])
def test_utf8_with_or_without_bom_and_utf16_by_its_bom_are_read(store: Engine, tmp_path: Path, encoding: str) -> None:
    # "utf-16" writes a little-endian BOM; big-endian is given its BOM by hand.
    path = _long(tmp_path, [_long_row("CPP_COUNT", "7", note="checked \u2013 caf\u00e9")], encoding=encoding)
    if encoding == "utf-16-be":
        path.write_bytes("\ufeff".encode(encoding) + path.read_bytes())
    assert _imported(store, path).figures.created == 1


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_cp1252_is_refused_at_its_line(store: Engine, tmp_path: Path) -> None:
    rows = [_long_row("CPP_COUNT", "7", "2013-03-31"), _long_row("CPP_COUNT", "8", note="the team\u2019s count")]
    message = _refused(store, _long(tmp_path, rows, encoding="cp1252"))
    assert message.startswith("update.csv is not a UTF-8 CSV file: line 3 has byte 0x92")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_its_bom_is_refused(store: Engine, tmp_path: Path, encoding: str) -> None:
    message = _refused(store, _long(tmp_path, [_long_row("CPP_COUNT", "7")], encoding=encoding))
    assert "line 1: a NUL character" in message


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"note": "x" * 128 * 1024}, "a field is 131,072 characters long"),
        ({"note": "x" * (128 * 1024 + 1)}, "a field is longer than 131,072 characters"),
        ({"note": "a\x00b"}, "a NUL character"),
        ({"symbol": "c" * 9}, "symbol 'ccccccccc' is not one of"),
    ],
)
def test_over_long_fields_and_nul_are_refused_at_their_line(
    store: Engine, tmp_path: Path, cells: dict[str, str], reason: str
) -> None:
    bad = _long_row("CPP_COUNT", "" if "symbol" in cells else "8", **cells)
    message = _refused(store, _long(tmp_path, [_long_row("CPP_COUNT", "7", "2013-03-31"), bad]))
    assert "line 3" in message and reason in message


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_labels_longer_than_their_columns_are_refused_on_both_backends(store: Engine, tmp_path: Path) -> None:
    """PostgreSQL refuses text over a VARCHAR's length and SQLite stores it: both refuse it here."""
    row = _long_row("CPP_COUNT", "8").replace(",doc,loc,", f",{'d' * 301},loc,")
    assert "line 2: source_document is 301 characters long; the most the store holds is 300" in _refused(
        store, _long(tmp_path, [row])
    )
    described = dict.fromkeys(COLUMNS, "")
    described |= {"indicator": "NEW_ONE", "indicator_name": "n" * 301, "indicator_unit": "count"}
    path = tmp_path / "described.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(described.values()) + "\n", encoding="utf-8")
    assert "line 2: indicator 'NEW_ONE': name is 301 characters long" in _refused(
        store, path, new_indicator=NewIndicator("n" * 301, "count")
    )
    column = "c" * 299
    generic = tmp_path / "generic.csv"
    generic.write_text(GENERIC_HEADER.replace("carers", column) + "\n" + GENERIC_ROW.format(value=3) + "\n")
    request = GenericRequest("FOSTER_CARERS", column, name="Foster carers", unit="count")
    assert "line 2: " in _refused(store, generic, request)
    assert "name is 301 characters" in _refused(
        store, generic, GenericRequest("X", column, name="n" * 301, unit="count")
    )


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_the_store_refuses_a_bad_figure_whatever_path_it_came_by(store: Engine) -> None:
    figure = ObservationInput("CPP_COUNT", "E08000035", snapshot(date(2014, 3, 31)), -5.0)
    with pytest.raises(InvalidFigure, match="can't be negative"), Session(store) as session, session.begin():
        write_observations(session, [figure], actor="test", channel="chat", reason="test")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_the_same_file_twice_at_once_changes_nothing_the_second_time(store: Engine) -> None:
    path = REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv"
    start = threading.Barrier(2)
    reports: list[ImportReport] = []
    errors: list[BaseException] = []

    def run() -> None:
        start.wait()
        try:
            reports.append(_imported(store, path))
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    first, second = sorted(reports, key=lambda report: -report.figures.created)
    assert first.figures.created > 0
    assert (second.figures.created, second.figures.updated, second.figures.unchanged) == (0, 0, first.figures.total)


@contextmanager
def _lock_held(engine: Engine, seconds: float) -> Iterator[None]:
    """Another import (a thread) holds the import lock for `seconds` from when this block starts."""
    taken = threading.Event()

    def hold() -> None:
        with Session(engine) as session, session.begin():
            hold_import_lock(session)
            taken.set()
            time.sleep(seconds)

    holder = threading.Thread(target=hold)
    holder.start()
    assert taken.wait(10)
    yield
    holder.join()


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_second_import_waits_its_turn(store: Engine, tmp_path: Path) -> None:
    began = time.monotonic()
    with _lock_held(store, 1.0):
        report = _imported(store, _long(tmp_path, [_long_row("CPP_COUNT", "7")]))
    assert report.figures.created == 1 and time.monotonic() - began >= 1.0


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_past_its_wait_an_import_says_another_is_running(store: Engine, tmp_path: Path) -> None:
    with _lock_held(store, 2.0):
        message = _refused(store, _long(tmp_path, [_long_row("CPP_COUNT", "7")]), wait=0.3)
    assert message == "update.csv: another import is running; try again in a moment"


def _cli(*args: str, url: str, cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "DATABASE_URL": url, "BRIEFBOT_DEBUG": "0"}
    return subprocess.Popen(
        [str(BRIEFBOT), *args], cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_two_cli_imports_at_once_both_finish(store: Engine, store_url: str, tmp_path: Path) -> None:
    files = [REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv"] * 2
    files.append(REFERENCE_DIR / "b1_children_in_need_2013_to_2025_leeds_slice.csv")
    runs = [_cli("import", str(path), url=store_url, cwd=tmp_path) for path in files]
    for run in runs:
        _out, err = run.communicate(timeout=120)
        assert run.returncode == 0 and "Traceback" not in err and "locked" not in err, err
    assert _counts(store)[0] > 0


@pytest.mark.parametrize(
    "url", ["postgresql+psycopg://nobody@127.0.0.1:1/x", "sqlite:////proc/briefbot/no/such/briefbot.sqlite3"]
)
@pytest.mark.parametrize("args", [("ask", "NEET in JESS"), ("import", "figures.csv"), ("export",), ("db", "upgrade")])
def test_the_cli_says_one_line_when_the_database_is_out_of_reach(
    tmp_path: Path, url: str, args: tuple[str, ...]
) -> None:
    (tmp_path / "figures.csv").write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    _out, err = _cli(*args, url=url, cwd=tmp_path).communicate(timeout=60)
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and "Traceback" not in err, err
    assert "/proc/briefbot" in lines[0] or "cannot reach the database at postgresql+psycopg://nobody@" in lines[0]


def test_a_refused_file_is_one_line_from_the_cli(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    bad = _long(tmp_path, [_long_row("CPP_COUNT", "-5")])
    run = _cli("--no-seed", "import", str(bad), url=url, cwd=tmp_path)
    _out, err = run.communicate(timeout=120)
    assert run.returncode == 1
    assert err.strip() == "Error: update.csv: nothing was imported: line 2: a count can't be negative, not -5"


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_reloading_the_bundled_figures_takes_the_import_lock(store: Engine) -> None:
    """`briefbot seed` and a first run write the same figures an officer's import may be writing."""
    began = time.monotonic()
    with _lock_held(store, 1.0), Session(store) as session, session.begin():
        seeded, _official = load_bundled(session, official=False)
    assert time.monotonic() - began >= 1.0 and seeded.created > 0
    with _lock_held(store, 2.0), pytest.raises(ImportBusy), Session(store) as session, session.begin():
        load_bundled(session, official=False, wait=0.3)


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_two_cli_seeds_at_once_both_finish(store: Engine, store_url: str, tmp_path: Path) -> None:
    runs = [_cli("seed", url=store_url, cwd=tmp_path) for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    for run, (out, err) in zip(runs, outputs, strict=True):
        assert run.returncode == 0 and "Traceback" not in err and "locked" not in err, err
        assert "Seed figures:" in out


# -- issue 21: faults at the edges ----------------------------------------------------------------------------
@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_count_of_1e300_does_not_overwrite_an_official_figure(store: Engine, tmp_path: Path) -> None:
    official = REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv"
    assert _imported(store, official).figures.created > 0
    day = "2025-03-31"
    with Session(store) as session:
        held = session.scalars(select(Observation.value).join(Indicator).where(Indicator.code == "LAC_COUNT")).all()
    message = _refused(store, _long(tmp_path, [_long_row("LAC_COUNT", "1e300", day)]))
    assert message == (
        "update.csv: nothing was imported: line 2: a count of 1e+300 is not believable (the most is 10,000,000,000)"
    )
    with Session(store) as session:
        assert (
            session.scalars(select(Observation.value).join(Indicator).where(Indicator.code == "LAC_COUNT")).all()
            == held
        )


def _described(tmp_path: Path, *codes: str, unit: str = "count") -> Path:
    """A long CSV whose rows name indicators the store lacks, describing each as an export does."""
    rows = []
    for number, code in enumerate(codes):
        row = dict.fromkeys(COLUMNS, "") | {"indicator": code, "geography": "E08000035", "period_kind": "snapshot"}
        row |= {"period_start": "2024-03-31", "period_end": "2024-03-31", "value": str(40 + number)}
        row |= {"source_document": "carers return", "source_locator": "table 1", "indicator_name": "Foster carers"}
        row |= {"indicator_unit": unit, "indicator_decimals": "0", "indicator_polarity": "higher_is_better"}
        rows.append(",".join(row.values()))
    return _long(tmp_path, rows, name="carers.csv")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_an_unknown_code_is_refused_even_when_the_file_describes_it(store: Engine, tmp_path: Path) -> None:
    message = _refused(store, _described(tmp_path, "FOSTER_CARERS"))
    assert message == (
        "carers.csv: nothing was imported: line 2: unknown indicator 'FOSTER_CARERS': if it is a new one, "
        'import the file with --new-indicator "Foster carers" --unit count'
    )


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_new_indicator_creates_the_files_one_unknown_code(store: Engine, store_url: str, tmp_path: Path) -> None:
    path = _described(tmp_path, "FOSTER_CARERS")
    url = store.url.render_as_string(hide_password=False)
    run = _cli("import", str(path), "--new-indicator", "Foster carers", "--unit", "count", url=url, cwd=tmp_path)
    out, err = run.communicate(timeout=120)
    assert run.returncode == 0 and "1 added" in out, err
    with Session(store) as session:
        created = session.scalars(select(Indicator).where(Indicator.code == "FOSTER_CARERS")).one()
        assert (created.name, created.unit, created.decimals, created.polarity) == (
            "Foster carers",
            "count",
            0,
            "higher_is_better",
        )
        audit = session.scalars(select(AuditLog).where(AuditLog.entity == "indicator")).one()
        assert (audit.entity_key, audit.reason) == ("FOSTER_CARERS", "named new on import (--new-indicator)")


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_new_indicator_names_one_indicator_of_the_unit_the_file_gives(store: Engine, tmp_path: Path) -> None:
    two = _described(tmp_path, "FOSTER_CARERS", "KINSHIP_CARERS")
    message = _refused(store, two, new_indicator=NewIndicator("Foster carers", "count"))
    assert message == (
        "carers.csv: --new-indicator adds one indicator, and the file names 2 the store lacks: "
        "FOSTER_CARERS (line 2), KINSHIP_CARERS (line 3)"
    )
    percent = _described(tmp_path, "FOSTER_CARERS", unit="percent")
    assert _refused(store, percent, new_indicator=NewIndicator("Foster carers", "count")) == (
        "carers.csv: nothing was imported: line 2: the file gives FOSTER_CARERS's unit as percent, not count"
    )
    known = _long(tmp_path, [_long_row("CPP_COUNT", "7")])
    assert _refused(store, known, new_indicator=NewIndicator("Foster carers", "count")) == (
        "update.csv: --new-indicator: the store already holds every indicator the file names"
    )
    official = REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv"
    assert "--new-indicator is for briefbot's long CSV" in _refused(
        store, official, new_indicator=NewIndicator("Foster carers", "count")
    )


def test_generic_mode_takes_new_indicator_too(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    path = tmp_path / "foster_carers.csv"
    path.write_text(GENERIC_HEADER + "\n" + GENERIC_ROW.format(value=12) + "\n", encoding="utf-8")
    args = ("--no-seed", "import", str(path), "--indicator", "FOSTER_CARERS", "--column", "carers")
    refused = _cli(*args, url=url, cwd=tmp_path)
    _out, err = refused.communicate(timeout=120)
    assert refused.returncode == 1 and "give --name and --unit" in err, err
    made = _cli(*args, "--new-indicator", "Foster carers", "--unit", "count", url=url, cwd=tmp_path)
    out, err = made.communicate(timeout=120)
    assert made.returncode == 0 and "1 added" in out, err
