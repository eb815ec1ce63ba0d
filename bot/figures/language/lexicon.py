"""What the store knows, held in memory for instant answers: words, places, coverage, targets.

Built from the store in one pass and rebuilt when the store changes (every write leaves an audit row,
so the newest audit id is the change token).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from bot.figures.language.measure_words import everyday_words
from data.figures import queries
from data.figures.queries import GeographyInfo, IndicatorInfo, Membership, TargetInfo
from data.text import normalise

FULL = 2
PART = 1


@dataclass(frozen=True)
class Lexicon:
    version: int
    indicators: dict[str, IndicatorInfo]
    geographies: dict[str, GeographyInfo]
    indicator_words: dict[str, frozenset[str]]
    geography_words: dict[str, dict[str, int]]
    coverage: dict[str, frozenset[str]]
    parents: dict[str, tuple[Membership, ...]]
    children: dict[str, tuple[Membership, ...]]
    targets: dict[tuple[str, str], tuple[TargetInfo, ...]]
    documents: dict[str, str]
    longest_phrase: int = field(default=1)
    # Each indicator's words (name, short name, definition, aliases): "in post" qualifies advanced
    # practitioners, so it is not an unknown place; a word from another figure's name still is unknown.
    vocabulary: dict[str, frozenset[str]] = field(default_factory=dict)
    # Each indicator's naming words, stemmed (name, short name, aliases; not the definition): a question's
    # words are scored against these so "initial child protection conferences" is not "child protection".
    name_stems: dict[str, frozenset[str]] = field(default_factory=dict)

    def has_data(self, indicator: str, geography: str) -> bool:
        return geography in self.coverage.get(indicator, frozenset())

    def indicators_with_data(self, geography: str) -> list[str]:
        return [code for code, places in self.coverage.items() if geography in places]

    def is_current(self, geography: str, today: date) -> bool:
        info = self.geographies[geography]
        return info.valid_to is None or info.valid_to >= today

    def source_title(self, document: str) -> str:
        return self.documents.get(document, document)


def store_version(session: Session) -> int:
    return queries.store_version(session)


def load_lexicon(session: Session) -> Lexicon:
    version = store_version(session)
    indicator_words: dict[str, set[str]] = defaultdict(set)
    for alias in queries.indicator_aliases(session):
        indicator_words[alias.alias].add(alias.code)
    indicators = {info.code: info for info in queries.indicators(session)}
    for phrase, code in everyday_words():  # officers' abbreviations: s47, ICPC, EHCPs (measure_words.py)
        if code in indicators:
            indicator_words[phrase].add(code)
    for code, described in indicators.items():
        for phrase in own_words(described):
            indicator_words[phrase].add(code)
    geography_words: dict[str, dict[str, int]] = defaultdict(dict)
    for alias in queries.geography_aliases(session):
        strength = PART if alias.kind == "part" else FULL
        geography_words[alias.alias][alias.code] = max(strength, geography_words[alias.alias].get(alias.code, 0))
    for info in queries.geographies(session):
        # Codes read back unambiguously: buttons and follow-ups use them when names are shared.
        geography_words[normalise(info.code)][info.code] = FULL
    coverage: dict[str, set[str]] = defaultdict(set)
    for indicator, geography in queries.data_coverage(session):
        coverage[indicator].add(geography)
    parents: dict[str, list[Membership]] = defaultdict(list)
    children: dict[str, list[Membership]] = defaultdict(list)
    for membership in queries.memberships(session):
        parents[membership.child].append(membership)
        children[membership.parent].append(membership)
    targets: dict[tuple[str, str], list[TargetInfo]] = defaultdict(list)
    for target in queries.targets(session):
        targets[(target.indicator, target.geography)].append(target)
    phrases = [*indicator_words, *geography_words]
    return Lexicon(
        version=version,
        indicators=indicators,
        geographies={info.code: info for info in queries.geographies(session)},
        indicator_words={word: frozenset(codes) for word, codes in indicator_words.items()},
        geography_words=dict(geography_words),
        coverage={code: frozenset(places) for code, places in coverage.items()},
        parents={code: tuple(items) for code, items in parents.items()},
        children={code: tuple(items) for code, items in children.items()},
        targets={key: tuple(items) for key, items in targets.items()},
        documents=queries.document_citations(session),
        longest_phrase=max((len(phrase.split()) for phrase in phrases), default=1),
        vocabulary=_vocabulary(indicators, indicator_words),
        name_stems=_name_stems(indicators, indicator_words),
    )


def own_name(text: str) -> str:
    return normalise(text.replace("(%)", ""))


def own_words(info: IndicatorInfo) -> list[str]:
    """An indicator's code, name and short name, and the ways people vary them ("in timescale" for "on time")."""
    bases = [own_name(info.name), own_name(info.short_name)]
    phrases = [info.code.lower().replace("_", " "), *bases]
    for base in bases:
        for said, variants in SAID_AS.items():
            if f" {said} " in f" {base} ":
                phrases += [f" {base} ".replace(f" {said} ", f" {variant} ").strip() for variant in variants]
    return [phrase for phrase in dict.fromkeys(phrases) if phrase]


# Ways people say the words that indicator names use.
SAID_AS = {
    "on time": ("in timescale", "in timescales", "within timescale", "within timescales", "in time", "timely"),
    "children looked after": ("cla", "lac", "children in care"),
    "child protection": ("cp",),
    "child protection plan": ("cp plan", "cpp"),
    "percentage of": ("",),
    "number of": ("",),
    "per 10 000 children aged under 18": ("rate", "per 10000", "per 10 000"),
    "care leavers": ("care leavers", "care leaver"),
    "education employment and training eet": ("in education employment or training", "eet", "in education or training"),
    "re referrals": ("rereferrals", "re referral"),
}


def _vocabulary(indicators: dict[str, IndicatorInfo], words: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for code, info in indicators.items():
        for text in (info.name, info.short_name, info.definition):
            found[code].update(normalise(text).split())
    for phrase, codes in words.items():
        for code in codes:
            found[code].update(phrase.split())
    return {code: frozenset(items) for code, items in found.items()}


# Words too common in indicator names to tell one from another.
UNTELLING = frozenset(
    "a an and as at by for in of on or the to who with are is number rate percentage per percent proportion".split()
)


def stem(word: str) -> str:
    """Plural and singular read alike: "plans" is "plan", "children" is "child", "enquiries" is "enquiry"."""
    if word in {"children", "childrens"}:
        return "child"
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _name_stems(indicators: dict[str, IndicatorInfo], words: dict[str, set[str]]) -> dict[str, frozenset[str]]:
    found: dict[str, set[str]] = defaultdict(set)
    for phrase, codes in words.items():
        for code in codes:
            found[code].update(stem(word) for word in phrase.split() if word not in UNTELLING)
    for code, info in indicators.items():
        found[code].update(stem(word) for word in own_name(info.name).split() if word not in UNTELLING)
    return {code: frozenset(items) for code, items in found.items()}


def covered(lexicon: Lexicon, code: str, words: list[str]) -> list[str]:
    """The words of a question that name this indicator."""
    stems = lexicon.name_stems.get(code, frozenset())
    return [word for word in words if word not in UNTELLING and stem(word) in stems]


def best_cover(lexicon: Lexicon, words: list[str]) -> tuple[int, tuple[str, ...]]:
    """The indicators whose names account for the most of these words, and how many they account for."""
    scores = {code: len(covered(lexicon, code, words)) for code in lexicon.indicators}
    best = max(scores.values(), default=0)
    return best, tuple(sorted(code for code, score in scores.items() if score == best and best > 0))
