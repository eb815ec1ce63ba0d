"""DfE and ONS tidy CSVs from explore-education-statistics, read through a mapping (or a generic request):
one row per place and period, each measure a column, filtered by the mapping's `where` values."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.importers.errors import MappingError, RowProblem
from data.figures.importers.mappings import Measure
from data.figures.importers.periods import PERIOD_RULES, rule_for
from data.figures.importers.places import LEVEL_CODE_COLUMNS, LEVEL_NAME_COLUMNS
from data.figures.importers.reading import Cell, Reading, Row, record
from data.models import Indicator


def prepare_ees(session: Session, reading: Reading) -> None:
    """Every mapped indicator must already be in the store; EES publishes no decimal places to round to."""
    known = set(session.scalars(select(Indicator.code)))
    for measure in reading.mapping.measures:
        if measure.indicator not in known:
            raise MappingError(f"indicator {measure.indicator} is not in the store")
        reading.decimals[measure.indicator] = None


def read_ees_row(reading: Reading, line: int, row: Row) -> None:
    level = row.get("geographic_level", "")
    if level not in reading.mapping.levels or level not in LEVEL_CODE_COLUMNS:
        reading.report.skipped[f"rows at geographic level {level or '(none)'!r}, which this import does not hold"] += 1
        return
    codes = tuple(row.get(column, "") for column in LEVEL_CODE_COLUMNS[level])
    place = reading.place(line, codes, row.get(LEVEL_NAME_COLUMNS[level], ""), level)
    if place is None:
        return
    for measure in reading.mapping.measures:
        if _applies(measure, reading.header, row):
            _read_measure(reading, line, row, measure, place)


def _applies(measure: Measure, header: list[str], row: Row) -> bool:
    return measure.column in header and all(row.get(column) == value for column, value in measure.where)


def _read_measure(reading: Reading, line: int, row: Row, measure: Measure, place: str) -> None:
    cell = row.get(measure.column, "")
    if not cell:
        reading.report.skipped[f"empty {measure.column} cells"] += 1
        return
    identifier = row.get("time_identifier", "")
    rule = rule_for(measure.period, identifier)
    if not rule:
        reading.problems.append(
            RowProblem(
                line,
                f"no period rule for time_identifier {row.get('time_identifier')!r}; "
                f"give --period ({', '.join(PERIOD_RULES)})",
            )
        )
        return
    record(
        reading,
        Cell(line, measure.column, cell),
        measure.indicator,
        place,
        (rule, row.get("time_period", ""), identifier),
        _optional_number(row.get(measure.denominator or "", "")),
    )


def _optional_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "")) if text else None
    except ValueError:
        return None  # a suppressed denominator is not an error in the figure itself
