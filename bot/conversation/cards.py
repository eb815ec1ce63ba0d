"""Presentation decided once: an Answer becomes a Card (which facts are key figures, the context line, the
texts of an apology and a chart note). Slack's Block Kit and Teams' Adaptive Cards only translate Cards."""

from __future__ import annotations

from bot.answer import Answer, FactView, Option, Status
from bot.conversation.model import Card, CardSection, Choice, KeyFigure, note_card
from data.figures.periods import uk_date

# Figures a reader came for; previous values and the members behind a group stay in the sentences.
KEY_FIGURE_ROLES = ("asked", "companion", "comparator", "latest", "instead", "related")
MAX_KEY_FIGURES = 20
APOLOGY = "Sorry, something went wrong answering that. Please try again in a moment."
CHART_NOTE = "I couldn't attach the chart this time; the figures above are complete."
BUSY = "Sorry, I'm answering a lot of questions just now. Please ask again in a minute."


def card_for(answer: Answer) -> Card:
    # An answer with sections says its sentences as those sections: show them once, as sections.
    sentences = () if answer.sections else answer.sentences
    return Card(
        title=answer.headline,
        prominent=answer.status is Status.ANSWER,
        lines=(*sentences, *answer.notes),
        sections=tuple(CardSection(section.title, section.lines, section.level) for section in answer.sections),
        # An answer in sections already shows each figure under its heading.
        figures=() if answer.sections else key_figures(answer.facts),
        choices=_choices(answer.options),
        follow_ups=_choices(answer.follow_ups),
        context=context_line(answer),
        fallback=answer.text,
    )


def key_figures(facts: tuple[FactView, ...]) -> tuple[KeyFigure, ...]:
    """Each figure labelled by its place; by its measure too when the figures are of more than one."""
    shown = [fact for fact in facts if fact.role in KEY_FIGURE_ROLES][:MAX_KEY_FIGURES]
    mixed = len({fact.indicator for fact in shown}) > 1
    return tuple(
        KeyFigure(
            f"{fact.geography_name}: {fact.measure}" if mixed else fact.geography_name,
            f"{fact.display}, {fact.period_display}",
        )
        for fact in shown
    )


def context_line(answer: Answer) -> str:
    """Source, as-at date and how the question was read: what lets a reader check the figure."""
    parts = []
    if answer.sources:
        parts.append("Source: " + "; ".join(answer.sources))
    ends = [fact.period_end for fact in answer.facts]
    if ends:
        parts.append(f"As at {uk_date(max(ends))}")
    if answer.reading:
        parts.append(f"Read as: {answer.reading}")
    return "  •  ".join(parts)


def _choices(options: tuple[Option, ...]) -> tuple[Choice, ...]:
    return tuple(Choice(option.label, option.question) for option in options)


def apology_card() -> Card:
    return note_card(APOLOGY)


def chart_note_card() -> Card:
    return note_card(CHART_NOTE)


def busy_card() -> Card:
    return note_card(BUSY)
