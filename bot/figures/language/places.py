"""Choosing among places and figures: which "Beeston", which NEET measure, and who to compare with."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.figures.language.lexicon import FULL, PART, Lexicon
from bot.figures.language.understanding import Mention
from data.figures.groups import neighbour_group
from data.text import normalise

MODEL_LEAD_DAYS = 366  # a neighbour model published in May 2025 is built for the 31 Mar 2025 figures
TYPE_ORDER = ("school_cluster", "ward", "committee_area", "local_authority", "comparator_group", "region", "country")


@dataclass(frozen=True)
class PlaceChoice:
    code: str
    tied: tuple[str, ...] = ()


def place_has_data(lexicon: Lexicon, place: str, indicators: tuple[str, ...]) -> bool:
    if not indicators:
        return bool(lexicon.indicators_with_data(place))
    return any(lexicon.has_data(code, place) for code in family_of(lexicon, indicators))


def family_of(lexicon: Lexicon, indicators: tuple[str, ...]) -> tuple[str, ...]:
    families = {lexicon.indicators[code].family for code in indicators if code in lexicon.indicators}
    same_family = [code for code, info in lexicon.indicators.items() if info.family in families]
    return tuple(dict.fromkeys([*indicators, *same_family]))


def choose_place(mention: Mention, lexicon: Lexicon, indicators: tuple[str, ...], today: date) -> PlaceChoice:
    """Strongest match first; among equals, the one with data; several with data is a question back."""
    candidates = widened(mention, lexicon)
    strongest = max(strength for _, strength in candidates)
    pool = [code for code, strength in candidates if strength == strongest and code in lexicon.geographies]
    with_data = [code for code in pool if place_has_data(lexicon, code, indicators)]
    if len(with_data) > 1:
        current = [code for code in with_data if lexicon.is_current(code, today)]
        if len(current) == 1 and _same_name(lexicon, with_data):
            return PlaceChoice(current[0])
        return PlaceChoice(_smallest_first(lexicon, with_data)[0], tuple(_smallest_first(lexicon, with_data)))
    if with_data:
        return PlaceChoice(with_data[0])
    current = [code for code in pool if lexicon.is_current(code, today)]
    return PlaceChoice(_smallest_first(lexicon, current or pool)[0])


def widened(mention: Mention, lexicon: Lexicon) -> tuple[tuple[str, int], ...]:
    """A lone word that is only part of names also means the places whose longer names hold it: "Beeston"
    is the BCM cluster, the Beeston and Holbeck ward, and Beeston Hill in the JESS cluster."""
    if " " in mention.phrase or any(strength == FULL for _, strength in mention.candidates):
        return mention.candidates
    found = dict(mention.candidates)
    for phrase, owners in lexicon.geography_words.items():
        if phrase != mention.phrase and mention.phrase in phrase.split():
            for code in owners:
                found.setdefault(code, PART)
    return tuple(sorted(found.items()))


def name_holding(lexicon: Lexicon, word: str, code: str) -> str | None:
    """The shortest of a place's names that holds the word, when its own name does not: "Beeston Hill"."""
    if word in normalise(lexicon.geographies[code].name).split():
        return None
    names = [phrase for phrase, owners in lexicon.geography_words.items() if code in owners and word in phrase.split()]
    return min(names, key=len, default=None)


def _same_name(lexicon: Lexicon, codes: list[str]) -> bool:
    return len({lexicon.geographies[code].name.replace("&", "and") for code in codes}) == 1


def _smallest_first(lexicon: Lexicon, codes: list[str]) -> list[str]:
    def rank(code: str) -> tuple[int, str]:
        kind = lexicon.geographies[code].type
        return (TYPE_ORDER.index(kind) if kind in TYPE_ORDER else len(TYPE_ORDER), lexicon.geographies[code].name)

    return sorted(codes, key=rank)


def choose_indicator(mention: Mention, lexicon: Lexicon, place: str | None) -> str:
    codes = [code for code, _ in mention.candidates if code in lexicon.indicators]
    if place is not None:
        for code in codes:
            if lexicon.has_data(code, place):
                return code
    return codes[0]


def sibling_with_data(lexicon: Lexicon, indicator: str, place: str) -> str | None:
    """Another definition in the same family that has figures for this place (stated as such)."""
    info = lexicon.indicators[indicator]
    siblings = [
        code
        for code, other in lexicon.indicators.items()
        if other.family == info.family and code != indicator and lexicon.has_data(code, place)
    ]
    siblings.sort(key=lambda code: (lexicon.indicators[code].unit != info.unit, code))
    return siblings[0] if siblings else None


def companion(lexicon: Lexicon, indicator: str) -> str | None:
    """The count beside a rate (or the rate beside a count) of the same measure: NEET_COUNT for NEET_PCT."""
    stem = indicator.rsplit("_", 1)[0]
    for code in lexicon.indicators:
        if code != indicator and code.rsplit("_", 1)[0] == stem and code.split("_")[-1] in {"COUNT", "PCT", "RATE"}:
            return code
    return None


def _in_force(valid_from: date | None, valid_to: date | None, day: date) -> bool:
    return (valid_from is None or valid_from <= day) and (valid_to is None or day <= valid_to)


def parents(lexicon: Lexicon, place: str, day: date) -> list[str]:
    """Areas this place lies in (a cluster counts its committee area as a parent)."""
    found = []
    for link in lexicon.parents.get(place, ()):
        parent_type = lexicon.geographies[link.parent].type
        if not _in_force(link.valid_from, link.valid_to, day):
            continue
        if link.relation == "part_of" or (link.relation == "related_to" and parent_type == "committee_area"):
            found.append(link.parent)
    return found


def comparators(lexicon: Lexicon, place: str, day: date) -> list[str]:
    """Parent areas nearest first, then the authority's statistical neighbours, the region and England."""
    seen: list[str] = []
    queue = [place]
    while queue:
        current = queue.pop(0)
        for parent in parents(lexicon, current, day):
            if parent not in seen and parent != place:
                seen.append(parent)
                queue.append(parent)
    authority = next((code for code in [place, *seen] if lexicon.geographies[code].type == "local_authority"), None)
    if authority is not None and neighbour_group(authority) in lexicon.geographies:
        seen.append(neighbour_group(authority))
    return _smallest_first(lexicon, seen)


_PARTS = {False: {"ward", "school_cluster", "committee_area"}, True: {"local_authority"}}


def inside(lexicon: Lexicon, area: str, day: date) -> list[str]:
    """Places within an area on a day: its wards, and the school clusters related to it; a region's councils."""
    found = [
        link.child
        for link in lexicon.children.get(area, ())
        if _in_force(link.valid_from, link.valid_to, day)
        and link.relation in {"part_of", "related_to"}
        and lexicon.geographies[link.child].type in _PARTS[lexicon.geographies[area].type == "region"]
    ]
    return _smallest_first(lexicon, list(dict.fromkeys(found)))


def related(lexicon: Lexicon, place: str) -> list[str]:
    """Every place linked to this one in any direction, at any time: for "what exists instead"."""
    linked = [link.parent for link in lexicon.parents.get(place, ())]
    linked += [link.child for link in lexicon.children.get(place, ())]
    return _smallest_first(lexicon, [code for code in dict.fromkeys(linked) if code != place])


def group_model(lexicon: Lexicon, group: str, day: date) -> date | None:
    """When the neighbour model in force on `day` took effect (None when undated)."""
    starts = [
        link.valid_from
        for link in lexicon.children.get(group, ())
        if link.relation == "member_of" and _in_force(link.valid_from, link.valid_to, day)
    ]
    return max((start for start in starts if start is not None), default=None)


def group_members(lexicon: Lexicon, group: str, day: date) -> list[str]:
    """The local authorities in a comparator group under the model in force on `day`."""
    return [
        link.child
        for link in lexicon.children.get(group, ())
        if link.relation == "member_of" and _in_force(link.valid_from, link.valid_to, day)
    ]


def model_fits(model: date | None, period_end: date) -> bool:
    """A neighbour model applies to figures up to a year before it took effect, not to older ones."""
    return model is None or (model - period_end).days <= MODEL_LEAD_DAYS
