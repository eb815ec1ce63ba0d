"""Re-importing DfE's national files when it publishes: every file in a folder that a mapping recognises, each
in one transaction of its own (a bad file is refused whole and the others still land), reporting per file how
many figures are new, revised (previous values kept in history) and unchanged."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from data.figures.importers import import_into
from data.figures.importers.errors import ImportProblem
from data.figures.importers.mappings import recognised
from data.figures.importers.report import ImportReport


@dataclass(frozen=True)
class Refreshed:
    file: str
    report: ImportReport | None = None
    problem: str | None = None

    def line(self) -> str:
        if self.report is None:
            return f"{self.file}: not imported ({self.problem})"
        figures = self.report.figures
        return f"{self.file}: {figures.created:,} new, {figures.updated:,} revised, {figures.unchanged:,} unchanged"


def refreshable(folder: Path) -> list[Path]:
    """The folder's CSV files (plain or gzip-compressed) that a mapping recognises, dictionaries aside."""
    return recognised(sorted([*folder.glob("*.csv"), *folder.glob("*.csv.gz")]))


def refresh_folder(engine: Engine, folder: Path, *, actor: str) -> list[Refreshed]:
    results = []
    for path in refreshable(folder):
        try:
            results.append(Refreshed(path.name, import_into(engine, path, actor=actor, channel="refresh")))
        except ImportProblem as error:
            results.append(Refreshed(path.name, problem=str(error)))
    return results
