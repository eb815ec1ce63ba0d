"""Who gets a digest by DM: each ward's councillors (their ward's and its school clusters' part, on the digest's
schedule) and, with the preview, the officers responsible for its stale figures (whoever set a figure by hand;
for the rest, the configured officers)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from bot.conversation.model import Destination
from bot.digest.compose import Place, committee_places, compose_part
from bot.digest.model import Digest, DigestFact
from data.chat import committees
from data.chat.committees import CommitteeInfo
from data.figures import changes, queries
from data.figures.periods import uk_date


@dataclass(frozen=True)
class WardRecipient:
    destination: Destination
    wards: tuple[Place, ...]  # the committee's wards this councillor represents (almost always one)


def ward_recipients(session: Session, committee: CommitteeInfo, day: date) -> list[WardRecipient]:
    """The councillors of the committee's wards in force on the meeting's day, one entry per person."""
    configured_wards = committees.ward_councillors(session)
    if not configured_wards:
        return []  # the usual case until wards are set up: no need to work out the committee's places
    wards = {place.code: place for place in committee_places(session, committee, day) if place.type == "ward"}
    found: dict[Destination, list[Place]] = defaultdict(list)
    for configured in configured_wards:
        if configured.ward in wards:
            for user in configured.users:
                found[Destination(configured.platform, user)].append(wards[configured.ward])
    return [WardRecipient(destination, tuple(places)) for destination, places in found.items()]


def ward_briefing(session: Session, committee: CommitteeInfo, day: date, wards: tuple[Place, ...]) -> Digest:
    """The wards' part of the committee's digest: each ward, then the committee's school clusters in it."""
    places = committee_places(session, committee, day)
    codes = {ward.code for ward in wards}
    in_wards = {
        m.child for m in queries.memberships(session) if m.parent in codes and _in_force(m.valid_from, m.valid_to, day)
    }
    clusters = [place for place in places if place.type == "school_cluster" and place.code in in_wards]
    names = " and ".join(ward.name for ward in wards)
    title = f"{names}: children's services figures for the {committee.short_name} meeting of {uk_date(day)}"
    return compose_part(session, committee, day, [*wards, *clusters], title=title)


def _in_force(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def stale_by_officer(
    session: Session, digest: Digest, platform: str, officers: Collection[str]
) -> dict[Destination, list[DigestFact]]:
    """Each responsible officer's stale figures in the digest: a figure set by hand goes to whoever set it (the
    actor on its change set, "slack:U123"); any other to every configured officer of the committee's platform."""
    found: dict[Destination, list[DigestFact]] = defaultdict(list)
    setters: dict[int, Destination | None] = {}
    for fact in digest.facts:
        if not (fact.stale and fact.role == "latest"):
            continue
        setter = _setter(session, fact.change_set, setters) if fact.change_set is not None else None
        for destination in (setter,) if setter is not None else (Destination(platform, o) for o in officers):
            found[destination].append(fact)
    return dict(found)


def _setter(session: Session, change_set: int, known: dict[int, Destination | None]) -> Destination | None:
    if change_set not in known:
        info = changes.change_set(session, change_set)
        actor_platform, _, actor_id = (info.actor if info else "").partition(":")
        known[change_set] = Destination(actor_platform, actor_id) if actor_id else None
    return known[change_set]


def stale_for(
    session: Session, digest: Digest, platform: str, officers: Mapping[str, Collection[str]], to: Destination
) -> list[DigestFact]:
    """What one officer's stale-figure message lists (recomputed when it is posted: a figure updated meanwhile
    drops out)."""
    return stale_by_officer(session, digest, platform, officers.get(platform, ())).get(to, [])
