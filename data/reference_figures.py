"""Small readers for bundled files that are not (yet) observations in the store."""

from __future__ import annotations

from dataclasses import dataclass

from data.catalogue import REFERENCE_DIR, SEED_DIR, read_csv

POPULATION_FILE = "ons_mid-year_population_estimates_2012_to_2024_leeds_slice.csv"


def child_population(la_code: str, year: int) -> int | None:
    """ONS mid-year estimate of children aged 0 to 17, the denominator of rates per 10,000."""
    for row in read_csv(REFERENCE_DIR / POPULATION_FILE):
        if row["new_la_code"] == la_code and row["time_period"] == str(year):
            return int(row["population_estimate"])
    return None


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
