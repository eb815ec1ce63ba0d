"""What each delivery shows, as the core's Cards: the digest, its preview for the area support team (with the
buttons Post now, Skip and Edit note), a councillor's ward briefing and an officer's stale-figure message.

The preview's buttons are Choices whose question is a control ("briefbot-digest post 42"): chat renders them
as it renders any button, and the handlers route a control to bot.digest.preview instead of answering it."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.conversation.model import Card, Choice
from bot.digest.bullets import STALE_MONTHS
from bot.digest.model import Digest, DigestFact
from data.figures.periods import uk_date

CONTROL = "briefbot-digest"
POST, SKIP, NOTE = "post", "skip", "note"
VERBS = (POST, SKIP, NOTE)
LABELS = {POST: "Post now", SKIP: "Skip", NOTE: "Edit note"}
# How an officer updates a figure on each platform (bot.figures.updates reads both).
HOW_TO_UPDATE = {
    "slack": "/indicator set {code} {area} PERIOD VALUE (or /indicator alone for a form)",
    "teams": "set {code} {area} PERIOD VALUE, in a personal chat with me",
}


@dataclass(frozen=True)
class Control:
    """A preview button pressed: what to do, to which preview (its delivery id)."""

    verb: str
    delivery_id: int


def control_text(verb: str, delivery_id: int) -> str:
    return f"{CONTROL} {verb} {delivery_id}"


def read_control(text: str) -> Control | None:
    """The control a button carries, or None for anything else (a question)."""
    words = text.split()
    if len(words) != 3 or words[0] != CONTROL or words[1] not in VERBS or not words[2].isdigit():
        return None
    return Control(words[1], int(words[2]))


def preview_card(digest: Digest, delivery_id: int, *, goes_to: str, due: datetime, status: str = "") -> Card:
    """The digest as it will go out, under a line saying where and when; with the buttons until it is settled
    (`status`: "Posted now by Ana.", "Skipped by Ana.")."""
    card = digest.card()
    when = f"on {uk_date(due.date())} at {due:%H:%M}"
    about = (
        f"Preview for the area support team: this digest goes to {goes_to} {when}. "
        "Post it now, skip it, or add a note to its top."
    )
    first = status or about
    choices = () if status else tuple(Choice(LABELS[verb], control_text(verb, delivery_id)) for verb in VERBS)
    fallback = "\n".join((f"Preview: {card.title}", first, digest.text.split("\n", 1)[-1]))
    return replace(card, title=f"Preview: {card.title}", lines=(first, *card.lines), choices=choices, fallback=fallback)


def stale_card(committee: str, meeting: date, platform: str, stale: list[DigestFact], names: dict[str, str]) -> Card:
    """One officer's message: the figures they look after that the digest flags, and how to update each."""
    lines = [
        f"{names.get(fact.indicator, fact.indicator)}, {fact.geography_name}: latest is {fact.months_old} months old "
        f"({uk_date(fact.period_end) if fact.period_kind == 'snapshot' else fact.period_label})"
        for fact in stale
    ]
    how = HOW_TO_UPDATE.get(platform, HOW_TO_UPDATE["slack"])
    examples = dict.fromkeys(how.format(code=fact.indicator, area=_quoted(fact.geography_name)) for fact in stale)
    title = f"Figures over {STALE_MONTHS} months old in the {committee} digest for {uk_date(meeting)}"
    intro = "The digest flags these as old. If a newer figure exists, please add it before the digest goes out:"
    text = "\n".join([title, intro, *lines, "To update:", *examples])
    return Card(
        title=title,
        lines=(intro, *(f"- {line}" for line in lines), "To update:", *(f"- {example}" for example in examples)),
        fallback=text,
    )


def _quoted(name: str) -> str:
    return f'"{name}"' if " " in name else name
