"""The bundled recommendations: the plans, their status vocabularies, the recommendations of seeds 003 (the
scrutiny inquiry into safeguarding) and 004 (the Improvement Plan's Annex A) and their dated updates, each
with its citation, from data/seed/recommendations*.csv.

Loading adds what the store lacks and never changes what it holds, so an officer's status change or update
survives any number of reloads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.catalogue import SEED_ACTOR, SEED_DIR, read_csv
from data.figures.writes import record_audit
from data.models import Recommendation, RecommendationPlan, RecommendationStatus, RecommendationUpdate
from data.text import normalise, split_list

PLANS = "recommendations_plans.csv"
STATUSES = "recommendations_statuses.csv"
RECOMMENDATIONS = "recommendations.csv"
UPDATES = "recommendations_updates.csv"
YES = {"yes", "true", "1"}


class SeedProblem(ValueError):
    """A bundled file that contradicts itself (a status not in its plan's vocabulary, say): named by file and line."""


@dataclass(frozen=True)
class RecommendationsLoaded:
    plans: int = 0
    statuses: int = 0
    recommendations: int = 0
    updates: int = 0

    @property
    def total(self) -> int:
        return self.plans + self.statuses + self.recommendations + self.updates


def load_recommendations(session: Session, seed_dir: Path = SEED_DIR) -> RecommendationsLoaded:
    """Add the bundled plans, statuses, recommendations and updates the store lacks (one audit row for the
    load). Safe to repeat: nothing held is changed."""
    loaded = RecommendationsLoaded(
        plans=_load_plans(session, seed_dir),
        statuses=_load_statuses(session, seed_dir),
        recommendations=_load_recommendations(session, seed_dir),
        updates=_load_updates(session, seed_dir),
    )
    if loaded.total:
        record_audit(
            session,
            actor=SEED_ACTOR,
            channel="import",
            action="create",
            entity="recommendations",
            entity_key="bundled recommendations",
            after={"plans": loaded.plans, "statuses": loaded.statuses, "recommendations": loaded.recommendations}
            | {"updates": loaded.updates},
            reason="bundled seed: seeds 003 and 004",
        )
    return loaded


def has_recommendations(session: Session) -> bool:
    return session.scalar(select(RecommendationPlan.id).limit(1)) is not None


def _load_plans(session: Session, seed_dir: Path) -> int:
    held = set(session.scalars(select(RecommendationPlan.key)))
    added = 0
    for row in read_csv(seed_dir / PLANS):
        if row["key"] in held:
            continue
        session.add(
            RecommendationPlan(
                key=row["key"],
                name=row["name"],
                short_name=row["short_name"],
                body=row["body"],
                vocabulary=row["vocabulary"],
                words=[normalise(word) for word in split_list(row["words"])],
                position=int(row["position"]),
                source_document=row["source_document"],
                source_locator=row["source_locator"],
            )
        )
        added += 1
    session.flush()
    return added


def _load_statuses(session: Session, seed_dir: Path) -> int:
    held = set(session.execute(select(RecommendationStatus.vocabulary, RecommendationStatus.code)).tuples())
    added = 0
    for row in read_csv(seed_dir / STATUSES):
        if (row["vocabulary"], row["code"]) in held:
            continue
        session.add(
            RecommendationStatus(
                vocabulary=row["vocabulary"],
                code=row["code"],
                label=row["label"],
                short_label=row["short_label"],
                description=row["description"],
                is_open=row["is_open"].lower() in YES,
                position=int(row["position"]),
                source_document=row["source_document"],
                source_locator=row["source_locator"],
            )
        )
        added += 1
    session.flush()
    return added


def _load_recommendations(session: Session, seed_dir: Path) -> int:
    plans = {plan.key: plan for plan in session.scalars(select(RecommendationPlan))}
    status_ids = {
        (status.vocabulary, status.code): status.id for status in session.scalars(select(RecommendationStatus))
    }
    held = _held_recommendations(session)
    added = 0
    for line, row in enumerate(read_csv(seed_dir / RECOMMENDATIONS), start=2):
        plan = _plan(plans, row["plan"], RECOMMENDATIONS, line)
        if (plan.key, row["code"]) in held:
            continue
        status_id = status_ids.get((plan.vocabulary, row["status"]))
        if status_id is None:
            raise SeedProblem(f"{RECOMMENDATIONS} line {line}: {row['status']!r} is not a status of {plan.vocabulary}")
        session.add(
            Recommendation(
                plan_id=plan.id,
                code=row["code"],
                theme_number=int(row["theme_number"]) if row["theme_number"] else None,
                theme_name=row["theme_name"] or None,
                text=row["text"],
                responsible_officer=row["responsible_officer"] or None,
                status_id=status_id,
                source_document=row["source_document"],
                source_locator=row["source_locator"],
            )
        )
        added += 1
    session.flush()
    return added


def _load_updates(session: Session, seed_dir: Path) -> int:
    ids = _held_recommendations(session)
    vocabularies = {plan.key: plan.vocabulary for plan in session.scalars(select(RecommendationPlan))}
    status_ids = {
        (status.vocabulary, status.code): status.id for status in session.scalars(select(RecommendationStatus))
    }
    held = set(session.execute(select(RecommendationUpdate.recommendation_id, RecommendationUpdate.label)).tuples())
    now = datetime.now(UTC)
    added = 0
    for line, row in enumerate(read_csv(seed_dir / UPDATES), start=2):
        recommendation_id = ids.get((row["plan"], row["code"]))
        if recommendation_id is None:
            raise SeedProblem(f"{UPDATES} line {line}: no recommendation {row['code']!r} in {row['plan']!r}")
        if (recommendation_id, row["label"]) in held:
            continue
        dated, precision = read_dated(row["dated"])
        # An entry that set a status (Annex A's categorisation) carries it, so it reads as a change.
        status_id = None
        if row.get("status"):
            status_id = status_ids.get((vocabularies[row["plan"]], row["status"]))
            if status_id is None:
                raise SeedProblem(f"{UPDATES} line {line}: {row['status']!r} is not a status of {row['plan']!r}")
        session.add(
            RecommendationUpdate(
                recommendation_id=recommendation_id,
                label=row["label"],
                dated=dated,
                date_precision=precision,
                text=row["text"],
                status_id=status_id,
                source_document=row["source_document"],
                source_locator=row["source_locator"],
                recorded_by=SEED_ACTOR,
                recorded_at=now,
                change_set_id=None,
            )
        )
        added += 1
    session.flush()
    return added


def read_dated(text: str) -> tuple[date, str]:
    """ "2011-03" (an entry about a month: its first day, precision month) or "2011-03-14" (a day)."""
    if len(text) == len("2011-03"):
        return date.fromisoformat(f"{text}-01"), "month"
    return date.fromisoformat(text), "day"


def _held_recommendations(session: Session) -> dict[tuple[str, str], int]:
    rows = session.execute(
        select(RecommendationPlan.key, Recommendation.code, Recommendation.id).join(
            RecommendationPlan, Recommendation.plan_id == RecommendationPlan.id
        )
    ).tuples()
    return {(plan, code): recommendation_id for plan, code, recommendation_id in rows}


def _plan(plans: dict[str, RecommendationPlan], key: str, file: str, line: int) -> RecommendationPlan:
    if key not in plans:
        raise SeedProblem(f"{file} line {line}: no plan {key!r} in {PLANS}")
    return plans[key]
