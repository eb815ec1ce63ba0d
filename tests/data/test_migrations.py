"""Data repairs done by migrations, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from alembic import command
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data import db
from data.models import AuditLog, Geography, Indicator, Observation
from tests.conftest import BACKENDS


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_neet_rows_imported_a_year_late_are_dropped_and_audited(seeded_engine: Engine) -> None:
    with Session(seeded_engine) as session, session.begin():
        indicator = session.scalars(select(Indicator).where(Indicator.code == "NEET_16_17_PCT")).one()
        leeds = session.scalars(select(Geography).where(Geography.code == "E08000035")).one()
        row = {
            "indicator_id": indicator.id,
            "geography_id": leeds.id,
            "period_kind": "range",
            "source_document": "lait_bds_long_leeds_sn_slice.csv",
            "source_locator": "row 2751, 16-17 NEET",
            "updated_at": datetime.now(UTC),
            "updated_by": "test",
        }
        # The same LAIT row read right (Dec 2024 to Feb 2025) and a year late (Dec 2025 to Feb 2026).
        session.add(
            Observation(
                **row,
                period_start=date(2024, 12, 1),
                period_end=date(2025, 2, 28),
                period_label="end of 2024 (Dec 2024 to Feb 2025 average)",
                value=4.9,
            )
        )
        session.add(
            Observation(
                **row,
                period_start=date(2025, 12, 1),
                period_end=date(2026, 2, 28),
                period_label="end of 2025 (Dec 2025 to Feb 2026 average)",
                value=4.9,
            )
        )
    _rerun_from(seeded_engine, "0009")
    with Session(seeded_engine) as session:
        labels = session.scalars(
            select(Observation.period_label).where(Observation.source_locator == "row 2751, 16-17 NEET")
        ).all()
        audit = session.scalars(select(AuditLog).where(AuditLog.actor == "migration 0010")).all()
    assert labels == ["end of 2024 (Dec 2024 to Feb 2025 average)"]
    assert len(audit) == 1 and audit[0].before is not None and audit[0].before["value"] == 4.9


def _rerun_from(engine: Engine, revision: str) -> None:
    config = db._alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
        command.upgrade(config, "head")


def test_the_newest_migration_file_is_alembics_head() -> None:
    """Start-up compares the store's revision with the newest file's number rather than loading Alembic."""
    assert db.newest_migration_file() == db.head_revision()


@pytest.mark.parametrize("store_url", BACKENDS, indirect=True)
def test_a_store_at_an_older_revision_is_upgraded_and_a_current_one_is_left_alone(empty_engine: Engine) -> None:
    assert db.current_revision(empty_engine) is None
    assert db.upgrade(empty_engine) is True
    assert db.current_revision(empty_engine) == db.head_revision()
    assert db.upgrade(empty_engine) is False
