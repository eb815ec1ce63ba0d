"""DfE's Local Authority Interactive Tool (LAIT) long table: one row per measure, place and year, described
by its data dictionary. Measures the mapping names go to the store's own indicators; every other measure
becomes an indicator `LAIT_<short name>` with the dictionary's unit, polarity and decimal places."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.catalogue import NATIONAL_DIR, REFERENCE_DIR
from data.figures.importers.errors import MappingError, RowProblem
from data.figures.importers.files import open_text
from data.figures.importers.lait_years import lait_period
from data.figures.importers.mappings import Measure
from data.figures.importers.reading import Cell, Reading, Row, record
from data.figures.writes import add_indicator
from data.models import UNITS, Indicator, IndicatorAlias
from data.text import normalise

DEFAULT_DICTIONARY = "lait_data_dictionary.csv.gz"
# The dictionary's y-axis names the unit; the order matters ("% of referrals" is a percentage, not a count).
UNIT_FROM_AXIS = {
    "gap": "average",  # a percentage-point gap, which can be below zero
    "rate per 10,000": "rate_per_10000",
    "%": "percent",
    "percentage": "percent",
    "spend": "money",
    "cost": "money",
    "£": "money",
    "expenditure": "money",
    "number": "count",
}
POLARITY = {"low": "lower_is_better", "high": "higher_is_better"}
THEMES = {
    "child protection": "looked_after_children",
    "looked after children": "looked_after_children",
    "children in need": "looked_after_children",
    "absence": "attendance",
    "neet": "neet",
}
NO_FIGURE = {"", "-"}


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
    chart_title: str = ""


def _entry(row: dict[str, str]) -> LaitEntry:
    axis = row["y_axis_name"].lower()
    return LaitEntry(
        short=row["Measure_short"],
        measure=row["Measure"],
        polarity=POLARITY.get(row["Polarity"].lower(), "no_judgement"),
        decimals=int(row["dps"]) if row["dps"].isdigit() else None,
        year_type=row["Year_Type"],
        unit=_unit(axis, row["dps"]),
        theme=next((theme for key, theme in THEMES.items() if key in row["Topic"].lower()), "context"),
        description=row["Description"],
        chart_title=" ".join(row.get("Chart_title", "").split()),
    )


def _unit(axis: str, decimals: str) -> str:
    """A count published with decimal places (a three-year average of deaths) is an average; so is a score, a
    rate per 1,000 or per 100,000, and anything else the axis does not name."""
    unit = next((unit for key, unit in UNIT_FROM_AXIS.items() if key in axis), "average")
    return "average" if unit == "count" and decimals not in {"0", "NA", ""} else unit


def lait_dictionary(path: Path, units: dict[str, str] | None = None) -> dict[str, LaitEntry]:
    """The dictionary's entries by short name; `units` corrects the unit the axis name implies."""
    with open_text(path) as handle:
        entries = {entry.short: entry for entry in map(_entry, csv.DictReader(handle))}
    return {short: replace(entry, unit=(units or {}).get(short, entry.unit)) for short, entry in entries.items()}


def lait_code(short: str) -> str:
    return "LAIT_" + normalise(short.replace(",", "")).upper().replace(" ", "_")


def dictionary_path(file: Path, names: tuple[str, ...]) -> Path:
    """The data dictionary beside the long table (the national pair ships together), else the bundled subset
    (a copy of the Leeds slice on its own keeps its 24 measures), else the bundled national one."""
    for folder in (file.parent, REFERENCE_DIR, NATIONAL_DIR):
        for name in names:
            if (folder / name).exists():
                return folder / name
    raise MappingError(f"{file.name} needs LAIT's data dictionary ({' or '.join(names)}) beside it")


def prepare_lait(session: Session, reading: Reading) -> None:
    """A measure for every dictionary entry, creating the indicators the store lacks."""
    known = set(session.scalars(select(Indicator.code)))
    names = reading.mapping.dictionaries or (DEFAULT_DICTIONARY,)
    dictionary = lait_dictionary(dictionary_path(reading.path, names), reading.mapping.units)
    measures = dict(reading.mapping.by_short_desc)
    for short, entry in dictionary.items():
        mapped = measures.get(short)
        code = mapped.indicator if mapped else lait_code(short)
        rule = mapped.period if mapped else reading.mapping.year_types.get(entry.year_type)
        if rule is None:
            raise MappingError(f"LAIT measure {short} has year type {entry.year_type!r}, which no rule reads")
        measures[short] = Measure(code, "Values", rule, decimals=entry.decimals)
        reading.decimals[code] = entry.decimals
        if code not in known:
            _add_lait_indicator(session, code, entry, reading.mapping.families.get(short))
            reading.report.created_indicators.append(code)
            known.add(code)
        if mapped is None:
            everyday = [normalise(alias) for alias in reading.mapping.aliases.get(short, ())]
            _add_aliases(session, code, list(dict.fromkeys([*lait_aliases(entry), *everyday])))
    reading.lait_measures = measures


# Dictionary wording that names the unit or the source rather than the measure.
_NOISE = re.compile(
    r"\((?:%|rate|num|from \d{4}|new definition)\)|- rate|\brates? per 10,000( children)?|\b(?:rate|number) of\b|%"
)

_AGES = re.compile(r"\b\d+ \d+ year olds\b")
_CLAUSE = re.compile(r" (?:to|within) ")


def lait_aliases(entry: LaitEntry) -> list[str]:
    """Words a councillor might use for a LAIT measure: its dictionary name, chart title and short name."""
    found = []
    for text in (entry.measure, entry.chart_title, entry.short.replace("_", " ")):
        words = _AGES.sub(" ", normalise(_NOISE.sub(" ", text.lower())))
        bare = " ".join(words.split()).removeprefix("percentage of ").removeprefix("of ").removeprefix("total ")
        # "re referrals to childrens social care within 12 months" is asked for as "re referrals".
        for phrase in (" ".join(words.split()), bare, _CLAUSE.split(bare)[0]):
            if len(phrase) > 3 and not phrase.isdigit():
                found.append(phrase[:200])
    return list(dict.fromkeys(found))


def _add_aliases(session: Session, code: str, aliases: list[str]) -> None:
    indicator = session.scalars(select(Indicator).where(Indicator.code == code)).one()
    held = {alias.alias for alias in indicator.aliases}
    indicator.aliases += [IndicatorAlias(alias=alias) for alias in aliases if alias not in held]


def _add_lait_indicator(session: Session, code: str, entry: LaitEntry, family: str | None) -> None:
    if entry.unit not in UNITS:
        raise MappingError(f"LAIT measure {entry.short} has unit {entry.unit!r}")
    add_indicator(
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
        family=family,
    )


def read_lait_row(reading: Reading, line: int, row: Row) -> None:
    short = row.get("Short Desc", "")
    measure = reading.lait_measures.get(short)
    if measure is None:
        reading.report.skipped[f"rows of LAIT measure {short!r}, not in the data dictionary"] += 1
        return
    cell = row.get("Values", "")
    if cell in NO_FIGURE:
        reading.report.skipped["LAIT cells marked '-' (no figure)"] += 1
        return
    try:
        period, status, note = lait_period(measure.period, row.get("Years", ""))
    except ValueError as error:
        reading.problems.append(RowProblem(line, f"{short}: {error}"))
        return
    place = reading.place(line, (row.get("LA Number", ""),), row.get("LA and Regions", ""), "LAIT")
    if place is None:
        return
    record(reading, Cell(line, short, cell), measure.indicator, place, period, status=status, note=note)
