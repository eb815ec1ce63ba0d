"""Reading an officer's recommendation command, for every platform:

    status [PLAN] CODE STATUS [note...]     status 2.1.5 Closed actions complete
    update [PLAN] CODE "LABEL: text"        update 1 "March 2011 update: ..."  (update interim 1 "...")

PLAN is any of the words the plan is known by ("interim", "untitled tables", "improvement plan"), needed only where
a code is in more than one plan. A status is read from the plan's own vocabulary: its code ("CSIB", "4"), its
label, or "stage 4"."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from datetime import date

from bot.figures.language.understanding import period_named
from bot.figures.updates.reading import QUOTES
from bot.recommendations.reading import plans_named
from data.recommendations import PlanInfo, StatusInfo
from data.text import normalise

CODE = re.compile(r"^\d{1,2}(\.\d{1,2}){0,2}$")
LABEL_MAX = 80
USAGE = (
    'Use /rec status CODE STATUS [note], e.g. /rec status 2.1.5 Closed, or /rec update CODE "LABEL: text", '
    'e.g. /rec update 1 "March 2011 update: ...".'
)


@dataclass(frozen=True)
class RecRequest:
    """What the officer typed, split up: which recommendation, and the words after its code."""

    plan_words: str
    code: str
    rest: tuple[str, ...]


@dataclass(frozen=True)
class Entry:
    """A dated entry read from "LABEL: text": its label, the day or month it is about, and its text."""

    label: str
    dated: date
    precision: str
    text: str


def parse(text: str) -> RecRequest | str:
    """The request, or what is wrong with it in one line."""
    lexer = shlex.shlex(text.translate(QUOTES), posix=True)
    lexer.quotes = '"'  # an apostrophe in a note ("the Board's view") is just a letter
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return f"A quotation mark isn't closed. {USAGE}"
    at = next((index for index, token in enumerate(tokens) if CODE.match(token)), None)
    if at is None:
        return f"Which recommendation? Give its number. {USAGE}"
    return RecRequest(" ".join(tokens[:at]), tokens[at], tuple(tokens[at + 1 :]))


def plan_keys(request: RecRequest, plans: tuple[PlanInfo, ...]) -> tuple[str, ...] | str:
    """The plans the request's plan words name (none given: every plan), or why they name none."""
    if not request.plan_words:
        return ()
    keys, _phrases = plans_named(normalise(request.plan_words), plans)
    return keys or f"I don't know a plan called “{request.plan_words}”."


def status_named(rest: tuple[str, ...], statuses: tuple[StatusInfo, ...]) -> tuple[StatusInfo, str] | None:
    """The status the words after the code begin with (the longest match wins), and the rest as the note."""
    for length in range(len(rest), 0, -1):
        typed = normalise(" ".join(rest[:length]))
        for status in statuses:
            if typed in _names(status):
                return status, " ".join(rest[length:]).strip()
    return None


def entry(rest: tuple[str, ...], today: date) -> Entry:
    """ "March 2011 update: text" -> an entry about Mar 2011. Without a label (or one too long to be one), the
    entry is "Update" about today. A label naming a month or a day dates the entry by it."""
    typed = " ".join(rest).strip()
    label, colon, body = typed.partition(":")
    if not colon or not label.strip() or len(label.strip()) > LABEL_MAX:
        return Entry("Update", today, "day", typed)
    window, problems = period_named(label, today)
    dated, precision = today, "day"
    if window is not None and not problems and not window.since:
        if window.start == window.end:
            dated, precision = window.start, "day"
        elif window.start.day == 1 and (window.start.year, window.start.month) == (window.end.year, window.end.month):
            dated, precision = window.start, "month"
    return Entry(label.strip(), dated, precision, body.strip())


def _names(status: StatusInfo) -> set[str]:
    code = normalise(status.code)
    return {code, f"stage {code}", normalise(status.label), normalise(status.short_label)}
