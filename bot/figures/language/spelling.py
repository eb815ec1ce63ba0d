"""Misspelt words put right before a question is read: "chidren in need", "childern looked after", "neeet",
"child protecton plans". The README promises typos are forgiven; a word is corrected only to one known word
close enough that no other measure's word is as close ("need" is never "neet": they differ by a letter in four).
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

from bot.figures.language.lexicon import Lexicon

# Words that narrow a measure to a part of it: the breakdowns councillors ask for that the store does not hold
# separately (by sex, age, disability, category of abuse, ethnicity, need, legal status or placement). An
# answer for the whole says so when one of these was asked; any other leftover word ("gone", "did") is chat.
BREAKDOWNS = frozenset(
    "boys girls male males female females sex gender disabled disability disabilities neglect abuse abused "
    "emotional physical sexual ethnic ethnicity minority bme white black asian mixed age aged ages under over "
    "babies baby infants toddlers fives teenagers teens adolescents older younger sen send ehcp fsm "
    "disadvantaged poverty asylum unaccompanied uasc refugees repeat second subsequent first new "
    "fostered foster fostering residential adopted adoption kinship placed placement placements "
    "secondary primary special nursery reception post16 autism autistic mental health".split()
)
# Everyday words a councillor writes that sit one letter from a measure's or place's word: never typos.
EVERYDAY = frozenset("carer carers ending endings send teens rated wards needs".split())
MIN_LENGTH = 4  # "cin", "lac", "caf": three letters are too few to tell a typo from another word
SHORT_WORD = 5
SHORT_CUTOFF = 88.0  # "neeet" is "neet" (88.9); "need" is not "neet" (75)
LONG_CUTOFF = 85.0  # "childern" is "children" (87.5)

_KNOWN: dict[tuple[int, int], tuple[frozenset[str], list[str]]] = {}


def known_words(lexicon: Lexicon, extra: Iterable[str]) -> tuple[frozenset[str], list[str]]:
    """Every word of the store's names and aliases and of the question words, and those a typo may become."""
    key = (id(lexicon), lexicon.version)
    if key not in _KNOWN:
        _KNOWN.clear()
        words = {word for phrase in [*lexicon.indicator_words, *lexicon.geography_words] for word in phrase.split()}
        words |= {word for phrase in extra for word in phrase.split()}
        targets = sorted(word for word in words if len(word) >= MIN_LENGTH and word.isalpha())
        _KNOWN[key] = (frozenset(words), targets)
    return _KNOWN[key]


def corrected(tokens: list[str], lexicon: Lexicon, extra: Iterable[str]) -> tuple[list[str], dict[str, str]]:
    """The tokens with misspellings put right, and each correction's word as typed."""
    known, targets = known_words(lexicon, extra)
    fixed: list[str] = []
    typed: dict[str, str] = {}
    for token in tokens:
        word = _correction(token, known, targets)
        if word != token:
            typed[word] = token
        fixed.append(word)
    return fixed, typed


def _correction(token: str, known: frozenset[str], targets: list[str]) -> str:
    if token in known or token in BREAKDOWNS or token in EVERYDAY or len(token) < MIN_LENGTH or not token.isalpha():
        return token
    if token.endswith("s") and token[:-1] in known:
        return token  # a plural, which names match as their singular anyway
    cutoff = SHORT_CUTOFF if len(token) <= SHORT_WORD else LONG_CUTOFF
    # A typo keeps its first letter: "ending" is not "spending".
    same_start = [word for word in targets if word[0] == token[0]]
    found = process.extract(token, same_start, scorer=fuzz.ratio, score_cutoff=cutoff, limit=2)
    if not found:
        return token
    if len(found) > 1 and found[1][1] == found[0][1]:
        return token  # two words as close: a guess either way
    return str(found[0][0])
