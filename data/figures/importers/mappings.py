"""The declarative mappings in `data/mappings/*.toml`: which column is which indicator, under which filter
values, at which geographic levels, and how the period reads. A file is recognised by its header."""

from __future__ import annotations

import csv
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from data.figures.catalogue import PACKAGE_DIR
from data.figures.importers.errors import ImportRejected, RowProblem
from data.figures.importers.files import open_text

MAPPINGS_DIR = PACKAGE_DIR / "mappings"


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
    dictionaries: tuple[str, ...] = ()  # LAIT: the data dictionary's file names, first found wins
    # Words councillors use that a publication's own wording lacks ("repeat child protection plans").
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Measures published separately that are one family: a count and its rate (the rate answers "per 10,000").
    families: dict[str, str] = field(default_factory=dict)
    # LAIT: a unit the dictionary's axis name gets wrong for a measure (a percentage that exceeds 100).
    units: dict[str, str] = field(default_factory=dict)

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


def _mapping(key: str, spec: dict[str, Any]) -> Mapping:
    return Mapping(
        key=key,
        name=spec["name"],
        publisher=spec["publisher"],
        signature=tuple(spec["signature"]),
        levels=tuple(spec.get("levels", Mapping.levels)),
        format=spec.get("format", "ees"),
        measures=tuple(_measure(entry) for entry in spec.get("measures", [])),
        geographies=dict(spec.get("geographies", {})),
        by_short_desc={key: _measure(value) for key, value in spec.get("measures_by_short_desc", {}).items()},
        year_types=dict(spec.get("year_types", {})),
        dictionaries=tuple(spec.get("dictionaries", ())),
        aliases={key: tuple(words) for key, words in spec.get("aliases", {}).items()},
        families=dict(spec.get("families", {})),
        units=dict(spec.get("units", {})),
    )


def load_mappings(directory: Path = MAPPINGS_DIR) -> list[Mapping]:
    return [
        _mapping(path.stem, tomllib.loads(path.read_text(encoding="utf-8")))
        for path in sorted(directory.glob("*.toml"))
    ]


def recognise(header: list[str], mappings: list[Mapping]) -> Mapping | None:
    return next((mapping for mapping in mappings if mapping.matches(header)), None)


def recognised(paths: Iterable[Path]) -> list[Path]:
    """The files a mapping recognises by their header (a dictionary beside its table matches none)."""
    mappings = load_mappings()
    return [path for path in paths if recognise(read_header(path), mappings) is not None]


def read_header(path: Path) -> list[str]:
    """The file's column names, stripped (EES files pad some with spaces; Excel adds a BOM)."""
    with open_text(path) as handle:
        try:
            return [name.strip() for name in next(csv.reader(handle), [])]
        except csv.Error as error:
            raise ImportRejected([RowProblem(1, f"the header is not a well-formed CSV line ({error})")]) from None
