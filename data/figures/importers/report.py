"""What an import did, in the words the CLI (and any chat upload) shows an officer."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from data.figures.writes import WriteSummary

MAX_WARNINGS_SHOWN = 10


@dataclass
class ImportReport:
    file: str
    mapping: str
    importer: str = "ees"  # long_csv, ees, lait or generic: which reader the file needed
    rows_read: int = 0
    figures: WriteSummary = field(default_factory=WriteSummary)
    skipped: Counter[str] = field(default_factory=Counter)
    warnings: list[str] = field(default_factory=list)
    created_indicators: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        if self.importer == "long_csv":
            # briefbot's own export coming back: corrections, not revised publications.
            return [
                f"{self.file}: {self.figures.total:,} rows read; {self.figures.created:,} added, "
                f"{self.figures.updated:,} corrected, {self.figures.unchanged:,} unchanged."
            ]
        out = [
            f"{self.file}: read as “{self.mapping}”.",
            f"{self.rows_read:,} rows read; {self.figures.total:,} figures: {self.figures.created:,} added, "
            f"{self.figures.updated:,} revised (previous values kept in history), "
            f"{self.figures.unchanged:,} unchanged.",
        ]
        out += [f"Skipped {count:,} {reason}" for reason, count in self.skipped.most_common()]
        out += [f"New indicator {code}" for code in self.created_indicators]
        out += [f"Warning: {warning}" for warning in self.warnings[:MAX_WARNINGS_SHOWN]]
        if len(self.warnings) > MAX_WARNINGS_SHOWN:
            out.append(f"…and {len(self.warnings) - MAX_WARNINGS_SHOWN} more warnings")
        return out
