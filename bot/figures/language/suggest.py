"""Suggestions: the nearest known words for what was not understood, and examples from the store."""

from __future__ import annotations

from rapidfuzz import fuzz, process

from bot.figures.language.lexicon import Lexicon

# Whole-word closeness only: a partial match ("exclusions" in "Leeds statistical neighbours") is no suggestion.
SUGGEST_CUTOFF = 82.0


def nearest(text: str, lexicon: Lexicon, limit: int = 3) -> tuple[list[str], list[str]]:
    """Names of the indicators and places whose words are closest to the text."""
    if not text.strip():
        return [], []
    indicators = _closest(text, list(lexicon.indicator_words), limit)
    places = _closest(text, list(lexicon.geography_words), limit)
    indicator_names = list(
        dict.fromkeys(
            lexicon.indicators[code].short_name
            for phrase in indicators
            for code in sorted(lexicon.indicator_words[phrase])
        )
    )[:limit]
    place_names = list(
        dict.fromkeys(
            lexicon.geographies[code].name for phrase in places for code in sorted(lexicon.geography_words[phrase])
        )
    )[:limit]
    return indicator_names, place_names


def _closest(text: str, choices: list[str], limit: int) -> list[str]:
    found = process.extract(text, choices, scorer=fuzz.ratio, limit=limit, score_cutoff=SUGGEST_CUTOFF)
    return [str(choice) for choice, _score, _index in found]


PREFERRED = ("CPP_COUNT", "LAC_COUNT", "NEET_PCT", "RFS_COUNT", "SW_CASELOAD_AVG", "IA_TIMELY_PCT")


def examples(lexicon: Lexicon) -> list[str]:
    """Questions the store can answer now: key figures for clusters, a comparison, a trend, an overview."""
    questions: list[str] = []
    for code in PREFERRED:
        places = sorted(
            lexicon.coverage.get(code, frozenset()),
            key=lambda place: (lexicon.geographies[place].type != "school_cluster", place),
        )
        if places:
            questions.append(f"{lexicon.indicators[code].short_name} in {_short_name(lexicon, places[-1])}")
    if lexicon.has_data("CPP_RATE", "E08000035") and lexicon.has_data("CPP_RATE", "E92000001"):
        questions += ["CP rate Leeds vs England", "CP rate Leeds trend"]
    if "NEET_PCT" in lexicon.coverage:
        questions.append("compare NEET across Inner South")
    clusters = sorted(
        code
        for code, info in lexicon.geographies.items()
        if info.type == "school_cluster" and lexicon.indicators_with_data(code)
    )
    if clusters:
        questions.append(f"what do we know about {_short_name(lexicon, clusters[-1])}?")
    return questions[:8]


def _short_name(lexicon: Lexicon, place: str) -> str:
    if lexicon.geographies[place].type != "school_cluster":
        return lexicon.geographies[place].name
    acronyms = [
        word
        for word, owners in lexicon.geography_words.items()
        if list(owners) == [place] and word.isalpha() and len(word) <= 4
    ]
    return min(acronyms, key=len).upper() if acronyms else lexicon.geographies[place].name
