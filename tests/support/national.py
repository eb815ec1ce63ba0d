"""The national DfE files cut down to the rows a test needs, and an empty store on each backend for them
(shared by tests/data/test_national.py and tests/app/test_refresh.py)."""

from __future__ import annotations

import csv
import gzip
import io
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from data.figures.catalogue import NATIONAL_DIR
from data.store import prepare
from tests.conftest import BACKENDS

LAIT = NATIONAL_DIR / "lait_bds_long.csv.gz"
DICTIONARY = NATIONAL_DIR / "lait_data_dictionary.csv.gz"
PLACES = {"Bradford", "Leeds", "Manchester", "Cornwall", "England"}
MEASURES = {
    "CPP_rate",
    "CIN",
    "Section_47",
    "RTA",
    "LACFinance",
    "TotPermEx",
    "A3A",
    "KS1P_all",
    "Hosp_Adm_Alc_<18yrs",
    "HE_19_All",
    "CINPermExclusion",
    "Work_Force_Agecy_Rate",
    "PriFSM",
}


@pytest.fixture(name="store", params=BACKENDS)
def national_store(request: pytest.FixtureRequest, empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=False)
    return empty_engine


def _cut(source: Path, target: Path, keep: Callable[[dict[str, str]], bool]) -> Path:
    """The source's header and the rows `keep` wants, gzip-compressed as DfE's files are shipped."""
    with gzip.open(source, "rt", encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [row for row in reader if keep(row)]
        header = list(reader.fieldnames or [])
    _write_gz(target, header, rows)
    return target


def _write_gz(target: Path, header: list[str], rows: Iterable[dict[str, str]], bom: bool = False) -> None:
    text = io.StringIO()
    writer = csv.DictWriter(text, header, quoting=csv.QUOTE_NONNUMERIC if header[0] == "Short Desc" else 0)
    writer.writeheader()
    writer.writerows(rows)
    with gzip.open(target, "wb") as handle:
        handle.write((b"\xef\xbb\xbf" if bom else b"") + text.getvalue().encode("utf-8"))


def _lait_subset(folder: Path, extra: Iterable[dict[str, str]] = ()) -> Path:
    target = folder / "lait_bds_long.csv.gz"
    _cut(LAIT, target, lambda row: row["Short Desc"] in MEASURES and row["LA and Regions"] in PLACES)
    if extra:
        with gzip.open(target, "rt", encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            rows = [*reader, *extra]
            header = list(reader.fieldnames or [])
        _write_gz(target, header, rows)
    (folder / DICTIONARY.name).write_bytes(DICTIONARY.read_bytes())
    return target
