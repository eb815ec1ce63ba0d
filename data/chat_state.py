"""State chat front ends keep in the store: events already answered, and users' chosen areas."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from data.models import ProcessedEvent, UserPreference
from data.writes import record_audit


def claim_event(session: Session, event_key: str) -> bool:
    """True the first time a key is seen, in any process or replica sharing the store; False for repeats.

    Commits (or rolls back) the session it is given. The primary key does the work: a concurrent second
    claim fails on insert, whatever the backend."""
    session.add(ProcessedEvent(event_id=event_key[:100], received_at=datetime.now(UTC)))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def areas_for(session: Session, user_id: str) -> list[str]:
    preference = session.get(UserPreference, user_id)
    return list(preference.areas) if preference is not None else []


def set_areas(session: Session, user_id: str, areas: list[str], *, channel: str) -> None:
    preference = session.get(UserPreference, user_id)
    before = list(preference.areas) if preference is not None else None
    if preference is None:
        session.add(UserPreference(user_id=user_id, areas=areas, updated_at=datetime.now(UTC)))
    else:
        preference.areas = areas
        preference.updated_at = datetime.now(UTC)
    record_audit(
        session,
        actor=user_id,
        channel=channel,
        action="update",
        entity="user_preference",
        entity_key=user_id,
        after={"areas": areas, "before": before},
        reason="home tab choice",
    )
