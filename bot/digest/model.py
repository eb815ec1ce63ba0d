"""A committee digest as plain data: sections of report bullets, the figures behind them and their charts.

Rendered three ways from the same data: a Card (chat), plain text and Markdown (the CLI's --out), JSON."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from bot.conversation.model import Card, CardSection
from charts.specs import ChartSpec
from data.figures.periods import uk_date

SUPPORT_NOTE = "Note from the area support team: "


@dataclass(frozen=True)
class DigestFact:
    """One figure a bullet states, with how old it is at the meeting."""

    indicator: str
    geography: str
    geography_name: str
    period_end: date
    period_label: str
    value: float | None
    display: str
    source: str
    role: str  # latest, previous, city
    months_old: int
    stale: bool
    change_set: int | None = None  # the officer's change set that set it by hand; None: from a file or report
    period_kind: str = "snapshot"  # a count on a day, or a total over the period ("range")

    def to_json(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "geography": self.geography,
            "geography_name": self.geography_name,
            "period_end": self.period_end.isoformat(),
            "period_label": self.period_label,
            "value": self.value,
            "display": self.display,
            "source": self.source,
            "role": self.role,
            "months_old": self.months_old,
            "stale": self.stale,
        }


@dataclass(frozen=True)
class Bullet:
    indicator: str
    text: str
    facts: tuple[DigestFact, ...]
    chart: ChartSpec | None = None


@dataclass(frozen=True)
class DigestSection:
    title: str
    bullets: tuple[Bullet, ...]
    note: str = ""

    @property
    def lines(self) -> tuple[str, ...]:
        return (*(bullet.text for bullet in self.bullets), *((self.note,) if self.note else ()))

    @property
    def text(self) -> str:
        return "\n".join(f"- {line}" for line in self.lines)

    @property
    def facts(self) -> tuple[DigestFact, ...]:
        return tuple(fact for bullet in self.bullets for fact in bullet.facts)


@dataclass(frozen=True)
class Digest:
    committee: str
    committee_short: str
    meeting: date
    title: str
    intro: tuple[str, ...]
    sections: tuple[DigestSection, ...]
    sources: tuple[str, ...]
    charts: tuple[ChartSpec, ...] = field(default=())

    @property
    def facts(self) -> tuple[DigestFact, ...]:
        return tuple(fact for section in self.sections for fact in section.facts)

    def with_note(self, note: str | None) -> Digest:
        """The area support team's note (added from the preview) at the top, before everything else."""
        if not note:
            return self
        return replace(self, intro=(f"{SUPPORT_NOTE}{note}", *self.intro))

    @property
    def text(self) -> str:
        parts = [self.title, *self.intro]
        for section in self.sections:
            parts += ["", section.title, section.text]
        if self.sources:
            parts += ["", "Sources: " + "; ".join(self.sources)]
        return "\n".join(parts)

    def markdown(self, chart_files: tuple[str, ...] = ()) -> str:
        parts = [f"# {self.title}", "", *self.intro]
        for section in self.sections:
            parts += ["", f"## {section.title}", "", section.text]
        for name in chart_files:
            parts += ["", f"![{name}]({name})"]
        if self.sources:
            parts += ["", "Sources: " + "; ".join(self.sources)]
        return "\n".join(parts) + "\n"

    def card(self, *, late_note: str = "") -> Card:
        lines = (*self.intro, *((late_note,) if late_note else ()))
        return Card(
            title=self.title,
            prominent=True,
            lines=lines,
            sections=tuple(CardSection(section.title, section.lines) for section in self.sections),
            context="Sources: " + "; ".join(self.sources) if self.sources else "",
            fallback=self.text if not late_note else f"{self.text}\n{late_note}",
        )

    def to_json(self, chart_paths: dict[int, str] | None = None) -> dict[str, Any]:
        paths = chart_paths or {}
        return {
            "committee": self.committee,
            "meeting": self.meeting.isoformat(),
            "sections": [
                {
                    "title": section.title,
                    "text": section.text,
                    "facts": [fact.to_json() for fact in section.facts],
                    "chart": _section_chart(section, self.charts, paths),
                }
                for section in self.sections
            ],
            "text": self.text,
        }


def _section_chart(section: DigestSection, charts: tuple[ChartSpec, ...], paths: dict[int, str]) -> str | None:
    """The first of the digest's charts drawn for this section: its file when written, else its title."""
    for bullet in section.bullets:
        if bullet.chart is not None and bullet.chart in charts:
            index = charts.index(bullet.chart)
            return paths.get(index, bullet.chart.title)
    return None


def meeting_title(committee: str, meeting: date) -> str:
    return f"{committee}: children's services figures for the meeting of {uk_date(meeting)}"
