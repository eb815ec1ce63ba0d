"""The abbreviations officers use for measures ("s47", "ICPC", "EHCPs", "UASC", "SGO"), beside the names the
store gives them (the LAIT dictionary's and the seed's). Kept in data/reference/measure_words.csv, keyed by the
store's indicator code (a LAIT measure's code is LAIT_ and its short name: Section_47 -> LAIT_SECTION_47), one
note a row; words for a measure the store does not hold yet wait until it is imported."""

from __future__ import annotations

from functools import cache

from data.figures.catalogue import REFERENCE_DIR, read_csv
from data.text import normalise, split_list

MEASURE_WORDS_FILE = REFERENCE_DIR / "measure_words.csv"


@cache
def everyday_words() -> tuple[tuple[str, str], ...]:
    """(phrase, indicator code) for every word in the file, normalised as questions are."""
    return tuple(
        (normalise(word), row["indicator"])
        for row in read_csv(MEASURE_WORDS_FILE)
        for word in split_list(row["words"])
        if normalise(word)
    )
