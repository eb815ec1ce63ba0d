"""Figures in from files: one entry point, `import_any`, that tells which importer a file needs.

- briefbot's own long CSV (an export coming back), by its key columns: `long_csv`;
- a publication a mapping in `data/mappings/` recognises by its header: `ees` (DfE/ONS tidy files) or
  `lait` (the Local Authority Interactive Tool with its data dictionary);
- any other EES file, when the caller names its indicator and column: `generic`.

Every importer checks the whole file before writing, in the caller's transaction: all or nothing. The file's
text is checked first (encoding, NUL), every figure against the shared rules in `data.validation`, and one
import runs at a time (`lock`). `import_into` does all that in a transaction of its own and turns any refusal
into one line naming the file.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session

from data.figures.importers.errors import ImportBusy, ImportProblem, ImportRejected, MappingError, RowProblem
from data.figures.importers.files import check_text
from data.figures.importers.generic import GenericRequest, create_indicator
from data.figures.importers.lock import DEFAULT_WAIT_SECONDS, hold_import_lock
from data.figures.importers.long_csv import NewIndicator, import_csv, is_long_csv
from data.figures.importers.mappings import read_header
from data.figures.importers.official import import_file
from data.figures.importers.reading import Progress
from data.figures.importers.report import ImportReport
from data.figures.validation import InvalidFigure
from data.figures.writes import UnknownReference

__all__ = [
    "GenericRequest",
    "ImportBusy",
    "ImportProblem",
    "ImportRejected",
    "ImportReport",
    "MappingError",
    "NewIndicator",
    "RowProblem",
    "import_any",
    "import_into",
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
    wait: float = DEFAULT_WAIT_SECONDS,
    new_indicator: NewIndicator | None = None,
) -> ImportReport:
    """Import one file of any kind briefbot reads, in the caller's transaction, holding the import lock
    (waiting up to `wait` seconds for another import) until that transaction ends.

    Raises ImportRejected (rows or text that do not check, with their lines; nothing written), MappingError (a
    file no importer reads, or a generic request that does not fit it), ImportBusy or
    data.figures.writes.UnknownReference.
    """
    check_text(path)  # before the lock: a file that is not text need not wait for one
    hold_import_lock(session, wait=wait)
    try:
        return _import(
            session, path, actor=actor, channel=channel, generic=generic, progress=progress, new=new_indicator
        )
    except UnicodeDecodeError:  # the file changed since it was checked
        raise MappingError(f"{path.name} is not a UTF-8 CSV file") from None


def import_into(
    engine: Engine,
    path: Path,
    *,
    actor: str,
    channel: str,
    generic: GenericRequest | None = None,
    progress: Progress | None = None,
    wait: float = DEFAULT_WAIT_SECONDS,
    new_indicator: NewIndicator | None = None,
) -> ImportReport:
    """`import_any` in a transaction of its own, committed whole or not at all. Any refusal (a bad row, a
    file that is not text, a busy store, a value the store would refuse) is an ImportProblem whose message is
    one line naming the file. An unreachable database is left to the caller (OperationalError)."""
    try:
        with Session(engine) as session, session.begin():
            return import_any(
                session,
                path,
                actor=actor,
                channel=channel,
                generic=generic,
                progress=progress,
                wait=wait,
                new_indicator=new_indicator,
            )
    except (ImportProblem, UnknownReference, InvalidFigure) as error:
        raise ImportProblem(named(path.name, str(error))) from None
    except (DataError, IntegrityError) as error:  # a backstop: the checks above should leave none
        raise ImportProblem(named(path.name, f"the store refused it: {error.orig}")) from None


def named(file_name: str, message: str) -> str:
    """One line that starts with the file's name (once: some messages already begin with it)."""
    line = " ".join(message.split())
    return line if line.startswith(file_name) else f"{file_name}: {line}"


def _import(
    session: Session,
    path: Path,
    *,
    actor: str,
    channel: str,
    generic: GenericRequest | None,
    progress: Progress | None,
    new: NewIndicator | None = None,
) -> ImportReport:
    if generic is None and is_long_csv(read_header(path)):
        summary = import_csv(session, path, actor=actor, channel=channel, new_indicator=new)
        return ImportReport(path.name, LONG_CSV, "long_csv", rows_read=summary.total, figures=summary)
    if new is not None and generic is None:  # a publication's indicators come from its mapping
        raise MappingError("--new-indicator is for briefbot's long CSV, or generic mode (--indicator, --column)")
    if generic is not None:
        create_indicator(session, generic, actor=actor, channel=channel)
    return import_file(session, path, actor=actor, channel=channel, generic=generic, progress=progress)
