"""Figures in from files: one entry point, `import_any`, that tells which importer a file needs.

- briefbot's own long CSV (an export coming back), by its key columns: `long_csv`;
- a publication a mapping in `data/mappings/` recognises by its header: `ees` (DfE/ONS tidy files) or
  `lait` (the Local Authority Interactive Tool with its data dictionary);
- any other EES file, when the caller names its indicator and column: `generic`.

Every importer checks the whole file before writing, in the caller's transaction: all or nothing.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from data.importers.errors import ImportRejected, MappingError, RowProblem
from data.importers.generic import GenericRequest, create_indicator
from data.importers.long_csv import import_csv, is_long_csv
from data.importers.mappings import read_header
from data.importers.official import import_file
from data.importers.reading import Progress
from data.importers.report import ImportReport

__all__ = [
    "GenericRequest",
    "ImportRejected",
    "ImportReport",
    "MappingError",
    "RowProblem",
    "import_any",
]
LONG_CSV = "briefbot long CSV"


def import_any(
    session: Session,
    path: Path,
    *,
    actor: str,
    channel: str,
    generic: GenericRequest | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import one file of any kind briefbot reads, in the caller's transaction.

    Raises ImportRejected (rows that do not check, with their lines; nothing written), MappingError (a file
    no importer reads, or a generic request that does not fit it) or data.writes.UnknownReference.
    """
    try:
        return _import(session, path, actor=actor, channel=channel, generic=generic, progress=progress)
    except UnicodeDecodeError:
        raise MappingError(f"{path.name} is not a UTF-8 CSV file") from None


def _import(
    session: Session, path: Path, *, actor: str, channel: str, generic: GenericRequest | None, progress: Progress | None
) -> ImportReport:
    if generic is None and is_long_csv(read_header(path)):
        summary = import_csv(session, path, actor=actor, channel=channel)
        return ImportReport(path.name, LONG_CSV, "long_csv", rows_read=summary.total, figures=summary)
    if generic is not None:
        create_indicator(session, generic, actor=actor, channel=channel)
    return import_file(session, path, actor=actor, channel=channel, generic=generic, progress=progress)
