"""What a question means: text in, a structured Question out. No chat platform, no database.

"NEET in JESS", "cp plans beeston since 2010", "<@U123> LAC rate Leeds vs England" all come here.
Words are matched against the store's own aliases (longest phrase first), typos with rapidfuzz above a
confidence threshold, and periods with a handful of patterns councillors actually write.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from rapidfuzz import fuzz, process

from bot.figures.language.authorities import COUNCILS_IN
from bot.figures.language.lexicon import Lexicon, best_cover, covered
from bot.figures.language.periods import PeriodAsk, extract_period, extract_periods
from bot.figures.language.spelling import corrected
from data.text import normalise

SLACK_MARKUP = re.compile(r"<[@#!][^>]*>|<(?:https?|mailto):[^>]*>")  # mentions, !here and links
WITHIN_SPAN = re.compile(r"\bwithin (\d+ (?:day|days|week|weeks|month|months|year|years))\b")

HELP_WORDS = {"help", "examples", "example", "what can you do", "how do i use this", "commands", "hello", "hi"}
TREND_WORDS = {
    "trend",
    "trends",
    "over time",
    "history",
    "historic",
    "historical",
    "time series",
    "series",
    "how has",
    "changed",
    "over the years",
    "track record",
    "progress",
}
COMPARE_WORDS = {
    "vs",
    "v",
    "versus",
    "compare",
    "compared",
    "comparison",
    "against",
    "benchmark",
    "benchmarks",
    "like for like",
    "how does",
    "how do",
    "relative to",
    "compared with",
    "compared to",
}
# "compared with the year before": every answer already gives the change from the period before.
CHANGE_WORDS = {
    "the year before",
    "year before",
    "the previous year",
    "previous year",
    "a year ago",
    "year on year",
    "the year earlier",
    "year earlier",
    "than before",
    "before",
}
ACROSS_WORDS = {"across", "by cluster", "by ward", "each cluster", "each ward", "breakdown", "within", *COUNCILS_IN}
OVERVIEW_WORDS = {
    "what do we know about",
    "what do we know",
    "overview",
    "tell me about",
    "brief me on",
    "brief me",
    "briefing",
    "summary",
    "summarise",
    "summarize",
    "profile",
    "everything",
    "key figures",
    "all figures",
    "snapshot of",
    "three obsessions",
    "obsessions",
}
TARGET_WORDS = {"target", "targets", "goal", "aim", "ambition"}
# Words that choose the rate or the count member of a family ("cla per 10000", "how many in care").
RATE_WORDS = {"rate", "rates", "per 10000", "per 10 000", "per 10k", "%", "percent", "percentage", "proportion"}
COUNT_WORDS = {"how many", "number of", "numbers of", "count", "total number"}
# More figures than this tied on the words they account for is no account at all ("children care").
MAX_TIED_NAMES = 6
STOPWORDS = set(
    "a an and are as at be by can could do does figure figures for from get give has have how i in is it its "
    "latest me most my now of on or our please recent show tell than that the their there these this to us "
    "was we were what whats which who with would you current currently data number numbers level levels "
    "stats statistics info information about any many much rate there re today look up find see "
    "latest figure up down happening going".split()
)
CONNECTORS = {"and", "with", "to", "vs", "v", "versus"}
# Words a question is made of besides the store's names: never "corrected" into a measure's word.
QUESTION_WORDS = frozenset(
    {*HELP_WORDS, *TREND_WORDS, *COMPARE_WORDS, *CHANGE_WORDS, *ACROSS_WORDS, *OVERVIEW_WORDS, *TARGET_WORDS}
    | {*RATE_WORDS, *COUNT_WORDS, *STOPWORDS, *CONNECTORS, "between"}
)
FUZZY_CUTOFF = 85.0
SHORT_FUZZY_CUTOFF = 88.0


class Intent(StrEnum):
    VALUE = "value"
    TREND = "trend"
    COMPARE = "compare"
    PERIODS = "periods"  # one figure at two periods: both figures and the change between them
    OVERVIEW = "overview"
    HELP = "help"


@dataclass(frozen=True)
class Mention:
    """Words matched to one or more store codes. strength: 2 a full name, 1 part of a name."""

    phrase: str
    candidates: tuple[tuple[str, int], ...]
    typed: str = ""

    @property
    def fuzzy(self) -> bool:
        return bool(self.typed) and self.typed != self.phrase


@dataclass(frozen=True)
class Question:
    text: str
    intent: Intent
    indicators: tuple[Mention, ...] = ()
    places: tuple[Mention, ...] = ()
    period: PeriodAsk | None = None
    periods: tuple[PeriodAsk, ...] = ()  # every period named, oldest first; `period` is the latest of them
    compare: bool = False
    across: bool = False
    wants_target: bool = False
    measure: str = ""  # "rate" or "count" when the words say which member of a family is wanted
    unknown_words: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()


def clean(text: str) -> str:
    return " ".join(SLACK_MARKUP.sub(" ", text).split())


def period_named(text: str, today: date) -> tuple[PeriodAsk | None, list[str]]:
    """The period a text names ("30/6/13", "March 2012", "2011/12"), read as questions read it, and any
    date it names that is not a date."""
    period, _rest, problems = extract_period(clean(text).lower(), today)
    return period, problems


def understand(text: str, lexicon: Lexicon, today: date) -> Question:
    cleaned = clean(text)
    lowered = cleaned.lower()
    periods, lowered, problems = extract_periods(lowered, today)
    # "within 12 months" is part of a measure's name, not "compare within an area".
    words = WITHIN_SPAN.sub(r"in \1", normalise(lowered))
    tokens, typos = corrected(words.split(), lexicon, QUESTION_WORDS)
    words, flags = _strip_keywords(" ".join(tokens), lexicon)
    indicators, places, leftovers = _match(words.split(), lexicon)
    indicators, places = _as_typed(indicators, typos), _as_typed(places, typos)
    indicators = _best_named(words.split(), indicators, places, lexicon)
    own = {
        word for mention in indicators for code, _ in mention.candidates for word in lexicon.vocabulary.get(code, ())
    }
    unknown = tuple(word for word in leftovers if word not in STOPWORDS and word not in own and not word.isdigit())
    question = Question(
        text=cleaned,
        intent=Intent.VALUE,
        indicators=tuple(indicators),
        places=tuple(places),
        period=periods[-1] if periods else None,
        periods=periods,
        compare="compare" in flags,
        across="across" in flags,
        wants_target="target" in flags,
        measure=_measure_asked(words),
        unknown_words=unknown,
        problems=tuple(problems),
    )
    return replace(question, intent=_intent(question, flags, cleaned))


def _as_typed(mentions: list[Mention], typos: dict[str, str]) -> list[Mention]:
    """A mention of a corrected word keeps the words as typed, so a typo reads back as one."""
    if not typos:
        return mentions
    return [
        replace(mention, typed=" ".join(typos.get(word, word) for word in (mention.typed or mention.phrase).split()))
        for mention in mentions
    ]


def _intent(question: Question, flags: set[str], cleaned: str) -> Intent:
    if not question.indicators and not question.places:
        return Intent.HELP if (not cleaned.strip(" ?!.") or "help" in flags) else Intent.VALUE
    if "overview" in flags or (question.places and not question.indicators and not question.unknown_words):
        return Intent.OVERVIEW
    if len(question.periods) > 1 and not question.across:
        # "CP plans BCM 2012 v 2013": "vs" between two periods asks for the change, not another place.
        return Intent.PERIODS
    if "trend" in flags or (question.period is not None and question.period.since):
        return Intent.TREND
    if "change" in flags and len(question.places) <= 1 and not question.across:
        # "compared with the year before" compares a place with itself a year earlier: the value and its change.
        return Intent.VALUE
    if question.compare or question.across or len(question.places) > 1:
        return Intent.COMPARE
    return Intent.VALUE


def _best_named(tokens: list[str], indicators: list[Mention], places: list[Mention], lexicon: Lexicon) -> list[Mention]:
    """The figure whose name accounts for most of the words: "initial child protection conferences" is the
    conferences, not child protection plans; "cla persistent absentees" is not the count in care.

    Only a strictly better account replaces what the phrases matched, so typos and short names still work."""
    place_words = {word for mention in places for word in (mention.typed or mention.phrase).split()}
    content = [
        token
        for token in tokens
        if token not in place_words and token not in STOPWORDS and token != "|" and not token.isdigit()
    ]
    # The phrases matched, the one whose figure accounts for most of the words first ("number of children in
    # care": "in care" accounts for children and care, "number of children" only for children).
    matched = sorted(indicators, key=lambda mention: -_matched_score(mention, content, lexicon))
    score, codes = best_cover(lexicon, content)
    first = _matched_score(indicators[0], content, lexicon) if indicators else 0
    if score < 2 or score <= first or len(codes) > MAX_TIED_NAMES:
        return matched
    phrase = " ".join(dict.fromkeys(word for code in codes for word in covered(lexicon, code, content)))
    named = Mention(phrase, tuple((code, 2) for code in codes), phrase)
    return [named, *(mention for mention in matched if not set(dict(mention.candidates)) & set(codes))]


def _matched_score(mention: Mention, content: list[str], lexicon: Lexicon) -> int:
    """How many words a matched phrase's figure accounts for; a typo's words count as its own."""
    typos = len(mention.typed.split()) if mention.fuzzy else 0
    return typos + max(len(covered(lexicon, code, content)) for code, _ in mention.candidates)


def _measure_asked(words: str) -> str:
    padded = f" {words} "
    if any(f" {phrase} " in padded for phrase in RATE_WORDS):
        return "rate"
    return "count" if any(f" {phrase} " in padded for phrase in COUNT_WORDS) else ""


def _strip_keywords(words: str, lexicon: Lexicon) -> tuple[str, set[str]]:
    flags: set[str] = set()
    padded = f" {words} "
    # "core assessments within timescale": a keyword inside a figure's own name is part of the name.
    named = [phrase for phrase in lexicon.indicator_words if " " in phrase and f" {phrase} " in padded]
    for flag, phrases in (
        ("overview", OVERVIEW_WORDS),
        ("help", HELP_WORDS),
        ("trend", TREND_WORDS),
        ("compare", COMPARE_WORDS),
        ("across", ACROSS_WORDS),
        ("target", TARGET_WORDS),
        ("change", CHANGE_WORDS),
    ):
        for phrase in sorted(phrases, key=len, reverse=True):
            if f" {phrase} " in padded and not any(f" {phrase} " in f" {name} " for name in named):
                flags.add(flag)
                padded = padded.replace(f" {phrase} ", " | ")
    return " ".join(padded.split()), flags


def _match(tokens: list[str], lexicon: Lexicon) -> tuple[list[Mention], list[Mention], list[str]]:
    indicators: list[Mention] = []
    places: list[Mention] = []
    leftovers: list[str] = []
    runs: list[list[str]] = [[]]
    index = 0
    while index < len(tokens):
        length = _longest_known(tokens, index, lexicon)
        if length == 0:
            token = tokens[index]
            if token == "|" or token in STOPWORDS or token in CONNECTORS:
                runs.append([])
            else:
                runs[-1].append(token)
            index += 1
            continue
        phrase = " ".join(tokens[index : index + length])
        _record(phrase, phrase, lexicon, indicators, places)
        runs.append([])
        index += length
    for run in runs:
        leftovers += _fuzzy_run(run, lexicon, indicators, places)
    return indicators, places, leftovers


def _longest_known(tokens: list[str], index: int, lexicon: Lexicon) -> int:
    for length in range(min(lexicon.longest_phrase, len(tokens) - index), 0, -1):
        phrase = " ".join(tokens[index : index + length])
        if "|" in phrase:
            continue
        if phrase in lexicon.indicator_words or phrase in lexicon.geography_words:
            return length
    return 0


def _record(phrase: str, typed: str, lexicon: Lexicon, indicators: list[Mention], places: list[Mention]) -> None:
    if phrase in lexicon.indicator_words:
        codes = sorted(lexicon.indicator_words[phrase])
        indicators.append(Mention(phrase, tuple((code, 2) for code in codes), typed))
    elif phrase in lexicon.geography_words:
        candidates = tuple(sorted(lexicon.geography_words[phrase].items()))
        places.append(Mention(phrase, candidates, typed))


def _fuzzy_run(run: list[str], lexicon: Lexicon, indicators: list[Mention], places: list[Mention]) -> list[str]:
    """Typos: the longest span of unmatched words close enough to a known phrase."""
    leftovers: list[str] = []
    index = 0
    while index < len(run):
        for length in range(min(3, len(run) - index), 0, -1):
            typed = " ".join(run[index : index + length])
            phrase = closest_phrase(typed, lexicon)
            if phrase is not None:
                _record(phrase, typed, lexicon, indicators, places)
                index += length
                break
        else:
            leftovers.append(run[index])
            index += 1
    return leftovers


def closest_phrase(typed: str, lexicon: Lexicon, cutoff: float | None = None) -> str | None:
    if len(typed) < 3 or typed in STOPWORDS:
        return None
    limit = cutoff if cutoff is not None else (SHORT_FUZZY_CUTOFF if len(typed) <= 5 else FUZZY_CUTOFF)
    found = process.extractOne(typed, _choices(lexicon), scorer=fuzz.ratio, score_cutoff=limit)
    return None if found is None else str(found[0])


_CHOICES: dict[int, list[str]] = {}


def _choices(lexicon: Lexicon) -> list[str]:
    key = id(lexicon)
    if key not in _CHOICES:
        _CHOICES.clear()
        _CHOICES[key] = sorted({*lexicon.indicator_words, *lexicon.geography_words})
    return _CHOICES[key]
