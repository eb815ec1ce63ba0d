"""Preparing a store: schema, catalogue and (unless asked not to) the seed figures from the five reports."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from data import db
from data.catalogue import SEED_DIR, Catalogue, build_catalogue, iso_date, read_csv
from data.exchange import Vocabulary, parse_rows
from data.models import (
    Committee,
    Document,
    Geography,
    GeographyAlias,
    GeographyMembership,
    Indicator,
    IndicatorAlias,
    Target,
)
from data.writes import WriteSummary, code_ids, record_audit, write_observations

SEED_ACTOR = "briefbot seed"


@dataclass(frozen=True)
class PrepareReport:
    migrated: bool
    catalogue_loaded: bool
    seed: WriteSummary | None


def prepare(engine: Engine, *, seed: bool = True) -> PrepareReport:
    """Make any database ready for use. Idempotent: a ready store is left as it is."""
    migrated = db.upgrade(engine)
    with Session(engine) as session, session.begin():
        fresh = session.scalar(select(func.count()).select_from(Indicator)) == 0
        if fresh:
            load_catalogue(session, build_catalogue())
        seeded = load_seed(session) if fresh and seed else None
    return PrepareReport(migrated=migrated, catalogue_loaded=fresh, seed=seeded)


def load_catalogue(session: Session, catalogue: Catalogue) -> None:
    for document in catalogue.documents:
        session.add(
            Document(
                key=document.key,
                title=document.title,
                published=document.published,
                publisher=document.publisher,
                licence=document.licence,
            )
        )
    for spec in catalogue.geographies.values():
        session.add(
            Geography(
                code=spec.code,
                name=spec.name,
                type=spec.type,
                valid_from=spec.valid_from,
                valid_to=spec.valid_to,
                note=spec.note,
                aliases=[GeographyAlias(alias=alias, kind=kind) for alias, kind in spec.aliases],
            )
        )
    for indicator in catalogue.indicators:
        session.add(
            Indicator(
                code=indicator.code,
                name=indicator.name,
                short_name=indicator.short_name,
                unit=indicator.unit,
                decimals=indicator.decimals,
                polarity=indicator.polarity,
                family=indicator.family,
                theme=indicator.theme,
                definition=indicator.definition,
                source=indicator.source,
                aliases=[IndicatorAlias(alias=alias) for alias in indicator.aliases],
            )
        )
    session.flush()
    ids = code_ids(session, Geography, catalogue.geographies)
    session.execute(
        insert(GeographyMembership),
        [
            {
                "parent_id": ids[m.parent],
                "child_id": ids[m.child],
                "relation": m.relation,
                "valid_from": m.valid_from,
                "valid_to": m.valid_to,
                "source": m.source,
            }
            for m in catalogue.memberships
        ],
    )
    for committee in catalogue.committees:
        session.add(
            Committee(name=committee.name, geography_id=ids[committee.geography], moderngov_id=committee.moderngov_id)
        )
    record_audit(
        session,
        actor=SEED_ACTOR,
        channel="import",
        action="create",
        entity="catalogue",
        entity_key="bundled catalogue",
        after={
            "geographies": len(catalogue.geographies),
            "indicators": len(catalogue.indicators),
            "memberships": len(catalogue.memberships),
            "committees": len(catalogue.committees),
        },
        reason="first use of an empty database",
    )


def load_seed(session: Session, seed_dir: Path = SEED_DIR) -> WriteSummary:
    """The figures from the five seed reports, with their citations. Re-running changes nothing."""
    with (seed_dir / "observations.csv").open(newline="", encoding="utf-8") as handle:
        inputs = parse_rows(handle, Vocabulary.of(session))
    summary = write_observations(
        session, inputs, actor=SEED_ACTOR, channel="import", reason="bundled seed dataset from the five reports"
    )
    _load_targets(session, seed_dir)
    return summary


def _load_targets(session: Session, seed_dir: Path) -> None:
    rows = list(read_csv(seed_dir / "targets.csv"))
    indicators = code_ids(session, Indicator, (row["indicator"] for row in rows))
    geographies = code_ids(session, Geography, (row["geography"] for row in rows))
    for row in rows:
        by_date = iso_date(row["by_date"])
        exists = session.scalar(
            select(Target.id).where(
                Target.indicator_id == indicators[row["indicator"]],
                Target.geography_id == geographies[row["geography"]],
                Target.by_date == by_date,
            )
        )
        if exists is not None:
            continue
        session.add(
            Target(
                indicator_id=indicators[row["indicator"]],
                geography_id=geographies[row["geography"]],
                value=float(row["value"]),
                by_date=by_date,
                label=row["label"],
                source_document=row["source_document"],
                source_locator=row["source_locator"],
                source_quote=row["source_quote"] or None,
            )
        )
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
