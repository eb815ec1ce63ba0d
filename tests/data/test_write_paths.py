"""One validation for every write path (issue 21, faults at the edges): the same bad figure sent through each
way a figure reaches the store is refused by each with one clear line, and nothing is written (no figure, no
audit row, no indicator, no pending change set), on SQLite and PostgreSQL.

The paths: briefbot's long CSV (`briefbot import`), a DfE file read through its mapping (the CLA publication),
`briefbot set`, and the officers' updates use case as Slack and Teams call it (the form: check, then preview;
the slash or chat command; a CSV shared in a direct message)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from bot.app.cli import main
from bot.briefbot import Briefbot
from bot.figures.updates import Access, Actor, Roles, UpdateRequest, Updates, read_csv
from data.figures.importers import ImportProblem, import_into
from data.figures.importers.long_csv import COLUMNS
from data.figures.periods import snapshot
from data.figures.writes import ObservationInput, write_observations
from data.models import AuditLog, ChangeSet, Indicator, Observation, ObservationRevision
from data.store import prepare
from tests.conftest import BACKENDS

LEEDS, ENGLAND = "E08000035", "E92000001"
LEEDS_CHILDREN = 176_239  # ONS mid-2024, children aged 0 to 17 (the bundled file's figure)
OFFICER = Actor("slack", "U-officer", "Jo Officer")
CLA_HEADER = (
    "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
    "old_la_code,la_name,new_la_code,population_type,population_estimate,children_count,rate_per_10000"
)
CLA_ROW = (
    "{year},Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,383,Leeds,"
    "E08000035,Children looked after on 31 March each year,176239,{count},85"
)


Path_ = Callable[[Engine, Path, "Bad"], str]


@dataclass(frozen=True)
class Bad:
    """One bad figure, as each path would carry it, and what every refusal of it says (a pattern)."""

    indicator: str = "LAC_COUNT"
    day: str = "2025-03-31"
    value: str = "1400"
    note: str = ""
    says: str = ""


BAD = {
    # Found on loopback: a row dated 31 Mar 2031 was stored and answered as the latest figure.
    "future period": Bad(day="2031-03-31", says="31 Mar 2031 is in the future"),
    # Found on loopback: a count of 1e300 overwrote an official figure (a count past any believable size).
    "unbelievable count": Bad(value="1000000000000", says="not believable"),
    # A count of children larger than the children living there (the store holds Leeds' population).
    "more children than live there": Bad(value="500000", says="more than the 176,239 children"),
    # Found on loopback: an unknown code silently became a new indicator.
    "unknown indicator": Bad(indicator="FOSTER_CARERS", says="unknown indicator 'FOSTER_CARERS'|don't know a figure"),
    # Found on loopback: `set --yes` with this note failed with "unexpected error", leaving a pending change set.
    "10,005-character note": Bad(note="x" * 10_005, says="10,005 characters long"),
}


@pytest.fixture
def store(empty_engine: Engine) -> Engine:
    """The catalogue, and the children held for Leeds and England (what the population rule reads)."""
    prepare(empty_engine, seed=False)
    held = [
        ObservationInput("POP_0_17", code, snapshot(date(2024, 6, 30)), float(children), source_document="ons")
        for code, children in ((LEEDS, LEEDS_CHILDREN), (ENGLAND, 12_183_016))
    ]
    with Session(empty_engine) as session, session.begin():
        write_observations(session, held, actor="test", channel="import", reason="population")
    return empty_engine


def _written(engine: Engine) -> tuple[int, ...]:
    with Session(engine) as session:
        models = (Observation, ObservationRevision, AuditLog, Indicator, ChangeSet)
        return tuple(session.scalar(select(func.count()).select_from(model)) or 0 for model in models)


# -- each path: send the bad figure, return the one line it answers with ----------------------------------------
def _long_csv(tmp_path: Path, bad: Bad) -> Path:
    cells = dict.fromkeys(COLUMNS, "")
    cells |= {"indicator": bad.indicator, "geography": LEEDS, "period_kind": "snapshot", "value": bad.value}
    cells |= {"period_start": bad.day, "period_end": bad.day, "status": "final", "note": bad.note}
    cells |= {"source_document": "officer's file", "source_locator": "row 2"}
    # The file describes its indicator, as an export does: a description is not permission to create one.
    cells |= {"indicator_name": "Foster carers", "indicator_unit": "count"}
    path = tmp_path / "figures.csv"
    path.write_text(",".join(COLUMNS) + "\n" + ",".join(f'"{cell}"' for cell in cells.values()) + "\n")
    return path


def _cla_file(tmp_path: Path, bad: Bad) -> Path:
    path = tmp_path / "cla_leeds.csv"
    path.write_text(CLA_HEADER + "\n" + CLA_ROW.format(year=bad.day[:4], count=bad.value) + "\n")
    return path


FILES = {"import long CSV": _long_csv, "import EES mapping (CLA)": _cla_file}


def _import_refused(file: Callable[[Path, Bad], Path]) -> Path_:
    def send(engine: Engine, tmp_path: Path, bad: Bad) -> str:
        with pytest.raises(ImportProblem) as raised:
            import_into(engine, file(tmp_path, bad), actor="test", channel="cli")
        return str(raised.value)

    return send


def _set_command(engine: Engine, _tmp_path: Path, bad: Bad) -> str:
    url = engine.url.render_as_string(hide_password=False)
    words = [bad.indicator, LEEDS, bad.day, bad.value, *([bad.note] if bad.note else [])]
    result = CliRunner().invoke(main, ["--database-url", url, "set", *words, "--yes"])
    assert result.exit_code == 1, result.output
    assert result.stdout == "" and "Traceback" not in result.output, result.output
    return result.stderr


def _updates(engine: Engine) -> Updates:
    return Updates(Briefbot(engine, strict=True), Roles(Access(officers=frozenset({OFFICER.id}))))


def _form(engine: Engine, _tmp_path: Path, bad: Bad) -> str:
    """Slack's modal and Teams' card: the fields checked first (answered under each field), then previewed."""
    updates = _updates(engine)
    request = UpdateRequest(bad.indicator, LEEDS, bad.day, bad.value, bad.note)
    errors = updates.check(request)
    assert len(errors) == 1, errors
    preview = updates.preview(OFFICER, [request], note=bad.note or None)
    assert preview.change_set is None and preview.count("rejected") == 1, preview
    assert errors[0].message in preview.lines[0]
    return preview.lines[0]


def _chat_command(engine: Engine, _tmp_path: Path, bad: Bad) -> str:
    """`/indicator set ...` in Slack, `set ...` to the bot in Teams."""
    preview = _updates(engine).preview_text(OFFICER, f"{bad.indicator} {LEEDS} {bad.day} {bad.value} {bad.note}")
    assert preview.change_set is None and preview.count("rejected") == 1, preview
    return preview.lines[0]


def _shared_csv(engine: Engine, _tmp_path: Path, bad: Bad) -> str:
    """A CSV an officer shares with briefbot in a direct message (Slack) or a chat (Teams)."""
    rows = read_csv(f"indicator,area,period,value,note\n{bad.indicator},{LEEDS},{bad.day},{bad.value},{bad.note}\n")
    assert isinstance(rows, list)
    preview = _updates(engine).preview(OFFICER, rows, kind="import", note="june.csv")
    assert preview.change_set is None and preview.count("rejected") == 1, preview
    return preview.lines[0]


PATHS: dict[str, Path_] = {
    "import long CSV": _import_refused(_long_csv),
    "import EES mapping (CLA)": _import_refused(_cla_file),
    "briefbot set --yes": _set_command,
    "updates: Slack modal / Teams form": _form,
    "updates: slash or chat command": _chat_command,
    "updates: CSV shared in a DM": _shared_csv,
}
# What a publication read through its mapping can't carry: its indicators are the mapping's, it has no notes.
CANNOT_CARRY = {
    ("import EES mapping (CLA)", "unknown indicator"),
    ("import EES mapping (CLA)", "10,005-character note"),
}
CASES = [(path, bad) for path in PATHS for bad in BAD if (path, bad) not in CANNOT_CARRY]


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize(("path", "bad"), CASES)
def test_every_write_path_refuses_the_same_bad_figure_in_one_line(
    store: Engine, tmp_path: Path, path: str, bad: str
) -> None:
    before = _written(store)
    line = PATHS[path](store, tmp_path, BAD[bad]).strip()
    assert "\n" not in line and re.search(BAD[bad].says, line), line
    assert _written(store) == before


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
@pytest.mark.parametrize("path", list(PATHS))
def test_a_good_figure_goes_in_by_every_path(store: Engine, tmp_path: Path, path: str) -> None:
    """The rules refuse the bad figure, not the path: the same figure, made good, is accepted by each."""
    good = Bad(value="1400", note="checked")
    if path in FILES:
        report = import_into(store, FILES[path](tmp_path, good), actor="test", channel="cli")
        assert report.figures.created >= 1
    elif path == "briefbot set --yes":
        url = store.url.render_as_string(hide_password=False)
        result = CliRunner().invoke(main, ["--database-url", url, "set", "LAC_COUNT", LEEDS, good.day, "1400", "--yes"])
        assert result.exit_code == 0 and "Done: 1 figure saved" in result.stdout, result.output
    else:
        request = UpdateRequest("LAC_COUNT", LEEDS, good.day, good.value, good.note)
        updates = _updates(store)
        assert updates.check(request) == ()
        assert updates.preview(OFFICER, [request]).change_set is not None
