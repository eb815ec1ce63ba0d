"""Why a file was not imported: a broken row (with its line), a file no importer can read at all, or another
import holding the store. Every one is an ImportProblem, and none of them means anything was written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowProblem:
    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


class ImportProblem(ValueError):
    """The file was not imported; nothing was written. The message is one line."""


class ImportRejected(ImportProblem):
    """Rows (or the file's text at a line) that do not check."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        shown = "; ".join(str(problem) for problem in problems[:5])
        more = f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""
        super().__init__(f"nothing was imported: {shown}{more}")


class MappingError(ImportProblem):
    """A mapping or generic request that cannot be applied to the file at all."""


class ImportBusy(ImportProblem):
    """Another import held the store for longer than this one would wait."""
