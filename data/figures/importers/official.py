"""Official statistics in: a file read through a mapping (recognised by its header, or generic mode),
every row checked before anything is written, so one broken row rejects the whole file with its line."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.importers.ees import prepare_ees, read_ees_row
from data.figures.importers.errors import ImportRejected, MappingError
from data.figures.importers.files import open_text, rows_of
from data.figures.importers.generic import GENERIC, GenericRequest, generic_mapping
from data.figures.importers.lait import prepare_lait, read_lait_row
from data.figures.importers.mappings import Mapping, load_mappings, read_header, recognise
from data.figures.importers.places import Places
from data.figures.importers.reading import Progress, Reading, Row
from data.figures.importers.report import ImportReport
from data.figures.writes import record_audit, write_observations
from data.models import Document, Indicator

OGL = "Open Government Licence v3.0"
# Each mapping format: how the store is made ready for the file, and how one row is read.
FORMATS: dict[str, tuple[Callable[[Session, Reading], None], Callable[[Reading, int, Row], None]]] = {
    "ees": (prepare_ees, read_ees_row),
    "lait": (prepare_lait, read_lait_row),
}


def unrecognised(file_name: str) -> MappingError:
    return MappingError(
        f"{file_name} is not a publication briefbot knows. Import it in generic mode: "
        f"briefbot import {file_name} --indicator CODE --column COLUMN [--where COLUMN=VALUE]"
    )


def choose_mapping(header: list[str], file_name: str, generic: GenericRequest | None) -> Mapping:
    if generic is not None:
        return generic_mapping(generic, header, file_name)
    mapping = recognise(header, load_mappings())
    if mapping is None:
        raise unrecognised(file_name)
    for measure in mapping.measures:
        if measure.column not in header and not measure.optional:
            raise MappingError(f"{file_name} looks like “{mapping.name}” but lacks column {measure.column!r}")
    return mapping


def import_file(
    session: Session,
    path: Path,
    *,
    actor: str,
    channel: str = "import",
    generic: GenericRequest | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read, check and write one official-statistics file in the caller's transaction."""
    mapping = choose_mapping(read_header(path), path.name, generic)
    return import_mapped(session, path, mapping, actor=actor, channel=channel, progress=progress)


def import_mapped(
    session: Session, path: Path, mapping: Mapping, *, actor: str, channel: str, progress: Progress | None = None
) -> ImportReport:
    """Read the file through a mapping already chosen, then write its figures (or reject it whole)."""
    reading = _read(session, path, mapping, progress)
    if reading.problems:
        raise ImportRejected(reading.problems)
    _register_document(session, path.name, mapping)
    report = reading.report
    report.figures = write_observations(
        session,
        [item for _, item in reading.figures.values()],
        actor=actor,
        channel=channel,
        reason=f"import of {path.name}",
        audit_creates=False,
        corroborate=True,
    )
    _audit_import(session, report, mapping, actor=actor, channel=channel)
    return report


def _read(session: Session, path: Path, mapping: Mapping, progress: Progress | None) -> Reading:
    prepare, read_row = FORMATS[mapping.format]
    with open_text(path) as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        importer = GENERIC if mapping.key == GENERIC else mapping.format
        report = ImportReport(path.name, mapping.name, importer)
        reading = Reading(mapping, path, header, Places(session, mapping.geographies), report)
        prepare(session, reading)
        # After prepare, which may have created the file's indicators (LAIT).
        reading.units = dict(session.execute(select(Indicator.code, Indicator.unit)).tuples().all())
        for line, row in _counted(rows_of(reader), progress):
            report.rows_read += 1
            read_row(reading, line, row)
    return reading


def _counted(rows: Iterator[tuple[int, Row]], progress: Progress | None) -> Iterator[tuple[int, Row]]:
    """The rows, through the caller's progress bar when there is one (it wraps rows, not line numbers)."""
    if progress is None:
        yield from rows
        return
    lines: list[int] = []

    def cells() -> Iterator[Row]:
        for line, row in rows:
            lines.append(line)
            yield row

    for row in progress(cells()):
        yield lines[-1], row


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


def _audit_import(session: Session, report: ImportReport, mapping: Mapping, *, actor: str, channel: str) -> None:
    record_audit(
        session,
        actor=actor,
        channel=channel,
        action="import",
        entity="file",
        entity_key=report.file,
        after={
            "mapping": mapping.key,
            "rows": report.rows_read,
            "created": report.figures.created,
            "updated": report.figures.updated,
            "unchanged": report.figures.unchanged,
        },
        reason=f"import of {report.file}",
    )
