"""One official file being read: the figures so far, the problems found, and how a cell becomes a figure.

Shared by the EES and LAIT readers; nothing here writes to the store.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from data.figures.importers.errors import RowProblem
from data.figures.importers.mappings import Mapping, Measure
from data.figures.importers.periods import period_for
from data.figures.importers.places import Places
from data.figures.importers.report import ImportReport
from data.figures.periods import Period
from data.figures.validation import observation_problem, shown_text, value_problem
from data.figures.writes import ObservationInput
from data.models import SUPPRESSION_SYMBOLS

MAX_PUBLISHED_DECIMALS = 3  # more places than this is an unrounded float, not a published precision
NOISE_DECIMALS = 6  # where no decimal places are published: enough to drop 4.9000000000000004's tail
Row = dict[str, str]
Progress = Callable[[Iterator[Row]], Iterable[Row]]
FigureKey = tuple[str, str, date, date]


@dataclass
class Reading:
    mapping: Mapping
    path: Path  # where the file is (LAIT reads its dictionary beside it)
    header: list[str]
    places: Places
    report: ImportReport
    decimals: dict[str, int | None] = field(default_factory=dict)
    units: dict[str, str] = field(default_factory=dict)  # every indicator's unit, for the shared rules
    problems: list[RowProblem] = field(default_factory=list)
    lait_measures: dict[str, Measure] = field(default_factory=dict)
    figures: dict[FigureKey, tuple[int, ObservationInput]] = field(default_factory=dict)

    @property
    def file_name(self) -> str:
        return self.path.name

    def add(self, line: int, item: ObservationInput) -> None:
        key = (item.indicator, item.geography, item.period.start, item.period.end)
        seen = self.figures.get(key)
        if seen is None:
            self.figures[key] = (line, item)
        elif (seen[1].value, seen[1].symbol) != (item.value, item.symbol):
            self.problems.append(
                RowProblem(line, f"a second, different figure for {item.label} (first on line {seen[0]})")
            )

    def value(self, cell: str, indicator: str, column: str) -> tuple[float | None, str | None]:
        text = cell.strip()
        if text.lower() in SUPPRESSION_SYMBOLS:
            return None, text.lower()
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            raise ValueError(
                f"{column} {shown_text(text)} is neither a number nor a suppression symbol "
                f"({', '.join(SUPPRESSION_SYMBOLS)})"
            ) from None
        if not math.isfinite(number):
            raise ValueError(f"{column} {shown_text(text)} is not a finite number")
        # Checked before rounding to the published places: a count of 2.5 must not become 2 and pass.
        problem = value_problem(round(number, NOISE_DECIMALS), self.units[indicator])
        if problem:
            raise ValueError(f"{column}: {problem}")
        places = self.decimals.get(indicator)
        return round(number, NOISE_DECIMALS if places is None else places), None

    def published_decimals(self, cell: str, indicator: str) -> int | None:
        """The file's precision for this figure. A whole number in a CSV is no evidence (writers drop ".0"),
        nor is an unrounded float: both fall back to the indicator's default (None)."""
        places = self.decimals.get(indicator)
        if places is not None:
            return places
        written = written_decimals(cell)
        return written if written is not None and 1 <= written <= MAX_PUBLISHED_DECIMALS else None

    def place(self, line: int, codes: tuple[str, ...], name: str, where: str) -> str | None:
        """The row's place by code, else by name with a warning, else the row is skipped (and counted)."""
        code = self.places.by_code(codes)
        if code is not None:
            return code
        code = self.places.by_name(name)
        if code is not None:
            self.report.warnings.append(f"line {line}: {shown_text(name)} matched by name, not code")
            return code
        self.report.skipped[f"rows for places not in the catalogue ({where})"] += 1
        return None


def written_decimals(text: str) -> int | None:
    """Decimal places as the figure was written: "62" 0, "62.0" 1; float noise ("4.9000000000000004") trimmed."""
    number = text.strip().replace(",", "")
    if not number or number.lower() in SUPPRESSION_SYMBOLS:
        return None
    _, _, fraction = number.partition(".")
    if len(fraction) <= NOISE_DECIMALS:
        return len(fraction)
    trimmed = repr(round(float(number), NOISE_DECIMALS))
    return len(trimmed.partition(".")[2].rstrip("0"))


@dataclass(frozen=True)
class Cell:
    """Where one figure sits: its row, the column (or LAIT measure) it is in, and its text."""

    line: int
    column: str
    text: str


def record(
    reading: Reading,
    cell: Cell,
    indicator: str,
    place: str,
    period: tuple[str, str, str] | Period,
    denominator: float | None = None,
    status: str = "final",
    note: str | None = None,
) -> None:
    """One figure from one cell: its period (read by rule, or already read), its value or suppression symbol
    checked."""
    try:
        when = period if isinstance(period, Period) else period_for(*period)
        value, symbol = reading.value(cell.text, indicator, cell.column)
    except ValueError as error:
        reading.problems.append(RowProblem(cell.line, str(error)))
        return
    item = ObservationInput(
        indicator=indicator,
        geography=place,
        period=when,
        value=value,
        symbol=symbol,
        decimals=None if value is None else reading.published_decimals(cell.text, indicator),
        denominator=denominator,
        status=status,
        source_document=reading.file_name,
        source_locator=f"row {cell.line}, {cell.column}",
        note=note,
    )
    # The rules every path shares (data.figures.validation): a file of official figures gets no exemption.
    problem = observation_problem(reading.units[indicator], item.payload())
    if problem:
        reading.problems.append(RowProblem(cell.line, f"{cell.column}: {problem}"))
        return
    reading.add(cell.line, item)
