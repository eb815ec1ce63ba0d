"""The composer: a committee's digest as at a meeting, from the store's figures.

For the committee's area, its school clusters and wards: the three obsessions and the other headline
indicators (or the committee's own list), each written as one report bullet; only figures for periods ended
before the meeting; what is new since the last meeting; the recommendations changed since then and how many
are open; up to five charts. A ward briefing is the same for a ward and its school clusters."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from bot.digest import context
from bot.digest.bullets import COMPANIONS, AreaFigure, bullet_text, is_stale, months_between, value_text
from bot.digest.charts import chart_for
from bot.digest.model import Bullet, Digest, DigestFact, DigestSection, meeting_title
from bot.digest.recommendations import recommendations_news
from bot.figures.answering.facts import previous, same_period
from charts.specs import ChartSpec
from data.chat import committees
from data.chat.committees import CommitteeInfo
from data.figures import queries
from data.figures.catalogue import LEEDS
from data.figures.periods import uk_date
from data.figures.queries import Fact, GeographyInfo, IndicatorInfo

MAX_CHARTS = 5
SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "Safely reduce the number of children looked after",
        ("LAC_COUNT", "CPP_COUNT", "CAF_INITIATED", "CAF_OPEN", "RFS_COUNT", "REFERRAL_COUNT"),
    ),
    ("Reduce the number of young people who are NEET", ("NEET_PCT",)),
    (
        "Reduce school absence in primary and secondary schools",
        (
            "ABSENCE_PRIMARY_PCT",
            "ABSENCE_SECONDARY_PCT",
            "PERSISTENT_ABSENCE_PRIMARY_PCT",
            "PERSISTENT_ABSENCE_SECONDARY_PCT",
        ),
    ),
)
OTHER_SECTION = "Other figures"
# What a section's figures are, for the sentence that says none is held.
SECTION_NOUNS = {
    SECTIONS[0][0]: "figures on children looked after or in need of protection",
    SECTIONS[1][0]: "NEET figures",
    SECTIONS[2][0]: "school absence figures",
}
AREA_ORDER = {"committee_area": 0, "school_cluster": 1, "ward": 2}


@dataclass(frozen=True)
class Place:
    code: str
    name: str  # as a report says it: "JESS", not "JESS cluster"
    type: str


def default_indicators() -> tuple[str, ...]:
    return tuple(code for _, codes in SECTIONS for code in codes)


def compose(
    session: Session, committee: CommitteeInfo, meeting: date, *, previous_meeting: date | None = None
) -> Digest:
    """The digest as at the meeting: nothing for a period ending on or after its day."""
    committee = replace(committee, name=name_at(session, committee, meeting))
    places = committee_places(session, committee, meeting)
    digest = _figures(session, committee, meeting, places, previous_meeting)
    recommendations = recommendations_news(session, meeting, previous_meeting)
    if recommendations.section is not None:
        digest = replace(digest, sections=(*digest.sections, recommendations.section))
    if recommendations.line:
        digest = replace(digest, intro=(*digest.intro, recommendations.line))
    return digest


def compose_part(
    session: Session, committee: CommitteeInfo, meeting: date, places: list[Place], *, title: str
) -> Digest:
    """A part of the digest for some of its places (a ward briefing: the ward and its school clusters)."""
    return replace(_figures(session, committee, meeting, places, None, name_wards=True), title=title)


def _figures(
    session: Session,
    committee: CommitteeInfo,
    meeting: date,
    places: list[Place],
    previous_meeting: date | None,
    *,
    name_wards: bool = False,
) -> Digest:
    infos = {info.code: info for info in queries.indicators(session)}
    wanted = [code for code in (committee.indicators or default_indicators()) if code in infos]
    codes = [*wanted, *(COMPANIONS[c] for c in wanted if c in COMPANIONS)]
    by_key: dict[tuple[str, str], list[Fact]] = defaultdict(list)
    for fact in queries.facts(session, codes, [p.code for p in places] + [LEEDS]):
        if fact.period_end < meeting:
            by_key[(fact.indicator, fact.geography)].append(fact)
    citations = queries.document_citations(session)
    bullets = {
        code: bullet
        for code in wanted
        if (bullet := _bullet(infos[code], places, by_key, meeting, citations)) is not None
    }
    sections = _sections(wanted, bullets, infos)
    if committee.indicators is None and (opening := _context(session, infos, places, meeting, citations)):
        sections.insert(0, opening)
    if previous_meeting is not None:
        sections.insert(0, _since_last(previous_meeting, meeting, bullets, infos))
    return Digest(
        committee=committee.name,
        committee_short=committee.short_name,
        meeting=meeting,
        title=meeting_title(committee.name, meeting),
        intro=(_intro(places, meeting, name_wards=name_wards),),
        sections=tuple(sections),
        sources=_sources(sections, citations),
        charts=_charts(sections),
    )


def _context(
    session: Session,
    infos: dict[str, IndicatorInfo],
    places: list[Place],
    meeting: date,
    citations: dict[str, str],
) -> DigestSection | None:
    """The committee's own context figures (clusters' provision and populations), only with the default list: a
    committee that chose its indicators chose what it reads."""
    facts = queries.facts(session, list(context.CODES), [p.code for p in places])
    lines = context.context_lines(infos, [(p.code, p.name) for p in places], facts, meeting)
    if not lines:
        return None
    bullets = tuple(
        Bullet(
            context.TITLE,
            line.text,
            tuple(
                _digest_fact(infos[f.indicator], f, _name_of(places, f.geography), "context", meeting, citations)
                for f in line.facts
            ),
        )
        for line in lines
    )
    return DigestSection(context.TITLE, bullets)


def _name_of(places: list[Place], code: str) -> str:
    return next(place.name for place in places if place.code == code)


def _charts(sections: list[DigestSection]) -> tuple[ChartSpec, ...]:
    """Up to five, each section's first chart before any section's second: NEET is not crowded out by six
    safeguarding figures."""
    per_section = [[b.chart for b in section.bullets if b.chart is not None] for section in sections]
    rounds = max((len(charts) for charts in per_section), default=0)
    ordered = [charts[i] for i in range(rounds) for charts in per_section if i < len(charts)]
    return tuple(ordered[:MAX_CHARTS])


def name_at(session: Session, committee: CommitteeInfo, meeting: date) -> str:
    """The committee as it was called at the meeting: its meeting record's title where that names it ("Inner
    South Area Committee" in 2013; Leeds' area committees became community committees in 2014)."""
    held = committees.meeting_on(session, committee.id, meeting)
    title = (held.title or "").strip() if held is not None else ""
    if title and replace(committee, name=title).short_name.lower() == committee.short_name.lower():
        return title if title != committee.short_name else committee.name
    return committee.name


def committee_places(session: Session, committee: CommitteeInfo, meeting: date) -> list[Place]:
    """The committee's area, then the school clusters linked to it, then its wards in force at the meeting."""
    geographies = {g.code: g for g in queries.geographies(session)}
    children = [
        m.child
        for m in queries.memberships(session)
        if m.parent == committee.area and _in_force(m.valid_from, m.valid_to, meeting)
    ]
    found = [geographies[committee.area], *(geographies[c] for c in dict.fromkeys(children) if c in geographies)]
    found = [g for g in found if g.type in AREA_ORDER and _in_force(g.valid_from, g.valid_to, meeting)]
    ordered = sorted(enumerate(found), key=lambda item: (AREA_ORDER[item[1].type], item[0]))
    return [Place(g.code, _report_name(g), g.type) for _, g in ordered]


def _in_force(start: date | None, end: date | None, day: date) -> bool:
    return (start is None or start <= day) and (end is None or day <= end)


def _report_name(geography: GeographyInfo) -> str:
    name = geography.name
    return name[: -len(" cluster")] if geography.type == "school_cluster" and name.endswith(" cluster") else name


def _bullet(
    info: IndicatorInfo,
    places: list[Place],
    by_key: dict[tuple[str, str], list[Fact]],
    meeting: date,
    citations: dict[str, str],
) -> Bullet | None:
    areas = [area for place in places if (area := _area_figure(info, place, by_key)) is not None]
    if not areas:
        return None
    city = _city(by_key.get((info.code, LEEDS), []), areas[0].latest)
    facts = [*_facts_of(info, areas, meeting, citations)]
    if city is not None:
        facts.append(_digest_fact(info, city, "Leeds", "city", meeting, citations))
    text = bullet_text(info, areas, city, meeting)
    return Bullet(info.code, text, tuple(facts), chart_for(info, areas, city, _citation(areas[0].latest, citations)))


def _area_figure(info: IndicatorInfo, place: Place, by_key: dict[tuple[str, str], list[Fact]]) -> AreaFigure | None:
    series = by_key.get((info.code, place.code), [])
    if not series:
        return None
    latest = series[-1]
    companion_code = COMPANIONS.get(info.code)
    companion = same_period(by_key.get((companion_code, place.code), []), latest) if companion_code else None
    before = previous(series, latest)
    earlier = _earlier_in_same_report(series, latest) if before is None else None
    city = _city(by_key.get((info.code, LEEDS), []), earlier) if earlier is not None else None
    return AreaFigure(place.name, latest, before, companion, earlier, city)


def _earlier_in_same_report(series: list[Fact], latest: Fact) -> Fact | None:
    """The earlier level the latest figure's own report set it against, where it is of another kind (a range
    such as "previous reports" before a day's snapshot): a comparison the source made, not one made here."""
    found = [
        fact
        for fact in series
        if fact.period_end < latest.period_start
        and (fact.source_document, fact.source_locator) == (latest.source_document, latest.source_locator)
    ]
    return found[-1] if found else None


def _city(series: list[Fact], like: Fact) -> Fact | None:
    """Leeds for the same period only: a city figure from another year beside an area's would mislead."""
    return same_period(series, like)


def _facts_of(
    info: IndicatorInfo, areas: list[AreaFigure], meeting: date, citations: dict[str, str]
) -> list[DigestFact]:
    facts = []
    for area in areas:
        facts.append(_digest_fact(info, area.latest, area.name, "latest", meeting, citations))
        if area.previous is not None:
            facts.append(_digest_fact(info, area.previous, area.name, "previous", meeting, citations))
        if area.earlier is not None:
            facts.append(_digest_fact(info, area.earlier, area.name, "earlier", meeting, citations))
        if area.earlier_city is not None:
            facts.append(_digest_fact(info, area.earlier_city, "Leeds", "city earlier", meeting, citations))
    return facts


def _digest_fact(
    info: IndicatorInfo, fact: Fact, name: str, role: str, meeting: date, citations: dict[str, str]
) -> DigestFact:
    return DigestFact(
        indicator=info.code,
        geography=fact.geography,
        geography_name=name,
        period_end=fact.period_end,
        period_label=fact.period_label,
        value=fact.value,
        display=value_text(info, fact),
        source=_citation(fact, citations),
        role=role,
        months_old=months_between(fact.period_end, meeting),
        stale=role == "latest" and is_stale(fact, meeting),
        change_set=fact.change_set,
        period_kind=fact.period_kind,
    )


def _citation(fact: Fact, citations: dict[str, str]) -> str:
    title = citations.get(fact.source_document, fact.source_document)
    return f"{title}, {fact.source_locator}" if fact.source_locator else title


def _sections(wanted: list[str], bullets: dict[str, Bullet], infos: dict[str, IndicatorInfo]) -> list[DigestSection]:
    sections = []
    placed = set()
    for title, codes in SECTIONS:
        chosen = [code for code in codes if code in wanted]
        placed.update(chosen)
        if not chosen:
            continue
        held = tuple(bullets[code] for code in chosen if code in bullets)
        missing = [infos[code] for code in chosen if code not in bullets]
        note = _not_held(title, missing, everything=not held)
        sections.append(DigestSection(title, held, note))
    others = tuple(bullets[code] for code in wanted if code not in placed and code in bullets)
    if others:
        sections.append(DigestSection(OTHER_SECTION, others))
    return sections


def _not_held(title: str, missing: list[IndicatorInfo], *, everything: bool) -> str:
    """One plain sentence, as a report says it (seed 000 §3.6.2: "there was little updated published
    information available"), not a list of indicator labels."""
    if not missing:
        return ""
    if everything:
        return f"No {SECTION_NOUNS.get(title, 'figures')} are held for these areas for periods before the meeting."
    names = [_lower_first(info.short_name.removesuffix(" (%)")) for info in missing]
    return f"Nothing is held before the meeting on {_and_list(names)}."


def _lower_first(text: str) -> str:
    return text if text[:2].isupper() else text[:1].lower() + text[1:]


def _since_last(
    previous: date, meeting: date, bullets: dict[str, Bullet], infos: dict[str, IndicatorInfo]
) -> DigestSection:
    fresh = [
        infos[code].short_name
        for code, bullet in bullets.items()
        if any(f.role == "latest" and previous <= f.period_end < meeting for f in bullet.facts)
    ]
    title = f"Since the last meeting ({uk_date(previous)})"
    if not fresh:
        return DigestSection(title, (), "No new figures since the last meeting.")
    return DigestSection(title, (), "New figures: " + "; ".join(fresh) + ".")


def _intro(places: list[Place], meeting: date, *, name_wards: bool = False) -> str:
    # A committee's digest names its area and clusters (its wards are many, and inside them).
    names = [p.name for p in places if name_wards or p.type != "ward"]
    return (
        f"Figures for {_and_list(names)}, for periods ended before the meeting of {uk_date(meeting)}; "
        f"figures more than 12 months old are flagged."
    )


def _and_list(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _sources(sections: Iterable[DigestSection], citations: dict[str, str]) -> tuple[str, ...]:
    """Each document once, with the parts cited: "Update Report ... (19 Jun 2013), §2.3, §3.1.2 and §3.5.1"."""
    parts: dict[str, list[str]] = {}
    titles = sorted(set(citations.values()), key=len, reverse=True)
    for fact in (fact for section in sections for fact in section.facts):
        title = next((t for t in titles if fact.source == t or fact.source.startswith(t + ", ")), fact.source)
        where = fact.source[len(title) + 2 :]
        listed = parts.setdefault(title, [])
        if where and where not in listed:
            listed.append(where)
    return tuple(f"{title}, {_and_list(where)}" if where else title for title, where in parts.items())
