"""The council at home, and the words that mean it: "we", "the city", "statistical neighbours", "the region".

Which council is at home is a setting (BRIEFBOT_HOME_LA, read by bot/app); this module only applies it to the
words the store knows. "Statistical neighbours" said beside one other authority is that authority's neighbours
("cp rate bradford vs statistical neighbours"), and "the region" beside one is its region; alone they are home's.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.figures.language.lexicon import FULL, Lexicon
from data.figures.catalogue import LEEDS
from data.figures.groups import CORE_CITIES, group_authority, neighbour_group
from data.figures.queries import Membership

# Words that mean the home council (the seed gives Leeds some of them; they follow the setting).
HOME_WORDS = (
    "we",
    "us",
    "our",
    "ours",
    "the city",
    "city",
    "citywide",
    "city wide",
    "city level",
    "city average",
    "the council",
    "our council",
    "the authority",
    "our authority",
    "the local authority",
    "our area",
    "the district",
)
NEIGHBOUR_WORDS = (
    "statistical neighbours",
    "statistical neighbour",
    "stat neighbours",
    "stat neighbour",
    "stat neighbors",
    "statistical neighbors",
    "sn",
    "sns",
    "sn average",
    "sn avg",
    "similar areas",
    "similar authorities",
    "similar councils",
    "comparators",
    "our comparators",
    "statistical neighbour average",
    "statistical neighbours average",
    "ofsted statistical neighbour authorities",
    "our statistical neighbours",
    "our neighbours",
    "our sns",
    "neighbours",
    "our stat neighbours",
)
REGION_WORDS = (
    "the region",
    "regional",
    "regional average",
    "our region",
    "region",
    "the regions",
    "rest of the region",
)


# "the region's LAs", "councils in Yorkshire": the councils of a region side by side (read as "across").
COUNCILS_IN = ("las", "local authorities", "councils", "authorities", "each la", "every la", "by la", "all las")


@dataclass(frozen=True)
class Home:
    """The council briefbot serves; core_cities replaces the shipped core cities list when given."""

    code: str = LEEDS
    core_cities: tuple[str, ...] = ()

    @property
    def local_seeds(self) -> bool:
        """The seed reports, wards, committees and clusters are Leeds': they apply only with Leeds at home."""
        return self.code == LEEDS


def region_of(lexicon: Lexicon, authority: str) -> str | None:
    return next(
        (
            link.parent
            for link in lexicon.parents.get(authority, ())
            if link.relation == "part_of" and lexicon.geographies[link.parent].type == "region"
        ),
        None,
    )


def at_home(lexicon: Lexicon, home: Home) -> Lexicon:
    """The lexicon with the home words pointing at the configured council, its group and its region."""
    if home.code not in lexicon.geographies:
        return lexicon
    words = dict(lexicon.geography_words)
    targets = [(HOME_WORDS, home.code), (NEIGHBOUR_WORDS, neighbour_group(home.code))]
    region = region_of(lexicon, home.code)
    if region is not None:
        targets.append((REGION_WORDS, region))
    for phrases, code in targets:
        if code in lexicon.geographies:
            words.update({phrase: {code: FULL} for phrase in phrases})
    children = dict(lexicon.children)
    if home.core_cities and CORE_CITIES in lexicon.geographies:
        members = tuple(Membership(CORE_CITIES, code, "member_of", None, None) for code in home.core_cities)
        children[CORE_CITIES] = members
    longest = max(lexicon.longest_phrase, *(len(phrase.split()) for phrase, _ in _phrases(targets)))
    return replace(lexicon, geography_words=words, children=children, longest_phrase=longest)


def _phrases(targets: list[tuple[tuple[str, ...], str]]) -> list[tuple[str, str]]:
    return [(phrase, code) for phrases, code in targets for phrase in phrases]


def beside_authority(lexicon: Lexicon, home: Home, said: list[tuple[str, str]]) -> list[str]:
    """The places chosen, with home's neighbours (or region) said in general words read as those of the one
    other authority named: [("bradford", Bradford), ("statistical neighbours", leeds-sn)] -> Bradford's group.

    `said` pairs each mention's phrase with the place chosen for it, in the question's order."""
    said = _without_pronouns(lexicon, said)
    if not said:
        return []
    others = [
        code
        for phrase, code in said
        if lexicon.geographies[code].type == "local_authority" and code != home.code and phrase not in HOME_WORDS
    ]
    named_home = any(code == home.code for _, code in said)
    # "cp rate vs core cities": a group alone is compared with home; "bradford's neighbours" with Bradford.
    chosen: list[str] = [] if _any_place(lexicon, said) else [group_authority(said[0][1]) or home.code]
    for phrase, code in said:
        place = _theirs(lexicon, phrase, code, others[0]) if len(others) == 1 and not named_home else code
        if place not in chosen:
            chosen.append(place)
    return chosen


PRONOUNS = frozenset({"we", "us", "our", "ours"})
LOCAL_TYPES = frozenset({"ward", "school_cluster", "committee_area"})


def _without_pronouns(lexicon: Lexicon, said: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """ "our neet rate in JESS" is JESS's, not Leeds against JESS; "how do we compare with Bradford" keeps us."""
    if any(lexicon.geographies[code].type in LOCAL_TYPES for phrase, code in said if phrase not in PRONOUNS):
        return [(phrase, code) for phrase, code in said if phrase not in PRONOUNS]
    return said


def _any_place(lexicon: Lexicon, said: list[tuple[str, str]]) -> bool:
    return any(lexicon.geographies[code].type != "comparator_group" for _, code in said)


def _theirs(lexicon: Lexicon, phrase: str, code: str, authority: str) -> str:
    if phrase in NEIGHBOUR_WORDS and neighbour_group(authority) in lexicon.geographies:
        return neighbour_group(authority)
    if phrase in REGION_WORDS:
        return region_of(lexicon, authority) or code
    return code
