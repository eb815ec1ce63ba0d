"""Reading a question about recommendations: "recommendations theme 2", "open safeguarding recommendations",
"rec 2.1.5", "status of 2.4.1", "improvement plan summary", "what changed since March 2011?".

`is_about` decides cheaply, from the words alone, whether a question is about recommendations at all, so a
figure question ("CP plans Beeston") never reaches the store's recommendations. `read` then reads it against
what the store holds: the plans and the words people use for them, and each plan's own status vocabulary.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from bot.figures.language.understanding import period_named
from data.recommendations import CodeRef, PlanInfo, RecFilter, StatusInfo
from data.text import normalise

# Words that make a question about recommendations whatever else it says.
TRIGGER = re.compile(r"\b(recommendations?|recs?|csib|scrutiny|inquiry|improvement (?:plan|board))\b")
CODE = re.compile(r"(?<![\d./])(\d{1,2}\.\d{1,2}(?:\.\d{1,2})?)(?![\d./])")
NUMBERED = re.compile(r"\b(?:recommendations?|recs?|number|no\.?)\s*#?\s*(\d{1,2})\b(?![./]\d)")
THEME = re.compile(r"\btheme\s*(\d{1,2})\b")
ASKS_ABOUT_ONE = re.compile(r"\b(status|progress|updates?|latest|news)\b")
# How people ask where one recommendation has got to: answered with its status and latest entry when the words
# find exactly one ("where are we on the caseload recommendation", "what happened to the social worker rec").
ASKS_PROGRESS = re.compile(
    r"\b(status|progress|updates?|latest|news|where are we|where(?:'s| is| has) (?:it|that|the)|what(?:'s)? "
    r"happen(?:ed|ing)|how (?:is|are) .+ (?:going|getting on)|any (?:news|word|movement))\b"
)
CHANGES = re.compile(r"\b(changed?|changes|new|updated?|updates|happened)\b.*\bsince\b|\bsince\b.*\bchanged?\b")
SUMMARY = re.compile(
    r"\b(summary|summari[sz]e|breakdown|table|how many|count|totals?|by theme|by category|overview|overall|"
    r"how (?:are|is) (?:we|it|things|that|the \w+(?: \w+)?) (?:doing|going|getting on)|on track)\b"
)
# Status words no figure is named with: they make a question about recommendations whatever else it names
# ("what is outstanding on looked after children?").
STATUS_ONLY = re.compile(r"\b(still open|outstanding|unresolved|signed off)\b")
# "open" and "closed" also name figures ("CAFs open in JESS"): they count only when no figure or place is named.
STATUS_ASKED = re.compile(r"\b(open|closed)\b")
OPEN_WORDS = ("still open", "outstanding", "not closed", "unresolved", "ongoing", "open", "live")
CLOSED_WORDS = ("closed", "complete", "completed", "done", "finished")
# Words that shape the question rather than say what it is about; everything else must appear in the text.
STOPWORDS = frozenset(
    "a an the of on in for to about with and or not what which who whos whats is are was were be been being has "
    "have had do does did show me list all any give tell please still there their by from at we our us i my it "
    "its that this these those how many much current currently latest now status state stage progress update "
    "updates news recommendation recommendations rec recs action actions item items number no theme themes "
    "category categories summary summarise summarize breakdown table count total totals changed change changes "
    "new since happened updated anything board boards inquiry report reports plan plans scrutiny council leeds "
    "say said held kept under monitoring monitored doing going getting track overview overall things where wheres "
    "whereabouts s happen happening become became".split()
)
# The words of a date ("since March 2011", "in the last month"), read as the date, not searched for.
DATE_WORDS = frozenset(
    "january february march april may june july august september october november december jan feb mar apr jun "
    "jul aug sep sept oct nov dec year years month months week weeks day days last ago today yesterday meeting".split()
)
# A status whose name is an everyday word ("Other") is only read from a longer phrase ("other body").
EVERYDAY = frozenset({"other", "open", "final", "new", "all", "any"})


class Kind(StrEnum):
    LIST = "list"
    ONE = "one"
    SUMMARY = "summary"
    CHANGES = "changes"


@dataclass(frozen=True)
class Vocabulary:
    """What the store holds that questions name: the plans (with their words), statuses and codes."""

    plans: tuple[PlanInfo, ...]
    statuses: tuple[StatusInfo, ...]
    codes: tuple[CodeRef, ...]

    def plan(self, key: str) -> PlanInfo:
        return next(plan for plan in self.plans if plan.key == key)

    def statuses_of(self, plan_keys: tuple[str, ...]) -> tuple[StatusInfo, ...]:
        vocabularies = {plan.vocabulary for plan in self.plans if not plan_keys or plan.key in plan_keys}
        return tuple(status for status in self.statuses if status.vocabulary in vocabularies)


@dataclass(frozen=True)
class RecAsk:
    """A question read: what kind of answer, which recommendations, and the words it was read from."""

    kind: Kind
    wanted: RecFilter = field(default_factory=RecFilter)
    code: str | None = None
    since: date | None = None
    since_words: str = ""  # "Mar 2011"; set with no `since` when the date could not be read
    plan_words: tuple[str, ...] = ()
    progress: bool = False  # asks where things have got to: one match is answered in full


def is_about(text: str, *, figures_named: bool) -> bool:
    """Whether a question is about recommendations. A recommendation's code alone ("2.4.1") or with "status"
    counts; "what changed since March 2011?" counts only when it names no figure or place."""
    lowered = text.lower()
    if TRIGGER.search(lowered) or STATUS_ONLY.search(lowered):
        return True
    code = CODE.search(lowered)
    if code and (code.group(0) == lowered.strip(" ?.!") or ASKS_ABOUT_ONE.search(lowered)):
        return True
    return not figures_named and bool(CHANGES.search(lowered) or STATUS_ASKED.search(lowered))


def read(text: str, vocabulary: Vocabulary, today: date) -> RecAsk:
    lowered = text.lower()
    words = normalise(lowered)
    plan_keys, plan_words = plans_named(words, vocabulary.plans)
    code = _code(lowered)
    theme = THEME.search(lowered)
    statuses, is_open = _statuses(words, vocabulary.statuses_of(plan_keys), plan_words)
    wanted = RecFilter(
        plans=plan_keys,
        theme=int(theme.group(1)) if theme else None,
        statuses=statuses,
        is_open=is_open,
        words=_free_words(words, vocabulary, plan_words, statuses),
    )
    since, since_words = _since(text, today) if re.search(r"\bsince\b", lowered) else (None, "")
    if since_words:
        return RecAsk(Kind.CHANGES, wanted, None, since, since_words, plan_words)
    if SUMMARY.search(lowered) and code is None:
        return RecAsk(Kind.SUMMARY, wanted, plan_words=plan_words)
    if code is not None:
        return RecAsk(Kind.ONE, wanted, code, plan_words=plan_words)
    return RecAsk(Kind.LIST, wanted, plan_words=plan_words, progress=bool(ASKS_PROGRESS.search(lowered)))


def _code(lowered: str) -> str | None:
    dotted = CODE.search(lowered)
    if dotted:
        return dotted.group(1)
    numbered = NUMBERED.search(lowered)
    return numbered.group(1) if numbered else None


def plans_named(words: str, plans: tuple[PlanInfo, ...]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The plans the words name, and the phrases that named them. A plan named by more of its phrases wins
    ("safeguarding inquiry interim report" is the interim report, "safeguarding inquiry" either report)."""
    scores: dict[str, int] = {}
    phrases: list[str] = []
    for plan in plans:
        found = [phrase for phrase in plan.words if _has(words, phrase)]
        if found:
            scores[plan.key] = sum(len(phrase.split()) for phrase in found)
            phrases += found
    if not scores:
        return (), ()
    best = max(scores.values())
    return tuple(key for key, score in scores.items() if score == best), tuple(dict.fromkeys(phrases))


def _statuses(
    words: str, statuses: tuple[StatusInfo, ...], plan_words: tuple[str, ...]
) -> tuple[tuple[str, ...], bool | None]:
    """Statuses named ("CSIB", "stage 4", "other body") and whether only open or only closed ones are wanted."""
    named = tuple(
        dict.fromkeys(
            status.code for status in statuses if any(_has(words, phrase) for phrase in _phrases(status, plan_words))
        )
    )
    stripped = words
    for status in statuses:
        for phrase in _phrases(status, plan_words):
            stripped = _without(stripped, phrase)
    if any(_has(stripped, phrase) for phrase in OPEN_WORDS):
        return named, True
    if any(_has(stripped, phrase) for phrase in CLOSED_WORDS):
        return named, False
    return named, None


def _phrases(status: StatusInfo, plan_words: tuple[str, ...]) -> set[str]:
    """How a question may name a status: its code (a number as "stage 3"), its label (without the number),
    its short label, and its description's first clause ("monitoring by other accountable body")."""
    code = normalise(status.code)
    label = re.sub(r"^\d+\s*", "", normalise(status.label))
    found = {f"stage {code}" if code.isdigit() else code, label, normalise(status.short_label)}
    found.add(normalise(re.split(r"[,.]", status.description)[0]))
    return {phrase for phrase in found if phrase and phrase not in EVERYDAY and phrase not in plan_words}


def _free_words(
    words: str, vocabulary: Vocabulary, plan_words: tuple[str, ...], statuses: tuple[str, ...]
) -> tuple[str, ...]:
    left = words
    for phrase in plan_words:
        left = _without(left, phrase)
    for status in vocabulary.statuses:
        if status.code in statuses:
            for phrase in _phrases(status, plan_words):
                left = _without(left, phrase)
    for phrase in (*OPEN_WORDS, *CLOSED_WORDS):
        left = _without(left, phrase)
    kept = [
        stem(word) for word in left.split() if word not in STOPWORDS and word not in DATE_WORDS and not word.isdigit()
    ]
    return tuple(dict.fromkeys(word for word in kept if len(word) > 2))


def stem(word: str) -> str:
    """A plural's singular, near enough for a substring search: caseloads -> caseload, policies -> polic; a
    doer's work: social workers -> social work (recommendations say "social work service" as often)."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3]
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 5 and word.endswith("er"):
        return word[:-2]
    return word


def _since(text: str, today: date) -> tuple[date | None, str]:
    period, _problems = period_named(text, today)
    if period is None:
        return None, "that date"
    return period.start, period.description.removeprefix("since ")


def _has(words: str, phrase: str) -> bool:
    return f" {phrase} " in f" {words} "


def _without(words: str, phrase: str) -> str:
    return f" {words} ".replace(f" {phrase} ", " ").strip()
