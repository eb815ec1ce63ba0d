"""import_any: one entry point that tells which importer a file needs, for the CLI and chat uploads alike."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data.figures.catalogue import REFERENCE_DIR
from data.figures.importers import GenericRequest, ImportReport, MappingError, import_any
from data.figures.importers.long_csv import COLUMNS
from data.models import Indicator
from data.store import prepare

FOSTER_CARERS = (
    "time_period,time_identifier,geographic_level,country_code,country_name,new_la_code,la_name,carer_type,carers\n"
    "2024,Reporting year,National,E92000001,England,,,All,37000\n"
    "2024,Reporting year,Local authority,E92000001,England,E08000035,Leeds,All,610\n"
)


@pytest.fixture
def store(empty_engine: Engine) -> Engine:
    prepare(empty_engine, seed=False)
    return empty_engine


def _import(engine: Engine, path: Path, generic: GenericRequest | None = None) -> ImportReport:
    with Session(engine) as session, session.begin():
        return import_any(session, path, actor="test", channel="cli", generic=generic)


def test_long_csv_is_known_by_its_key_columns(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "update.csv"
    row = "CPP_COUNT,cluster-jess,snapshot,2014-03-31,2014-03-31,31/3/14,150,,,,final,officer update,line,,"
    path.write_text(",".join(COLUMNS) + "\n" + row + "\n", encoding="utf-8")
    report = _import(store, path)
    assert (report.importer, report.figures.created) == ("long_csv", 1)
    assert report.lines() == ["update.csv: 1 rows read; 1 added, 0 corrected, 0 unchanged."]


def test_a_mapped_publication_is_known_by_its_header(store: Engine) -> None:
    report = _import(store, REFERENCE_DIR / "cla_number_and_rate_per_10k_children_leeds_slice.csv")
    cla = "Children looked after in England: numbers and rates per 10,000"
    assert (report.importer, report.mapping) == ("ees", cla)
    assert report.figures.created > 0
    assert report.lines()[0].endswith(f"read as “{cla}”.")


def test_lait_is_read_with_its_dictionary(store: Engine) -> None:
    report = _import(store, REFERENCE_DIR / "lait_bds_long_leeds_sn_slice.csv")
    assert (report.importer, report.mapping) == ("lait", "Local Authority Interactive Tool (LAIT)")
    assert "LAIT_REREFERRAL" in report.created_indicators


def test_a_generic_request_reads_a_file_no_mapping_knows(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "foster_carers.csv"
    path.write_text(FOSTER_CARERS, encoding="utf-8")
    request = GenericRequest("FOSTER_CARERS", "carers", (("carer_type", "All"),), name="Foster carers", unit="count")
    report = _import(store, path, request)
    assert (report.importer, report.figures.created) == ("generic", 2)
    assert report.mapping == "foster_carers.csv (generic import)"


def test_a_generic_request_for_a_long_csv_is_not_read_as_one(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_text(",".join(COLUMNS) + "\n", encoding="utf-8")
    with pytest.raises(MappingError, match="has no column 'carers'"):
        _import(store, path, GenericRequest("POP_0_17", "carers"))


def test_an_unrecognised_file_is_rejected_in_one_line(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "foster_carers.csv"
    path.write_text(FOSTER_CARERS, encoding="utf-8")
    with pytest.raises(MappingError) as raised:
        _import(store, path)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith("foster_carers.csv is not a publication briefbot knows.")
    assert "--indicator CODE --column COLUMN" in message


def test_a_file_that_is_not_utf8_text_is_rejected_in_one_line(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "figures.xlsx"
    path.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    with pytest.raises(MappingError, match=r"^figures\.xlsx is not a UTF-8 CSV file: line 1 has byte 0xff") as raised:
        _import(store, path)
    assert "\n" not in str(raised.value)


def test_nothing_is_written_when_a_file_is_rejected(store: Engine, tmp_path: Path) -> None:
    path = tmp_path / "foster_carers.csv"
    path.write_text(FOSTER_CARERS, encoding="utf-8")
    request = GenericRequest("FOSTER_CARERS", "no_such_column", name="Foster carers", unit="count")
    with pytest.raises(MappingError, match="no column 'no_such_column'"):
        _import(store, path, request)
    with Session(store) as session:  # the indicator the request created went with the rejected file
        assert session.scalar(select(Indicator.id).where(Indicator.code == "FOSTER_CARERS")) is None
