"""Preparing a store: schema, catalogue and (unless asked not to) the seed figures and bundled official files.

The importers that load those figures live in `data.bundled`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from data import db
from data.chat.committees import seed_meetings
from data.figures.catalogue import REFERENCE_DIR, SEED_ACTOR, SEED_DIR, Catalogue, build_catalogue
from data.figures.writes import WriteSummary, code_ids, record_audit
from data.models import (
    Committee,
    Document,
    Geography,
    GeographyAlias,
    GeographyMembership,
    Indicator,
    IndicatorAlias,
    Meta,
)

if TYPE_CHECKING:
    from data.figures.importers.report import ImportReport

CATALOGUE_KEY = "catalogue_fingerprint"
CATALOGUE_FILES = {
    "dfe_las.csv",
    "dfe_region_la_hierarchy.csv",
    "dfe_ward_lad_la_pcon_hierarchy_leeds.csv",
    "leeds_wards_community_committees.csv",
    "New_Statistical_Neighbour_Groupings_April_2021.csv",
    "sn_model_2025_wide.csv",
    "place_names.csv",
    "core_cities.csv",
}


@dataclass(frozen=True)
class PrepareReport:
    migrated: bool
    catalogue_loaded: bool
    seed: WriteSummary | None
    official: tuple[ImportReport, ...] = ()


def prepare(
    engine: Engine, *, seed: bool = True, official: bool = True, local: bool = True, national: bool = False
) -> PrepareReport:
    """Make any database ready for use. Idempotent: a ready store is left as it is.

    local=False (another council than Leeds at home): no Leeds wards, committees, clusters or report figures.
    national=True loads every English council's official figures (data/reference/national) rather than the
    Leeds slices."""
    migrated = db.upgrade(engine)
    with Session(engine) as session, session.begin():
        fresh = session.scalar(select(func.count()).select_from(Indicator)) == 0
        fingerprint = catalogue_fingerprint()
        stored = session.get(Meta, CATALOGUE_KEY)
        synced = fresh or stored is None or stored.value != fingerprint
        if synced:
            sync_catalogue(
                session, build_catalogue(local=local), reason="first use" if fresh else "bundled catalogue changed"
            )
            session.merge(Meta(key=CATALOGUE_KEY, value=fingerprint))
        seeded, imported = (
            _load_bundled_figures(session, official=official, local=local, national=national)
            if fresh and seed
            else (None, ())
        )
        if migrated and seed and not fresh:
            _load_new_seed_tables(session)
    return PrepareReport(migrated=migrated, catalogue_loaded=synced, seed=seeded, official=imported)


def _load_bundled_figures(
    session: Session, *, official: bool, local: bool, national: bool
) -> tuple[WriteSummary | None, tuple[ImportReport, ...]]:
    # Imported here, not at the top: only a new store needs the importers, and every `briefbot ask`
    # prepares a store that is already ready.
    from data.bundled import load_bundled

    return load_bundled(session, official=official, local=local, national=national)


def _load_new_seed_tables(session: Session) -> None:
    """A store seeded before a migration added a seeded table (the recommendations, 0011) gets that table's
    bundled rows when it is migrated; what it already holds is never changed."""
    from data.recommendations import has_recommendations, load_recommendations

    if not has_recommendations(session):
        load_recommendations(session)


def catalogue_fingerprint() -> str:
    """A hash of the bundled files the catalogue is built from: a change means a sync is due."""
    digest = hashlib.sha256()
    for path in sorted([*SEED_DIR.glob("*.csv"), *REFERENCE_DIR.glob("*.csv")]):
        if path.name in CATALOGUE_FILES or path.parent == SEED_DIR:
            digest.update(path.name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def sync_catalogue(session: Session, catalogue: Catalogue, *, reason: str) -> dict[str, int]:
    """Add what the bundled catalogue has and the store lacks; refresh indicator descriptions. Never deletes."""
    counts = {
        "documents": _sync_documents(session, catalogue),
        "geographies": _sync_geographies(session, catalogue),
        "indicators": _sync_indicators(session, catalogue),
    }
    session.flush()
    counts["memberships"] = _sync_memberships(session, catalogue)
    counts["committees"] = _sync_committees(session, catalogue)
    session.flush()
    counts["meetings"] = seed_meetings(session) if catalogue.committees else 0
    record_audit(
        session,
        actor=SEED_ACTOR,
        channel="import",
        action="sync",
        entity="catalogue",
        entity_key="bundled catalogue",
        after=counts,
        reason=reason,
    )
    return counts


def _sync_documents(session: Session, catalogue: Catalogue) -> int:
    have = set(session.scalars(select(Document.key)))
    added = [d for d in catalogue.documents if d.key not in have]
    session.add_all(
        Document(key=d.key, title=d.title, published=d.published, publisher=d.publisher, licence=d.licence)
        for d in added
    )
    return len(added)


def _sync_geographies(session: Session, catalogue: Catalogue) -> int:
    have = {g.code: g for g in session.scalars(select(Geography))}
    changed = 0
    for spec in catalogue.geographies.values():
        geography = have.get(spec.code)
        if geography is None:
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
            changed += 1
            continue
        known = {alias.alias for alias in geography.aliases}
        extra = [GeographyAlias(alias=alias, kind=kind) for alias, kind in spec.aliases if alias not in known]
        geography.aliases.extend(extra)
        changed += bool(extra)
    return changed


INDICATOR_FIELDS = ("name", "short_name", "unit", "decimals", "polarity", "family", "theme", "definition", "source")


def _sync_indicators(session: Session, catalogue: Catalogue) -> int:
    have = {i.code: i for i in session.scalars(select(Indicator))}
    changed = 0
    for spec in catalogue.indicators:
        indicator = have.get(spec.code)
        if indicator is None:
            indicator = Indicator(code=spec.code, aliases=[])
            session.add(indicator)
        before = {field: getattr(indicator, field, None) for field in INDICATOR_FIELDS}
        for field in INDICATOR_FIELDS:
            setattr(indicator, field, getattr(spec, field))
        known = {alias.alias for alias in indicator.aliases}
        extra = [IndicatorAlias(alias=alias) for alias in spec.aliases if alias not in known]
        indicator.aliases.extend(extra)
        changed += bool(extra) or before != {field: getattr(spec, field) for field in INDICATOR_FIELDS}
    return changed


def _sync_memberships(session: Session, catalogue: Catalogue) -> int:
    ids = code_ids(session, Geography, catalogue.geographies)
    have = set(
        session.execute(
            select(
                GeographyMembership.parent_id,
                GeographyMembership.child_id,
                GeographyMembership.relation,
                GeographyMembership.valid_from,
            )
        ).tuples()
    )
    rows = [
        {
            "parent_id": ids[m.parent],
            "child_id": ids[m.child],
            "relation": m.relation,
            "valid_from": m.valid_from,
            "valid_to": m.valid_to,
            "source": m.source,
        }
        for m in catalogue.memberships
        if (ids[m.parent], ids[m.child], m.relation, m.valid_from) not in have
    ]
    unique = list({(r["parent_id"], r["child_id"], r["relation"], r["valid_from"]): r for r in rows}.values())
    if unique:
        session.execute(insert(GeographyMembership), unique)
    return len(unique)


def _sync_committees(session: Session, catalogue: Catalogue) -> int:
    have = set(session.scalars(select(Committee.name)))
    ids = code_ids(session, Geography, [c.geography for c in catalogue.committees])
    added = [c for c in catalogue.committees if c.name not in have]
    session.add_all(Committee(name=c.name, geography_id=ids[c.geography], moderngov_id=c.moderngov_id) for c in added)
    return len(added)
