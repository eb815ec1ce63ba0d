"""Follow-ups in a thread: "and 2022?", "how does that compare to england", "what about bcm?", "and the rate?"
read with the last question's measure, place and period, each part replaced only by what the follow-up says.

A question is a follow-up only when it cannot stand alone: it names neither a figure nor a place ("and 2022?",
"the rate?"), or it names one of them and points back ("what about bcm?", "same for Beeston", "cp plans
there?"), or it compares with nothing ("vs england"). A question naming both a figure and a place is answered
as itself, whatever thread it is in. Words we don't know ("what about crime?") keep a question standing alone:
carrying the last figure over them would answer something not asked.

No database and no chat platform here: the caller keeps each thread's last question (as `to_json`) and says
which one, if any, came before.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from bot.figures.language.periods import PeriodAsk
from bot.figures.language.understanding import TREND_WORDS, Intent, Mention, Question
from data.figures.catalogue import LEEDS
from data.text import normalise

# How a follow-up starts ("and 2022?", "what about bcm?", "same for Beeston", "ok, and in 2012").
OPENER = re.compile(
    r"^(?:(?:ok|okay|right|thanks|great|so|and|but|then|also|now)\b[\s,]*)*"
    r"(?:and|but|so|also|then|what about|how about|what of|how does that|how do they|same)\b"
)
# Words that point back at the last answer ("what was it in 2010", "how does that compare", "cp plans there?").
POINTER = re.compile(r"\b(?:it|its|that|thats|this|those|these|same|again|too|also|instead)\b")
# ... and at the last place ("cp plans there?"): only where the follow-up names no place of its own.
PLACE_POINTER = re.compile(r"\b(?:there|they|them|their)\b")
# Words a follow-up may hold that understanding does not know and that say nothing about the figure.
FILLERS = frozenset(
    "same again ok okay right thanks great so but then also too instead just one ones please now "
    "higher lower bigger smaller more less count counts total percentage percent proportion end start".split()
)
# The city, which a question naming no place is about, as a place a follow-up can compare with England (the
# default; briefbot passes the home council it serves: Answerer.home_named).
LEEDS_NAMED = Mention("leeds", ((LEEDS, 2),), "leeds")


@dataclass(frozen=True)
class Reading:
    """A follow-up read against the thread's last question: the question to answer, the parts carried over
    ("measure", "place", "period") and, when nothing came before, the parts it lacks ("figure", "place")."""

    question: Question
    carried: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()

    @property
    def follows_on(self) -> bool:
        return bool(self.carried)


def is_follow_up(question: Question) -> bool:
    """True when the question cannot stand alone and reads as pointing back at the last answer."""
    if question.intent is Intent.HELP or _unknown(question):
        return False
    named_figure, named_place = bool(question.indicators), bool(question.places)
    if named_figure and named_place:
        return False
    words = normalise(question.text)
    points_back = bool(OPENER.match(words) or POINTER.search(words))
    if not named_place:
        points_back = points_back or bool(PLACE_POINTER.search(words))
    if not named_figure and not named_place:
        asks_something = question.period is not None or question.measure or question.wants_target
        return bool(asks_something or points_back or _asks_trend(words) or question.compare)
    if named_place:  # "bcm" alone is an overview; "what about bcm?" or "vs england" follows on
        return points_back or question.compare or question.across
    return points_back  # "cp plans" alone is the city's; "what about cp plans?" keeps the place


def read_in_thread(question: Question, previous: Question | None, home: Mention = LEEDS_NAMED) -> Reading:
    """The question as asked, or, for a follow-up, the last question with the follow-up's parts put in
    (`home`: the council a question naming no place was about)."""
    if not is_follow_up(question):
        return Reading(question)
    if previous is None:
        return Reading(question, missing=_missing(question))
    return _carry(question, previous, home)


def _carry(follow: Question, previous: Question, home: Mention) -> Reading:
    words = normalise(follow.text)
    places, across = _places(follow, previous, home)
    period = _period(follow, previous, words)
    trend = _asks_trend(words) or (period is not None and period.since)
    merged = replace(
        follow,
        indicators=follow.indicators or previous.indicators,
        places=places,
        period=period,
        periods=_periods(follow, previous, period),
        compare=follow.compare or (previous.compare and not follow.places),
        across=across,
        wants_target=follow.wants_target or (previous.wants_target and not follow.indicators),
        measure=follow.measure or ("" if follow.indicators else previous.measure),
        unknown_words=(),
    )
    intent = _intent(merged, previous, trend=trend, new_period=follow.period is not None)
    merged = replace(merged, intent=intent, text=standalone_text(replace(merged, intent=intent)))
    return Reading(merged, carried=_carried(follow, previous))


def _places(follow: Question, previous: Question, home: Mention) -> tuple[tuple[Mention, ...], bool]:
    """The follow-up's places: added to the last focus for a comparison ("how does that compare to england"),
    in place of the focus otherwise ("what about bcm?" after "JESS vs Leeds" is BCM vs Leeds)."""
    if not follow.places:
        return previous.places, follow.across or previous.across
    if follow.across:
        return follow.places, True
    before = previous.places or (home,)
    if follow.compare:
        return _distinct((before[0], *follow.places)), False
    if previous.across or len(before) < 2 or len(follow.places) > 1:
        return follow.places, False
    return _distinct((follow.places[0], *before[1:])), False


def _period(follow: Question, previous: Question, words: str) -> PeriodAsk | None:
    if follow.period is not None:
        return follow.period
    if _asks_trend(words) and previous.period is not None and not previous.period.since:
        return None  # "and the trend?" after "NEET in JESS 2012": the whole series, not one year of it
    return previous.period


def _periods(follow: Question, previous: Question, period: PeriodAsk | None) -> tuple[PeriodAsk, ...]:
    """Both periods of "2012 v 2013" carry over to "what about bcm?"; a follow-up's own period replaces them."""
    if follow.period is not None:
        return follow.periods
    if period is previous.period:
        return previous.periods
    return (period,) if period is not None else ()


def _intent(merged: Question, previous: Question, *, trend: bool, new_period: bool) -> Intent:
    if not merged.indicators:
        return Intent.OVERVIEW
    if len(merged.periods) > 1 and not merged.across:
        return Intent.PERIODS  # "what about bcm?" after "cp plans jess 2012 v 2013": BCM's two figures
    if trend:
        return Intent.TREND
    if merged.compare or merged.across or len(merged.places) > 1:
        return Intent.COMPARE
    if new_period or previous.intent is not Intent.TREND:
        return Intent.VALUE  # "and 2012?" after a trend asks for the figure then
    return Intent.TREND


def _carried(follow: Question, previous: Question) -> tuple[str, ...]:
    carried: list[str] = []
    if not follow.indicators and previous.indicators:
        # "and the rate?" keeps the topic, not the measure: name what was kept ("“cp plans” and place ...").
        carried.append(f"“{previous.indicators[0].phrase}”" if follow.measure else "measure")
    if previous.places and (not follow.places or follow.compare):
        carried.append("place")
    if follow.period is None and previous.period is not None and not _asks_trend(normalise(follow.text)):
        carried.append("period")
    return tuple(carried) or ("question",)


def _missing(question: Question) -> tuple[str, ...]:
    missing = [] if question.indicators else ["figure"]
    if not question.places or (question.compare and not question.indicators):
        missing.append("place")
    return tuple(missing)


def _unknown(question: Question) -> bool:
    return any(word not in FILLERS for word in question.unknown_words)


def _asks_trend(words: str) -> bool:
    padded = f" {words} "
    return any(f" {phrase} " in padded for phrase in TREND_WORDS)


def _distinct(mentions: tuple[Mention, ...]) -> tuple[Mention, ...]:
    seen: dict[tuple[tuple[str, int], ...], Mention] = {}
    for mention in mentions:
        seen.setdefault(mention.candidates, mention)
    return tuple(seen.values())


def standalone_text(question: Question) -> str:
    """The question in words that stand alone ("trend neet jess since 2010"), for buttons and the log."""
    figure = " ".join(mention.phrase for mention in question.indicators[:1])
    measure = {"rate": "rate", "count": "number of"}.get(question.measure, "")
    if measure and f" {measure} " in f" {figure} ":
        measure = ""  # "cp rate" says it already
    places = [mention.phrase for mention in question.places]
    where = f"across {places[0]}" if question.across and places else " vs ".join(places)
    parts = [
        "trend" if question.intent is Intent.TREND and not (question.period and question.period.since) else "",
        measure if measure == "number of" else "",
        figure,
        "target" if question.wants_target else "",
        measure if measure == "rate" else "",
        where,
        _period_words(question.period),
    ]
    return " ".join(part for part in parts if part)


def _period_words(period: PeriodAsk | None) -> str:
    if period is None:
        return ""
    if period.since or period.start != period.end:
        return period.description
    return f"{period.start.day}/{period.start.month}/{period.start.year}"


# -- the thread's memory, as JSON the store keeps ------------------------------------------------------------
def to_json(question: Question) -> dict[str, Any]:
    return {
        "text": question.text,
        "intent": question.intent.value,
        "indicators": [_mention_json(mention) for mention in question.indicators],
        "places": [_mention_json(mention) for mention in question.places],
        "period": _period_json(question.period),
        "periods": [_period_json(each) for each in question.periods],
        "compare": question.compare,
        "across": question.across,
        "wants_target": question.wants_target,
        "measure": question.measure,
    }


def _period_json(period: PeriodAsk | None) -> dict[str, Any] | None:
    if period is None:
        return None
    return {
        "start": period.start.isoformat(),
        "end": period.end.isoformat(),
        "description": period.description,
        "kinds": sorted(period.kinds) if period.kinds is not None else None,
        "since": period.since,
    }


def _period_from(data: dict[str, Any]) -> PeriodAsk:
    return PeriodAsk(
        start=date.fromisoformat(data["start"]),
        end=date.fromisoformat(data["end"]),
        description=str(data["description"]),
        kinds=None if data.get("kinds") is None else frozenset(data["kinds"]),
        since=bool(data.get("since")),
    )


def from_json(data: dict[str, Any]) -> Question:
    period = data.get("period")
    return Question(
        text=str(data["text"]),
        intent=Intent(data["intent"]),
        indicators=tuple(_mention(item) for item in data.get("indicators", ())),
        places=tuple(_mention(item) for item in data.get("places", ())),
        period=None if period is None else _period_from(period),
        # A context kept before two-period questions existed has no "periods": its one period stands alone.
        periods=tuple(_period_from(each) for each in data.get("periods") or ([period] if period else [])),
        compare=bool(data.get("compare")),
        across=bool(data.get("across")),
        wants_target=bool(data.get("wants_target")),
        measure=str(data.get("measure") or ""),
    )


def _mention_json(mention: Mention) -> dict[str, Any]:
    return {"phrase": mention.phrase, "candidates": [list(pair) for pair in mention.candidates], "typed": mention.typed}


def _mention(data: dict[str, Any]) -> Mention:
    candidates = tuple((str(code), int(strength)) for code, strength in data["candidates"])
    return Mention(str(data["phrase"]), candidates, str(data.get("typed") or ""))
