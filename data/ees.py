"""Official statistics in: DfE's explore-education-statistics (EES) tidy CSVs and LAIT's long table.

A file is recognised by its header and read through a declarative mapping in `data/mappings/` (which column
is which indicator, under which filter values, at which geographic levels, and how its period reads). A file
no mapping knows can be read in generic mode, naming the indicator and column.

Every row is checked before anything is written; one broken row rejects the whole file with its line.
"""

from __future__ import annotations

import csv
import math
import tomllib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.catalogue import PACKAGE_DIR, REFERENCE_DIR, read_csv
from data.exchange import ImportRejected, RowProblem
from data.models import SUPPRESSION_SYMBOLS, UNITS, Document, Geography, GeographyAlias, Indicator
from data.periods import Period, PeriodKind, academic_year, financial_year, snapshot
from data.text import normalise
from data.writes import ObservationInput, WriteSummary, add_indicator, record_audit, write_observations

MAPPINGS_DIR = PACKAGE_DIR / "mappings"
OGL = "Open Government Licence v3.0"
LEVEL_CODE_COLUMNS = {
    "National": ("country_code",),
    "Regional": ("region_code",),
    "Local authority": ("new_la_code", "old_la_code"),
}
LEVEL_NAME_COLUMNS = {"National": "country_name", "Regional": "region_name", "Local authority": "la_name"}
DEFAULT_RULES = {
    "calendar year": "calendar_year",
    "financial year": "financial_year_ending",
    "academic year": "academic_year_code",
    "reporting year": "snapshot_31_march",
    "spring term": "term",
    "autumn term": "term",
    "summer term": "term",
}
NOISE_DECIMALS = 6  # where no decimal places are published: enough to drop 4.9000000000000004's tail


class MappingError(ValueError):
    """A mapping or generic request that cannot be applied to the file at all."""


# -- periods ------------------------------------------------------------------------------------------


def _year(text: str) -> int:
    return int(text[:4])


def _academic_code(text: str) -> int:
    """ "202324" -> 2023 (the first year); "2023/24" too."""
    digits = text.replace("/", "")
    if len(digits) != 6 or not digits.isdigit() or (int(digits[:4]) + 1) % 100 != int(digits[4:]):
        raise ValueError(f"time_period {text!r} is not an academic year such as 202324")
    return int(digits[:4])


def _term(time_period: str, identifier: str) -> Period:
    first = _academic_code(time_period)
    ranges = {
        "autumn term": ((first, 9, 1), (first, 12, 31)),
        "spring term": ((first + 1, 1, 1), (first + 1, 3, 31)),
        "summer term": ((first + 1, 4, 1), (first + 1, 7, 31)),
    }
    if identifier.lower() not in ranges:
        raise ValueError(f"time_identifier {identifier!r} is not a term")
    (sy, sm, sd), (ey, em, ed) = ranges[identifier.lower()]
    label = f"{identifier.lower()} {first}/{(first + 1) % 100:02d}"
    return Period(end=date(ey, em, ed), start=date(sy, sm, sd), kind=PeriodKind.RANGE, label=label)


def _dec_feb(time_period: str, _identifier: str) -> Period:
    year = _year(time_period)
    end = date(year + 1, 3, 1).toordinal() - 1
    return Period(
        end=date.fromordinal(end),
        start=date(year, 12, 1),
        kind=PeriodKind.RANGE,
        label=f"end of {year} (Dec {year} to Feb {year + 1} average)",
    )


PERIOD_RULES: dict[str, Callable[[str, str], Period]] = {
    "snapshot_31_march": lambda tp, _i: snapshot(date(_year(tp), 3, 31), f"31 Mar {_year(tp)}"),
    "financial_year_ending": lambda tp, _i: financial_year(_year(tp) - 1),
    "calendar_year": lambda tp, _i: Period(
        end=date(_year(tp), 12, 31), start=date(_year(tp), 1, 1), kind=PeriodKind.CALENDAR_YEAR
    ),
    "academic_year_code": lambda tp, _i: academic_year(_academic_code(tp)),
    "academic_year_ending": lambda tp, _i: academic_year(_year(tp) - 1),
    "mid_year": lambda tp, _i: snapshot(date(_year(tp), 6, 30), f"mid-{_year(tp)}"),
    "dec_feb_average": _dec_feb,
    "term": _term,
}


@lru_cache(maxsize=4096)
def period_for(rule: str, time_period: str, identifier: str) -> Period:
    """Cached: a file has few distinct periods and many rows."""
    try:
        return PERIOD_RULES[rule](time_period.strip(), identifier.strip())
    except (ValueError, IndexError) as error:
        raise ValueError(f"period {time_period!r} ({identifier}) does not read as {rule}: {error}") from None


# -- mappings -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    indicator: str
    column: str
    period: str
    where: tuple[tuple[str, str], ...] = ()
    denominator: str | None = None
    optional: bool = False
    decimals: int | None = None


@dataclass(frozen=True)
class Mapping:
    key: str
    name: str
    publisher: str
    signature: tuple[str, ...]
    levels: tuple[str, ...] = ("National", "Regional", "Local authority")
    measures: tuple[Measure, ...] = ()
    format: str = "ees"
    geographies: dict[str, str] = field(default_factory=dict)
    by_short_desc: dict[str, Measure] = field(default_factory=dict)
    year_types: dict[str, str] = field(default_factory=dict)
    dictionary: str | None = None

    def matches(self, header: list[str]) -> bool:
        return set(self.signature) <= set(header)


def _measure(entry: dict[str, Any]) -> Measure:
    return Measure(
        indicator=entry["indicator"],
        column=entry.get("column", "Values"),
        period=entry["period"],
        where=tuple(sorted(entry.get("where", {}).items())),
        denominator=entry.get("denominator"),
        optional=entry.get("optional", False),
    )


def load_mappings(directory: Path = MAPPINGS_DIR) -> list[Mapping]:
    mappings = []
    for path in sorted(directory.glob("*.toml")):
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
        mappings.append(
            Mapping(
                key=path.stem,
                name=spec["name"],
                publisher=spec["publisher"],
                signature=tuple(spec["signature"]),
                levels=tuple(spec.get("levels", Mapping.levels)),
                format=spec.get("format", "ees"),
                measures=tuple(_measure(entry) for entry in spec.get("measures", [])),
                geographies=dict(spec.get("geographies", {})),
                by_short_desc={key: _measure(value) for key, value in spec.get("measures_by_short_desc", {}).items()},
                year_types=dict(spec.get("year_types", {})),
                dictionary=spec.get("dictionary"),
            )
        )
    return mappings


def recognise(header: list[str], mappings: list[Mapping]) -> Mapping | None:
    return next((mapping for mapping in mappings if mapping.matches(header)), None)


@dataclass(frozen=True)
class GenericRequest:
    """`briefbot import FILE --indicator CODE --column COL --where COL=VALUE`."""

    indicator: str
    column: str
    where: tuple[tuple[str, str], ...] = ()
    period: str | None = None
    name: str | None = None
    unit: str | None = None
    decimals: int = 1
    polarity: str = "no_judgement"

    def mapping(self, file_name: str) -> Mapping:
        measure = Measure(self.indicator, self.column, self.period or "", self.where)
        return Mapping(
            key="generic",
            name=f"{file_name} (generic import)",
            publisher="Department for Education",
            signature=(self.column,),
            measures=(measure,),
        )


# -- places -------------------------------------------------------------------------------------------


class Places:
    """Resolves a row's place by code first (new, old, region, country), by name only as a last resort."""

    def __init__(self, session: Session, extra_codes: dict[str, str]) -> None:
        self.codes = set(session.scalars(select(Geography.code)))
        self.alias_codes: dict[str, str] = dict(extra_codes)
        self.names: dict[str, str] = {}
        rows = session.execute(
            select(GeographyAlias.alias, GeographyAlias.kind, Geography.code, Geography.type, Geography.valid_to).join(
                Geography
            )
        )
        for alias, kind, code, kind_of_place, valid_to in rows:
            if kind == "code":
                self.alias_codes.setdefault(alias, code)
            elif kind == "name" and kind_of_place in {"country", "region", "local_authority"} and valid_to is None:
                self.names.setdefault(alias, code)

    def by_code(self, *candidates: str) -> str | None:
        for candidate in candidates:
            code = candidate.strip()
            if code in self.codes:
                return code
            if code in self.alias_codes:
                return self.alias_codes[code]
        return None

    def by_name(self, name: str) -> str | None:
        return self.names.get(normalise(name))


# -- reading ------------------------------------------------------------------------------------------


@dataclass
class ImportReport:
    file: str
    mapping: str
    rows_read: int = 0
    figures: WriteSummary = field(default_factory=WriteSummary)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    created_indicators: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            f"{self.file}: read as “{self.mapping}”.",
            f"{self.rows_read:,} rows read; {self.figures.total:,} figures: {self.figures.created:,} added, "
            f"{self.figures.updated:,} revised (previous values kept in history), "
            f"{self.figures.unchanged:,} unchanged.",
        ]
        out += [f"Skipped {count:,} {reason}" for reason, count in self.skipped.most_common()]
        out += [f"New indicator {code}" for code in self.created_indicators]
        out += [f"Warning: {warning}" for warning in self.warnings[:10]]
        if len(self.warnings) > 10:
            out.append(f"…and {len(self.warnings) - 10} more warnings")
        return out


@dataclass
class _Reading:
    mapping: Mapping
    file_name: str
    places: Places
    decimals: dict[str, int | None]
    report: ImportReport
    problems: list[RowProblem] = field(default_factory=list)
    lait_measures: dict[str, Measure] = field(default_factory=dict)
    place_cache: dict[tuple[str, ...], str] = field(default_factory=dict)
    figures: dict[tuple[str, str, date, date], tuple[int, ObservationInput]] = field(default_factory=dict)

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
                f"{column} {text!r} is neither a number nor a suppression symbol ({', '.join(SUPPRESSION_SYMBOLS)})"
            ) from None
        if not math.isfinite(number):
            raise ValueError(f"{column} {text!r} is not a finite number")
        places = self.decimals.get(indicator)
        return round(number, NOISE_DECIMALS if places is None else places), None


def import_file(
    session: Session,
    path: Path,
    *,
    actor: str,
    channel: str = "import",
    generic: GenericRequest | None = None,
    progress: Callable[[Iterator[dict[str, str]]], Iterable[dict[str, str]]] | None = None,
) -> ImportReport:
    """Read, check and write one official-statistics file in the caller's transaction."""
    with path.open(newline="", encoding="utf-8-sig") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        mapping = _choose_mapping(session, header, path.name, generic)
        report = ImportReport(path.name, mapping.name)
        reading = _Reading(mapping, path.name, Places(session, mapping.geographies), {}, report)
        _prepare_indicators(session, reading, header)
        rows: Iterable[dict[str, str]] = _stripped(reader)
        for row in progress(iter(rows)) if progress else rows:
            report.rows_read += 1
            if mapping.format == "lait":
                _read_lait_row(reading, reader.line_num, row)
            else:
                _read_ees_row(reading, reader.line_num, row, header)
    if reading.problems:
        raise ImportRejected(reading.problems)
    _register_document(session, path.name, mapping)
    items = [item for _, item in reading.figures.values()]
    report.figures = write_observations(
        session,
        items,
        actor=actor,
        channel=channel,
        reason=f"import of {path.name}",
        audit_creates=False,
        corroborate=True,
    )
    record_audit(
        session,
        actor=actor,
        channel=channel,
        action="import",
        entity="file",
        entity_key=path.name,
        after={
            "mapping": mapping.key,
            "rows": report.rows_read,
            "created": report.figures.created,
            "updated": report.figures.updated,
            "unchanged": report.figures.unchanged,
        },
        reason=f"import of {path.name}",
    )
    return report


def _stripped(reader: csv.DictReader[str]) -> Iterator[dict[str, str]]:
    for row in reader:
        yield {(key or "").strip(): (value or "").strip() for key, value in row.items()}


def _choose_mapping(session: Session, header: list[str], file_name: str, generic: GenericRequest | None) -> Mapping:
    if generic is not None:
        if generic.column not in header:
            raise MappingError(f"{file_name} has no column {generic.column!r}; its columns are {', '.join(header)}")
        return generic.mapping(file_name)
    mapping = recognise(header, load_mappings())
    if mapping is None:
        raise MappingError(
            f"{file_name} is not a publication briefbot knows. Import it in generic mode: "
            f"briefbot import {file_name} --indicator CODE --column COLUMN [--where COLUMN=VALUE]"
        )
    for measure in mapping.measures:
        if measure.column not in header and not measure.optional:
            raise MappingError(f"{file_name} looks like “{mapping.name}” but lacks column {measure.column!r}")
    return mapping


def _prepare_indicators(session: Session, reading: _Reading, header: list[str]) -> None:
    indicators = {row.code: row for row in session.scalars(select(Indicator))}
    mapping = reading.mapping
    if mapping.format == "lait":
        _prepare_lait(session, reading, indicators)
        return
    for measure in mapping.measures:
        if measure.indicator not in indicators:
            raise MappingError(f"indicator {measure.indicator} is not in the store")
        reading.decimals[measure.indicator] = None


def _read_ees_row(reading: _Reading, line: int, row: dict[str, str], header: list[str]) -> None:
    level = row.get("geographic_level", "")
    if level not in reading.mapping.levels or level not in LEVEL_CODE_COLUMNS:
        reading.report.skipped[f"rows at geographic level {level or '(none)'!r}, which this import does not hold"] += 1
        return
    place = _place(reading, line, row, level)
    if place is None:
        return
    for measure in reading.mapping.measures:
        if measure.column not in header or not all(row.get(column) == value for column, value in measure.where):
            continue
        cell = row.get(measure.column, "")
        if not cell:
            reading.report.skipped[f"empty {measure.column} cells"] += 1
            continue
        rule = measure.period or DEFAULT_RULES.get(row.get("time_identifier", "").lower(), "")
        if not rule:
            reading.problems.append(
                RowProblem(
                    line,
                    f"no period rule for time_identifier "
                    f"{row.get('time_identifier')!r}; give --period "
                    f"({', '.join(PERIOD_RULES)})",
                )
            )
            continue
        _record(
            reading,
            line,
            measure.indicator,
            place,
            (rule, row.get("time_period", ""), row.get("time_identifier", "")),
            cell,
            measure.column,
            _optional_number(row.get(measure.denominator or "", "")),
        )


def _record(
    reading: _Reading,
    line: int,
    indicator: str,
    place: str,
    period: tuple[str, str, str],
    cell: str,
    column: str,
    denominator: float | None = None,
) -> None:
    """One figure from one cell: its period read by rule, its value or suppression symbol checked."""
    try:
        when = period_for(*period)
        value, symbol = reading.value(cell, indicator, column)
    except ValueError as error:
        reading.problems.append(RowProblem(line, str(error)))
        return
    reading.add(
        line,
        ObservationInput(
            indicator=indicator,
            geography=place,
            period=when,
            value=value,
            symbol=symbol,
            denominator=denominator,
            status="final",
            source_document=reading.file_name,
            source_locator=f"row {line}, {column}",
        ),
    )


def _place(reading: _Reading, line: int, row: dict[str, str], level: str) -> str | None:
    codes = tuple(row.get(column, "") for column in LEVEL_CODE_COLUMNS[level])
    if codes in reading.place_cache:
        return reading.place_cache[codes]
    code = reading.places.by_code(*codes)
    if code is not None:
        reading.place_cache[codes] = code
    if code is not None:
        return code
    name = row.get(LEVEL_NAME_COLUMNS[level], "")
    code = reading.places.by_name(name)
    if code is not None:
        reading.report.warnings.append(f"line {line}: {name!r} matched by name, not code")
        return code
    reading.report.skipped[f"rows for places not in the catalogue ({level})"] += 1
    return None


def _optional_number(text: str) -> float | None:
    try:
        return float(text.replace(",", "")) if text else None
    except ValueError:
        return None  # a suppressed denominator is not an error in the figure itself


# -- LAIT -----------------------------------------------------------------------------------------------

UNIT_FROM_AXIS = {"%": "percent", "rate per 10,000": "rate_per_10000", "number": "count"}
POLARITY = {"low": "lower_is_better", "high": "higher_is_better"}
THEMES = {
    "child protection": "looked_after_children",
    "looked after children": "looked_after_children",
    "children in need": "looked_after_children",
    "absence": "attendance",
    "neet": "neet",
}


@dataclass(frozen=True)
class LaitEntry:
    short: str
    measure: str
    polarity: str
    decimals: int | None
    year_type: str
    unit: str
    theme: str
    description: str


def lait_dictionary(path: Path) -> dict[str, LaitEntry]:
    entries = {}
    for row in read_csv(path):
        axis = row["y_axis_name"].lower()
        unit = next((unit for key, unit in UNIT_FROM_AXIS.items() if key in axis), "count")
        theme = next((theme for key, theme in THEMES.items() if key in row["Topic"].lower()), "context")
        entries[row["Measure_short"]] = LaitEntry(
            short=row["Measure_short"],
            measure=row["Measure"],
            polarity=POLARITY.get(row["Polarity"].lower(), "no_judgement"),
            decimals=int(row["dps"]) if row["dps"].isdigit() else None,
            year_type=row["Year_Type"],
            unit=unit,
            theme=theme,
            description=row["Description"],
        )
    return entries


def lait_code(short: str) -> str:
    return "LAIT_" + normalise(short.replace(",", "")).upper().replace(" ", "_")


def _prepare_lait(session: Session, reading: _Reading, indicators: dict[str, Indicator]) -> None:
    dictionary = lait_dictionary(REFERENCE_DIR / (reading.mapping.dictionary or "lait_data_dictionary.csv"))
    measures = dict(reading.mapping.by_short_desc)
    for short, entry in dictionary.items():
        mapped = measures.get(short)
        code = mapped.indicator if mapped else lait_code(short)
        rule = mapped.period if mapped else reading.mapping.year_types.get(entry.year_type, "snapshot_31_march")
        measures[short] = Measure(code, "Values", rule, decimals=entry.decimals)
        reading.decimals[code] = entry.decimals
        if code not in indicators:
            indicators[code] = _lait_indicator(session, code, entry, reading)
    reading.lait_measures = measures


def _lait_indicator(session: Session, code: str, entry: LaitEntry, reading: _Reading) -> Indicator:
    if entry.unit not in UNITS:
        raise MappingError(f"LAIT measure {entry.short} has unit {entry.unit!r}")
    indicator = add_indicator(
        session,
        code=code,
        name=entry.measure,
        unit=entry.unit,
        decimals=entry.decimals if entry.decimals is not None else 1,
        polarity=entry.polarity,
        theme=entry.theme,
        definition=entry.description or entry.measure,
        source="DfE, Local Authority Interactive Tool",
        actor="briefbot import",
        channel="import",
        reason=f"LAIT measure {entry.short}",
    )
    reading.report.created_indicators.append(code)
    return indicator


def _read_lait_row(reading: _Reading, line: int, row: dict[str, str]) -> None:
    short = row.get("Short Desc", "")
    measure = reading.lait_measures.get(short)
    if measure is None:
        reading.report.skipped[f"rows of LAIT measure {short!r}, not in the data dictionary"] += 1
        return
    cell = row.get("Values", "")
    if cell in {"", "-"}:
        reading.report.skipped["LAIT cells marked '-' (no figure)"] += 1
        return
    place = reading.places.by_code(row.get("LA Number", ""))
    if place is None:
        place = reading.places.by_name(row.get("LA and Regions", ""))
        if place is None:
            reading.report.skipped["rows for places not in the catalogue (LAIT)"] += 1
            return
        reading.report.warnings.append(f"line {line}: {row.get('LA and Regions')!r} matched by name, not code")
    _record(reading, line, measure.indicator, place, (measure.period, row.get("Years", ""), ""), cell, short)


def _register_document(session: Session, file_name: str, mapping: Mapping) -> None:
    if session.scalar(select(Document.id).where(Document.key == file_name)) is None:
        session.add(
            Document(
                key=file_name,
                title=f"{mapping.publisher}: {mapping.name}",
                published=None,
                publisher=mapping.publisher,
                licence=OGL,
            )
        )


def create_indicator(session: Session, request: GenericRequest, *, actor: str) -> bool:
    """Generic mode may create its indicator when a name and unit are given. Returns True if created."""
    if session.scalar(select(Indicator.id).where(Indicator.code == request.indicator)) is not None:
        return False
    if not request.name or not request.unit:
        raise MappingError(f"indicator {request.indicator} is not in the store: give --name and --unit to create it")
    if request.unit not in UNITS:
        raise MappingError(f"--unit must be one of {', '.join(UNITS)}")
    add_indicator(
        session,
        code=request.indicator,
        name=request.name,
        unit=request.unit,
        decimals=request.decimals,
        polarity=request.polarity,
        theme="context",
        definition=request.name,
        source="DfE explore-education-statistics (generic import)",
        actor=actor,
        channel="cli",
        reason="generic import",
    )
    return True
