"""Reading an officer's update: `CPP_COUNT JESS 2013-06-30 151` or `"CP plans" JESS 30/6/13 151 note...`,
a form's fields or a CSV row, into one figure to write, or the reasons (by field) it can't be.

Indicators and places are read the way questions are (bot.figures.language: understanding and places), so an
officer can write what a councillor would ask; store codes always work too.
"""

from __future__ import annotations

import math
import re
import shlex
from dataclasses import dataclass
from datetime import date

from bot.figures.language.lexicon import Lexicon
from bot.figures.language.places import choose_indicator, choose_place
from bot.figures.language.understanding import period_named, understand
from data.figures.changes import ProposedFigure
from data.figures.periods import Period, calendar_year, financial_year, month, snapshot
from data.figures.validation import MAX_TEXT_CHARS, period_problem, text_problem, value_problem

# The suppression symbols an officer may enter instead of a number (as the DfE publishes them).
SYMBOLS = ("c", "x", "z", "u", "low", "k")
STATUSES = ("final", "provisional")
ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
QUOTES = str.maketrans({"\u201c": '"', "\u201d": '"'})  # Slack turns double quotes curly


@dataclass(frozen=True)
class UpdateRequest:
    """What the officer typed, field by field, before it is understood."""

    indicator: str
    area: str
    period: str
    value: str
    note: str = ""
    status: str = "final"
    line: int | None = None


@dataclass(frozen=True)
class FieldError:
    field: str  # indicator, area, period, value, status, note or request
    message: str


@dataclass(frozen=True)
class Reading:
    """A request understood: the figure it would write and how it was read, in words."""

    figure: ProposedFigure
    reading: str
    unit: str


USAGE = "Write it as: INDICATOR AREA PERIOD VALUE [note], e.g. CPP_COUNT JESS 2013-06-30 151"


def parse_command(text: str) -> UpdateRequest | FieldError:
    """`"CP plans" JESS 30/6/13 151 checked with the team`: quoted words stay together; the rest is a note."""
    # Only double quotes group words: an apostrophe in a note ("the team's count") is just a letter.
    lexer = shlex.shlex(text.translate(QUOTES), posix=True)
    lexer.quotes = '"'
    lexer.whitespace_split = True
    lexer.commenters = ""
    try:
        tokens = list(lexer)
    except ValueError:
        return FieldError("request", f"A quotation mark isn't closed. {USAGE}")
    return parse_tokens(tokens)


def parse_tokens(tokens: list[str]) -> UpdateRequest | FieldError:
    if len(tokens) < 4:
        return FieldError("request", f"That needs an indicator, an area, a period and a value. {USAGE}")
    indicator, area, period, value, *note = tokens
    return UpdateRequest(indicator, area, period, value, " ".join(note))


def read_request(request: UpdateRequest, lexicon: Lexicon, today: date) -> Reading | tuple[FieldError, ...]:
    """Every field is checked, so a form can show all its errors at once."""
    errors: list[FieldError] = []
    indicator = _indicator(request.indicator, request.area, lexicon, today)
    if isinstance(indicator, FieldError):
        errors.append(indicator)
    area = _area(request.area, indicator if isinstance(indicator, str) else None, lexicon, today)
    if isinstance(area, FieldError):
        errors.append(area)
    period = read_period(request.period, today)
    if isinstance(period, FieldError):
        errors.append(period)
    unit = lexicon.indicators[indicator].unit if isinstance(indicator, str) else ""
    value = read_value(request.value, unit)
    if isinstance(value, FieldError):
        errors.append(value)
    status = request.status.strip().lower() or "final"
    if status not in STATUSES:
        errors.append(FieldError("status", f"Status must be final or provisional, not “{request.status}”."))
    note = read_note(request.note)
    if note:
        errors.append(note)
    if errors:
        return tuple(errors)
    assert isinstance(indicator, str) and isinstance(area, str)
    assert isinstance(period, Period) and not isinstance(value, FieldError)
    number, symbol, decimals = value
    figure = ProposedFigure(
        indicator=indicator,
        geography=area,
        period_start=period.start,
        period_end=period.end,
        period_kind=period.kind.value,
        value=number,
        symbol=symbol,
        decimals=decimals,
        status=status,
        note=request.note.strip() or None,
        line=request.line,
    )
    info = lexicon.indicators[indicator]
    reading = f"{info.short_name} [{indicator}], {lexicon.geographies[area].name}, {period.display}"
    return Reading(figure, reading, info.unit)


def _indicator(text: str, area: str, lexicon: Lexicon, today: date) -> str | FieldError:
    code = text.strip().upper()
    if code in lexicon.indicators:
        return code
    mentions = understand(text, lexicon, today).indicators if text.strip() else ()
    if not mentions:
        return FieldError("indicator", f"I don't know a figure called “{text}”. Try its code, e.g. CPP_COUNT.")
    place = _area(area, None, lexicon, today)
    return choose_indicator(mentions[0], lexicon, place if isinstance(place, str) else None)


def _area(text: str, indicator: str | None, lexicon: Lexicon, today: date) -> str | FieldError:
    by_code = {code.lower(): code for code in lexicon.geographies}
    if text.strip().lower() in by_code:
        return by_code[text.strip().lower()]
    places = understand(text, lexicon, today).places if text.strip() else ()
    if not places:
        return FieldError("area", f"I don't know a place called “{text}”. Try its name or code, e.g. JESS.")
    choice = choose_place(places[0], lexicon, (indicator,) if indicator else (), today)
    if choice.tied:
        names = " or ".join(f"{lexicon.geographies[code].name} ({code})" for code in choice.tied[:3])
        return FieldError("area", f"“{text}” could mean {names}: use the code.")
    return choice.code


def read_period(text: str, today: date) -> Period | FieldError:
    """A day is a snapshot (2013-06-30, 30/6/13); 2012/13 a financial year; Mar 2013 a month; 2013 a year."""
    period = _period(text.strip(), today)
    if period is None:
        return FieldError("period", f"I can't read “{text}” as a period. Try 2013-06-30, 30/6/13 or 2012/13.")
    problem = period_problem(period, today)
    return FieldError("period", sentence(problem)) if problem else period


def _period(text: str, today: date) -> Period | None:
    try:
        iso = ISO_DAY.match(text)
        if iso:
            return snapshot(date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3))))
        window, problems = period_named(text, today)
        if problems or window is None or window.since:
            return None
        if window.start == window.end:
            return snapshot(window.start)
        if window.kinds:  # 2012/13
            return financial_year(window.start.year - 1)
        if (window.start.month, window.start.day, window.end.month, window.end.day) == (1, 1, 12, 31):
            return calendar_year(window.start.year)
        if window.start.year == window.end.year and window.start.month == window.end.month:
            return month(window.start.year, window.start.month)
    except ValueError:  # 31/2/13 and the like
        return None
    return None


def read_value(text: str, unit: str) -> tuple[float | None, str | None, int | None] | FieldError:
    """(value, symbol, decimals as typed). The unit's bounds are the ones every import path applies
    (data.figures.validation): counts whole and not negative, percentages 0 to 100, rates per 10,000 within reason."""
    typed = text.strip().lower()
    if typed in SYMBOLS:
        return None, typed, None
    cleaned = typed.replace(",", "").removesuffix("%").strip()
    if not NUMBER.match(cleaned) or not math.isfinite(float(cleaned)):
        symbols = ", ".join(SYMBOLS)
        return FieldError("value", f"“{text}” is not a number (or one of the symbols {symbols}).")
    number = float(cleaned)
    decimals = len(cleaned.partition(".")[2])
    # "15.0" typed for a count is not whole either: the typed places count, not just the value.
    problem = value_problem(number, unit, decimals=decimals)
    return FieldError("value", sentence(problem)) if problem else (number, None, decimals)


def read_note(text: str) -> FieldError | None:
    """A note the store can hold (it is also the figure's quotation): not a pasted file, no NUL."""
    problem = text_problem("the note", text.strip(), MAX_TEXT_CHARS)
    return FieldError("note", sentence(problem) + " Shorten it and send it again.") if problem else None


def sentence(reason: str) -> str:
    """A shared rule's reason (lower case, no full stop) as a sentence for the officer."""
    return f"{reason[0].upper()}{reason[1:]}."
