"""Small readers for bundled files that are not (yet) observations in the store."""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue import SEED_DIR, read_csv


@dataclass(frozen=True)
class PlanThemeStatus:
    theme: str
    continued_monitoring: int
    other_body: int
    closed: int
    source_document: str
    source_locator: str


def improvement_plan_2011() -> list[PlanThemeStatus]:
    """Seed 004, Annex A: how the Improvement Plan's recommendations were categorised in Feb 2011."""
    return [
        PlanThemeStatus(
            f"{row['theme']}. {row['theme_name']}",
            int(row["continued_monitoring"]),
            int(row["other_body"]),
            int(row["closed"]),
            row["source_document"],
            row["source_locator"],
        )
        for row in read_csv(SEED_DIR / "improvement_plan_2011_summary.csv")
    ]
