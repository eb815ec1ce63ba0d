"""briefbot's own long CSV: one observation a row, with its provenance. Used for the seed, export and import.

An import is validated whole before anything is written (data.figures.validation's rules: known indicator
and place, a period that has ended, a value its measure allows, text the store holds): one bad row rejects the
file, naming the line and the reason, so a store is never half-updated. A code the store lacks is refused
unless the officer names it as new (`briefbot import FILE --new-indicator NAME --unit U`): an export's own
description of an indicator is not enough, or a typo in a code would quietly become a new figure.

Text cells are written spreadsheet-safe and read back exactly (data.spreadsheet).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.importers.errors import ImportProblem, ImportRejected, RowProblem
from data.figures.importers.files import rows_of, text_encoding
from data.figures.importers.reading import written_decimals
from data.figures.periods import Period, PeriodError, PeriodKind
from data.figures.validation import FigureRules, InvalidFigure, shown_text
from data.figures.writes import PAYLOAD_FIELDS, ObservationInput, WriteSummary, add_indicator, write_observations
from data.models import POLARITIES, STATUSES, UNITS, Geography, Indicator, Observation
from data.spreadsheet import from_spreadsheet, spreadsheet_safe

# The long CSV: the key, then the payload in the order the store keeps it.
COLUMNS = (
    "indicator",
    "geography",
    "period_kind",
    "period_start",
    "period_end",
    *(name for name in PAYLOAD_FIELDS if name not in {"period_kind", "decimals"}),
    *(f"indicator_{name}" for name in ("name", "unit", "decimals", "polarity", "definition", "source")),
    "decimals",  # last, so files written before it existed still line up
)
# The indicator_* columns make an export self-describing: importing it into a store that lacks an
# indicator (one created by a LAIT or generic import, say) creates the indicator first.
REQUIRED = (
    "indicator",
    "geography",
    "period_kind",
    "period_start",
    "period_end",
    "value",
    "source_document",
    "source_locator",
)
# What tells a long CSV from a publication: the store's own key columns.
SIGNATURE = {"indicator", "geography", "period_kind"}


# Cells holding numbers or dates: written as they are. Every other cell is text, written spreadsheet-safe.
NUMBER_COLUMNS = frozenset(
    {"period_start", "period_end", "value", "numerator", "denominator", "decimals", "indicator_decimals"}
)
TEXT_COLUMNS = tuple(column for column in COLUMNS if column not in NUMBER_COLUMNS)
# What a row may refer to and every rule it must keep (data.figures.validation); the seed loader reads
# observations.csv with it under this name.
Vocabulary = FigureRules


@dataclass(frozen=True)
class NewIndicator:
    """`--new-indicator NAME --unit U`: the officer says the file's one unknown code is a new indicator."""

    name: str
    unit: str


def is_long_csv(header: list[str]) -> bool:
    return set(header) >= SIGNATURE


def parse_rows(handle: IO[str], vocabulary: FigureRules) -> list[ObservationInput]:
    reader = csv.DictReader(handle)
    missing = [column for column in REQUIRED if column not in (reader.fieldnames or [])]
    if missing:
        raise ImportRejected([RowProblem(1, f"the header lacks column(s) {', '.join(missing)}")])
    inputs: list[ObservationInput] = []
    problems: list[RowProblem] = []
    first_seen: dict[tuple[str, str, date, date], int] = {}
    for line, row in rows_of(reader):
        try:
            item = parse_row(row, vocabulary)
        except ValueError as error:
            problems.append(RowProblem(line, str(error)))
            continue
        key = (item.indicator, item.geography, item.period.start, item.period.end)
        if key in first_seen:
            problems.append(RowProblem(line, f"the same figure as line {first_seen[key]} ({item.label})"))
            continue
        first_seen[key] = line
        inputs.append(item)
    if problems:
        raise ImportRejected(problems)
    return inputs


def parse_row(cells: dict[str, str], vocabulary: FigureRules) -> ObservationInput:
    row = {name: from_spreadsheet(cell) if name in TEXT_COLUMNS and cell else cell for name, cell in cells.items()}
    indicator = row["indicator"]
    if indicator not in vocabulary.units:
        raise ValueError(unknown_indicator(row))
    value = _number(row.get("value", ""), "value")
    status = row.get("status") or "final"
    if status not in STATUSES:
        raise ValueError(f"status {shown_text(status)} is not provisional or final")
    for column in ("source_document", "source_locator"):
        if not row.get(column):
            raise ValueError(f"{column} is empty: every figure needs its source")
    item = ObservationInput(
        indicator=indicator,
        geography=row["geography"],
        period=_period(row),
        value=value,
        symbol=row.get("symbol") or None,
        decimals=_decimals(row, value),
        numerator=_number(row.get("numerator", ""), "numerator"),
        denominator=_number(row.get("denominator", ""), "denominator"),
        status=status,
        source_document=row["source_document"],
        source_locator=row["source_locator"],
        source_quote=row.get("source_quote") or None,
        note=row.get("note") or None,
    )
    # The rules every path shares (data.figures.validation): the place, the period, the value for its
    # measure (and the place's children), the symbol, the ratio, the text.
    problem = vocabulary.problem(item.indicator, item.geography, item.period, item.payload())
    if problem:
        raise ValueError(str(problem))
    return item


def unknown_indicator(row: dict[str, str]) -> str:
    """Why a code the store lacks is refused, and how to say it is new (with the file's own words for it)."""
    name, unit = row.get("indicator_name", ""), row.get("indicator_unit", "")
    flags = f'--new-indicator "{name}" --unit {unit}' if name and unit in UNITS else "--new-indicator NAME --unit UNIT"
    return f"unknown indicator {shown_text(row['indicator'])}: if it is a new one, import the file with {flags}"


def _decimals(row: dict[str, str], value: float | None) -> int | None:
    """The published precision: the export's own column, else as the value is written."""
    given = row.get("decimals")
    if given is not None:
        # An export states the precision (blank: the indicator's default); only older files lack the column.
        return int(given) if given.strip().isdigit() else None
    return None if value is None else written_decimals(row.get("value", ""))


def _period(row: dict[str, str]) -> Period:
    try:
        kind = PeriodKind(row["period_kind"])
    except ValueError:
        kinds = ", ".join(kind.value for kind in PeriodKind)
        raise ValueError(f"period_kind {shown_text(row['period_kind'])} is not one of {kinds}") from None
    try:
        start, end = date.fromisoformat(row["period_start"]), date.fromisoformat(row["period_end"])
    except ValueError:
        raise ValueError("period dates must be written YYYY-MM-DD") from None
    try:
        return Period(end=end, start=start, kind=kind, label=row.get("period_label", ""))
    except PeriodError as error:
        raise ValueError(str(error)) from None


def _number(text: str, column: str) -> float | None:
    if not text:
        return None
    try:
        number = float(text.replace(",", ""))
    except ValueError:
        raise ValueError(f"{column} {shown_text(text)} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{column} {shown_text(text)} is not a finite number")
    return number


def import_csv(
    session: Session, path: Path, *, actor: str, channel: str, new_indicator: NewIndicator | None = None
) -> WriteSummary:
    """Validate the whole file, then write it in the caller's transaction (with the one new indicator the
    officer named, if any)."""
    encoding = text_encoding(path)
    if new_indicator is not None:
        with path.open(newline="", encoding=encoding) as handle:
            _create_new_indicator(session, csv.DictReader(handle), new_indicator, actor=actor, channel=channel)
    with path.open(newline="", encoding=encoding) as handle:
        inputs = parse_rows(handle, FigureRules.of(session))
    return write_observations(session, inputs, actor=actor, channel=channel, reason=f"import of {path.name}")


def _create_new_indicator(
    session: Session, reader: csv.DictReader[str], new: NewIndicator, *, actor: str, channel: str
) -> None:
    """The file's one code the store lacks becomes `new`; none, or more than one, is refused (the flag names
    one indicator). The file's description of it (decimals, polarity, definition) is kept where it has one."""
    known = set(session.scalars(select(Indicator.code)))
    unknown: dict[str, tuple[int, dict[str, str]]] = {}
    for line, row in rows_of(reader):
        code = from_spreadsheet(row.get("indicator", ""))
        if code and code not in known and code not in unknown:
            unknown[code] = (line, row)
    if not unknown:
        raise ImportProblem("--new-indicator: the store already holds every indicator the file names")
    if len(unknown) > 1:
        listed = ", ".join(f"{code} (line {line})" for code, (line, _row) in list(unknown.items())[:5])
        raise ImportProblem(
            f"--new-indicator adds one indicator, and the file names {len(unknown)} the store lacks: {listed}"
        )
    [(code, (line, row))] = unknown.items()
    described = row.get("indicator_unit", "")
    if described and described != new.unit:
        raise ImportRejected([RowProblem(line, f"the file gives {code}'s unit as {described}, not {new.unit}")])
    try:
        _add_new(session, code, row, new, actor=actor, channel=channel)
    except InvalidFigure as error:  # a name too long for the store, say
        raise ImportRejected([RowProblem(line, str(error))]) from None


def _add_new(session: Session, code: str, row: dict[str, str], new: NewIndicator, *, actor: str, channel: str) -> None:
    decimals = row.get("indicator_decimals", "")
    polarity = row.get("indicator_polarity", "")
    add_indicator(
        session,
        code=code,
        name=new.name,
        unit=new.unit,
        decimals=int(decimals) if decimals.isdigit() else (0 if new.unit == "count" else 1),
        polarity=polarity if polarity in POLARITIES else "no_judgement",
        theme="context",
        definition=from_spreadsheet(row.get("indicator_definition", "")) or new.name,
        source=from_spreadsheet(row.get("indicator_source", "")) or "imported",
        actor=actor,
        channel=channel,
        reason="named new on import (--new-indicator)",
    )


def export_rows(session: Session) -> Iterator[dict[str, str]]:
    statement = (
        select(Indicator, Geography.code, Observation)
        .join(Indicator, Observation.indicator_id == Indicator.id)
        .join(Geography, Observation.geography_id == Geography.id)
        .order_by(Indicator.code, Geography.code, Observation.period_end, Observation.period_start)
    )
    for indicator, geography, observation in session.execute(statement).tuples():
        yield {
            "indicator": indicator.code,
            "geography": geography,
            "period_kind": observation.period_kind,
            "period_start": observation.period_start.isoformat(),
            "period_end": observation.period_end.isoformat(),
            "period_label": observation.period_label,
            "value": _text(observation.value),
            "decimals": "" if observation.decimals is None else str(observation.decimals),
            "symbol": observation.symbol or "",
            "numerator": _text(observation.numerator),
            "denominator": _text(observation.denominator),
            "status": observation.status,
            "source_document": observation.source_document,
            "source_locator": observation.source_locator,
            "source_quote": observation.source_quote or "",
            "note": observation.note or "",
            "indicator_name": indicator.name,
            "indicator_unit": indicator.unit,
            "indicator_decimals": str(indicator.decimals),
            "indicator_polarity": indicator.polarity,
            "indicator_definition": indicator.definition,
            "indicator_source": indicator.source,
        }


def write_csv(rows: Iterable[dict[str, str]], handle: IO[str]) -> int:
    """The rows as a CSV, each text cell spreadsheet-safe (a note "=HYPERLINK(…)" is written "'=HYPERLINK(…)").
    Lines end CRLF (RFC 4180): the csv module quotes a cell holding a line terminator's characters, so a
    note with a lone carriage return is quoted too, instead of splitting its row in two."""
    writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    count = 0
    for row in rows:
        writer.writerow({name: spreadsheet_safe(cell) if name in TEXT_COLUMNS else cell for name, cell in row.items()})
        count += 1
    return count


def _text(number: float | None) -> str:
    # repr keeps every digit, so an export reads back to the identical float.
    if number is None:
        return ""
    return str(int(number)) if number.is_integer() else repr(number)
