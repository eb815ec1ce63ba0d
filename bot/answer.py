"""The answer to a question, ready to be rendered for Slack, Teams or a terminal."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any

from charts.specs import ChartSpec


class Status(StrEnum):
    ANSWER = "answer"
    CLARIFY = "clarify"
    NOT_UNDERSTOOD = "not_understood"
    NO_DATA = "no_data"
    HELP = "help"


@dataclass(frozen=True)
class FactView:
    """One figure as stated in an answer; role says why it is there (asked, previous, comparator...)."""

    role: str
    indicator: str
    indicator_name: str
    measure: str
    geography: str
    geography_name: str
    geography_type: str
    period_start: date
    period_end: date
    period_label: str
    period_display: str
    value: float | None
    display: str
    source: str
    hand_set: bool = False  # set by an officer, not read from a file or report

    def to_json(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "indicator": self.indicator,
            "indicator_name": self.indicator_name,
            "measure": self.measure,
            "geography": self.geography,
            "geography_name": self.geography_name,
            "geography_type": self.geography_type,
            "period_start": self.period_start.isoformat(),
            "period_end": self.period_end.isoformat(),
            "period_label": self.period_label,
            "period_display": self.period_display,
            "value": self.value,
            "display": self.display,
            "source": self.source,
        }


@dataclass(frozen=True)
class Option:
    """A choice offered back to the user: a button in chat, a suggestion in the terminal."""

    label: str
    question: str


@dataclass(frozen=True)
class Section:
    """A titled group of lines, such as one theme of an overview. The title is plain text: each renderer
    decides how a heading looks (bold in Slack, a TextBlock in Teams, a plain line in a terminal).
    level 2 is a section inside the level-1 section before it."""

    title: str
    lines: tuple[str, ...] = ()
    level: int = 1

    def to_json(self) -> dict[str, Any]:
        return {"title": self.title, "lines": list(self.lines), "level": self.level}


def flatten(sections: tuple[Section, ...]) -> tuple[str, ...]:
    """Sections as plain lines, each title followed by its lines: an answer's sentences when it has sections."""
    return tuple(line for section in sections for line in (section.title, *section.lines))


@dataclass(frozen=True)
class Answer:
    status: Status
    headline: str
    sentences: tuple[str, ...] = ()
    reading: str = ""
    facts: tuple[FactView, ...] = ()
    options: tuple[Option, ...] = ()
    follow_ups: tuple[Option, ...] = ()
    chart: ChartSpec | None = None
    sources: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    # The same body as `sentences`, grouped under headings, for renderers that can show structure.
    sections: tuple[Section, ...] = ()

    @property
    def text(self) -> str:
        """The whole answer as plain text: the chat fallback and the terminal output."""
        lines = [self.headline, *self.sentences]
        if self.options:
            lines += [f"  • {option.label}" for option in self.options]
        lines += list(self.notes)
        if self.sources:
            lines.append("Source: " + "; ".join(self.sources))
        if self.reading:
            lines.append(f"Read as: {self.reading}")
        return "\n".join(line for line in lines if line)

    def to_json(self, chart_path: str | None = None) -> dict[str, Any]:
        return {
            "status": self.status.value,
            "text": self.text,
            "headline": self.headline,
            "reading": self.reading,
            "facts": [fact.to_json() for fact in self.facts],
            "options": [{"label": option.label, "question": option.question} for option in self.options],
            "follow_ups": [{"label": option.label, "question": option.question} for option in self.follow_ups],
            "sections": [section.to_json() for section in self.sections],
            "chart": chart_path,
        }
