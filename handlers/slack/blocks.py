"""Block Kit: pure functions from the core's Cards to Slack payloads, within Slack's limits.

Cards are plain text; this is the one place Slack's mrkdwn is written, so stored text is escaped here."""

from __future__ import annotations

import re
from typing import Any

from bot.conversation.model import Card, CardSection, Choice
from handlers.slack.contract import ASK_ACTION, HOME_AREAS_ACTION

MAX_BLOCKS = 50
HEADER_LIMIT = 150
SECTION_LIMIT = 3000
FIELD_LIMIT = 2000
FIELDS_PER_SECTION = 10
BUTTON_TEXT_LIMIT = 75
BUTTON_VALUE_LIMIT = 2000
BUTTONS_PER_ACTIONS = 25
FALLBACK_LIMIT = 3900
MAX_HOME_OPTIONS = 100

Block = dict[str, Any]


# What escape() writes: a cut may fall before or after one of these, never inside.
_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_LONGEST_ENTITY = len("&amp;")


def clip(text: str, limit: int) -> str:
    """At most `limit` characters, ending "…" when cut. Escaped text is cut at an entity's edge, never inside
    one: half an "&amp;" would show the reader a stray "&am"."""
    if len(text) <= limit:
        return text
    cut = limit - 1
    start = text.rfind("&", max(0, cut - _LONGEST_ENTITY + 1), cut)
    entity = _ENTITY.match(text, start) if start != -1 else None
    if entity is not None and entity.end() > cut:
        cut = start
    return text[:cut] + "…"


def escape(text: str) -> str:
    """Slack's three control characters, so stored text can never become a mention or a link."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": clip(text, limit), "emoji": True}


def mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": clip(text, limit)}


def fallback_text(card: Card) -> str:
    """The plain text Slack shows in notifications and to screen readers."""
    return clip(escape(card.text), FALLBACK_LIMIT)


def card_blocks(card: Card) -> list[Block]:
    blocks: list[Block] = [_title(card)]
    if card.lines:
        blocks.append({"type": "section", "text": mrkdwn(escape("\n".join(card.lines)))})
    blocks += [_section_block(section) for section in card.sections]
    fields = [mrkdwn(f"*{escape(f.label)}*\n{escape(f.value)}", FIELD_LIMIT) for f in card.figures]
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        blocks.append({"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]})
    blocks += _buttons(card.choices, "choice")
    blocks += _buttons(card.follow_ups, "next")
    if card.context:
        blocks.append({"type": "context", "elements": [mrkdwn(escape(card.context))]})
    return blocks[:MAX_BLOCKS]


def _title(card: Card) -> Block:
    if card.prominent and len(card.title) <= HEADER_LIMIT:
        return {"type": "header", "text": plain(card.title, HEADER_LIMIT)}
    # A one-line note reads as a message; a title over more content is bold.
    is_note = not (card.lines or card.sections or card.figures or card.choices)
    return {"type": "section", "text": mrkdwn(escape(card.title) if is_note else f"*{escape(card.title)}*")}


def _section_block(section: CardSection) -> Block:
    title = f"*{escape(section.title)}*" if section.level == 1 else f"_{escape(section.title)}_"
    return {"type": "section", "text": mrkdwn("\n".join([title, *map(escape, section.lines)]))}


def _buttons(choices: tuple[Choice, ...], kind: str) -> list[Block]:
    elements = [
        {
            "type": "button",
            "action_id": f"{ASK_ACTION}_{kind}_{index}",
            "text": plain(choice.label, BUTTON_TEXT_LIMIT),
            "value": clip(choice.question, BUTTON_VALUE_LIMIT),
        }
        for index, choice in enumerate(choices[:BUTTONS_PER_ACTIONS])
    ]
    return [{"type": "actions", "elements": elements}] if elements else []


def home_view(choices: list[tuple[str, str]], chosen: list[str], summaries: list[Card]) -> dict[str, Any]:
    """The App Home tab: pick areas, then their latest key figures."""
    options = {code: {"text": plain(name, 75), "value": code} for code, name in choices[:MAX_HOME_OPTIONS]}
    picker: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": HOME_AREAS_ACTION,
        "placeholder": plain("Choose areas", 150),
        "options": list(options.values()),
        "max_selected_items": 5,
    }
    initial = [options[code] for code in chosen if code in options]
    if initial:
        picker["initial_options"] = initial
    blocks: list[Block] = [
        {"type": "header", "text": plain("Your areas", HEADER_LIMIT)},
        {
            "type": "section",
            "text": mrkdwn("Choose the areas you follow; their latest key figures appear below."),
            "accessory": picker,
        },
    ]
    if not summaries:
        blocks.append({"type": "context", "elements": [mrkdwn("No areas chosen yet.")]})
    for summary in summaries:
        blocks.append({"type": "divider"})
        body = escape("\n".join([*summary.lines, *_section_lines(summary.sections)]))
        blocks.append({"type": "section", "text": mrkdwn(f"*{escape(summary.title)}*\n{body}")})
        if summary.context:
            blocks.append({"type": "context", "elements": [mrkdwn(escape(summary.context))]})
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}


def _section_lines(sections: tuple[CardSection, ...]) -> list[str]:
    return [line for section in sections for line in (section.title, *section.lines)]
