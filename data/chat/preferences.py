"""What each person has chosen in a chat front end: the areas on their Slack Home tab."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session

from data.figures.writes import record_audit
from data.models import UserPreference


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
