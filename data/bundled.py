"""The bundled figures a new store starts with: the five reports' figures and targets (with their
citations), the scrutiny and improvement-plan recommendations of seeds 003 and 004, and the DfE and ONS files
in `data/reference/` that a mapping recognises."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.catalogue import NATIONAL_DIR, REFERENCE_DIR, SEED_ACTOR, SEED_DIR, iso_date, read_csv
from data.figures.importers.lock import DEFAULT_WAIT_SECONDS, hold_import_lock
from data.figures.importers.long_csv import Vocabulary, parse_rows
from data.figures.importers.mappings import recognised
from data.figures.importers.official import import_file
from data.figures.importers.report import ImportReport
from data.figures.writes import WriteSummary, code_ids, record_audit, write_observations
from data.models import Geography, Indicator, Target
from data.recommendations import load_recommendations

# The Leeds slices the national files cover: with the national files loaded, each figure has one source.
# The slices stay bundled as the small national subset tests and `national=False` stores load.
COVERED_BY_NATIONAL = {
    "lait_bds_long_leeds_sn_slice.csv": "lait_bds_long.csv.gz",
    "cla_number_and_rate_per_10k_children_leeds_slice.csv": "cla_number_and_rate_per_10k_children.csv.gz",
    "b1_children_in_need_2013_to_2025_leeds_slice.csv": "b1_children_in_need_2013_to_2025.csv.gz",
    "ons_mid-year_population_estimates_2012_to_2024_leeds_slice.csv": (
        "ons_mid-year_population_estimates_2012_to_2024.csv.gz"
    ),
}


def load_bundled(
    session: Session,
    *,
    official: bool = True,
    national: bool = False,
    wait: float = DEFAULT_WAIT_SECONDS,
    local: bool = True,
) -> tuple[WriteSummary | None, tuple[ImportReport, ...]]:
    """The seed, then (unless not wanted) the official files, in the caller's transaction under the import
    lock: `briefbot seed`, a first run and an officer's import must not write the same figures at once. Raises
    ImportBusy when another import holds the lock past `wait` seconds. local=False: not Leeds' reports."""
    hold_import_lock(session, wait=wait)
    # Leeds' reports only with Leeds at home; first, so an official file that revises a report's figure keeps history
    seeded = load_seed(session) if local else None
    return seeded, tuple(load_official(session, national=national)) if official else ()


def load_seed(session: Session, seed_dir: Path = SEED_DIR) -> WriteSummary:
    """The figures from the five seed reports, with their citations, and the recommendations two of them
    track. Re-running changes nothing, and never undoes an official publication's revision of a report's
    figure or an officer's change to a recommendation."""
    with (seed_dir / "observations.csv").open(newline="", encoding="utf-8") as handle:
        inputs = parse_rows(handle, Vocabulary.of(session))
    summary = write_observations(
        session,
        inputs,
        actor=SEED_ACTOR,
        channel="import",
        reason="bundled seed dataset from the five reports",
        defer_to_other_sources=True,
    )
    _load_targets(session, seed_dir)
    load_recommendations(session, seed_dir)
    return summary


def official_files(*, national: bool) -> list[Path]:
    """The bundled official files a mapping recognises: with `national`, every English council's (and the
    Leeds slices they do not cover: the NEET dashboards, attendance); without, the Leeds slices alone."""
    slices = sorted(REFERENCE_DIR.glob("*.csv"))
    if national:
        covered = {name for name, whole in COVERED_BY_NATIONAL.items() if (NATIONAL_DIR / whole).exists()}
        slices = [path for path in slices if path.name not in covered]
    everything = [*slices, *(sorted(NATIONAL_DIR.glob("*.csv.gz")) if national else [])]
    return recognised(everything)


def load_official(session: Session, *, national: bool = False) -> list[ImportReport]:
    """The bundled DfE and ONS files, so comparisons with England and statistical neighbours are current.
    A report's figure that an official file agrees with keeps its citation; one it revises keeps history."""
    return [
        import_file(session, path, actor=SEED_ACTOR, channel="import") for path in official_files(national=national)
    ]


def _load_targets(session: Session, seed_dir: Path) -> None:
    rows = list(read_csv(seed_dir / "targets.csv"))
    indicators = code_ids(session, Indicator, (row["indicator"] for row in rows))
    geographies = code_ids(session, Geography, (row["geography"] for row in rows))
    for row in rows:
        indicator, geography = indicators[row["indicator"]], geographies[row["geography"]]
        by_date = iso_date(row["by_date"])
        exists = session.scalar(
            select(Target.id).where(
                Target.indicator_id == indicator, Target.geography_id == geography, Target.by_date == by_date
            )
        )
        if exists is not None:
            continue
        session.add(
            Target(
                indicator_id=indicator,
                geography_id=geography,
                value=float(row["value"]),
                by_date=by_date,
                label=row["label"],
                source_document=row["source_document"],
                source_locator=row["source_locator"],
                source_quote=row["source_quote"] or None,
            )
        )
        _audit_target(session, row)


def _audit_target(session: Session, row: dict[str, str]) -> None:
    record_audit(
        session,
        actor=SEED_ACTOR,
        channel="import",
        action="create",
        entity="target",
        entity_key=f"{row['indicator']} | {row['geography']} | {row['by_date']}",
        after=dict(row),
        reason="bundled seed dataset",
    )
