"""Block Kit for officers' updates: the preview with Confirm / Cancel, the form (a modal), and its steps.

The core decides the words (bot.figures.updates); this only lays them out, escaped, within Slack's limits."""

from __future__ import annotations

from typing import Any

from bot.conversation.model import note_card
from bot.figures.updates import Preview
from handlers.slack.blocks import (
    BUTTON_TEXT_LIMIT,
    FALLBACK_LIMIT,
    SECTION_LIMIT,
    Block,
    card_blocks,
    clip,
    escape,
    fallback_text,
    mrkdwn,
    plain,
)
from handlers.slack.contract import UPDATE_CANCEL_ACTION, UPDATE_CONFIRM_ACTION, UPDATE_CONFIRM_VIEW, UPDATE_FORM_VIEW

MAX_OPTIONS = 100
MAX_ROWS_SHOWN = 40
FORM_FIELDS = ("indicator", "area", "period", "value", "status", "note")


def preview_message(preview: Preview) -> dict[str, Any]:
    """The ephemeral reply to `/indicator set` (or a shared CSV): the rows, then Confirm and Cancel."""
    blocks: list[Block] = [{"type": "section", "text": mrkdwn(escape(preview.headline))}]
    if preview.lines:
        blocks.append({"type": "section", "text": mrkdwn(escape(_rows_text(preview)))})
    if preview.change_set is not None:
        value = str(preview.change_set)
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": UPDATE_CONFIRM_ACTION,
                        "text": plain("Confirm", BUTTON_TEXT_LIMIT),
                        "style": "primary",
                        "value": value,
                    },
                    {
                        "type": "button",
                        "action_id": UPDATE_CANCEL_ACTION,
                        "text": plain("Cancel", BUTTON_TEXT_LIMIT),
                        "value": value,
                    },
                ],
            }
        )
    return {"text": clip(escape("\n".join([preview.headline, *preview.lines])), FALLBACK_LIMIT), "blocks": blocks}


def note_message(text: str) -> dict[str, Any]:
    card = note_card(text)
    return {"text": fallback_text(card), "blocks": card_blocks(card)}


def _rows_text(preview: Preview) -> str:
    lines = list(preview.lines[:MAX_ROWS_SHOWN])
    if len(preview.lines) > MAX_ROWS_SHOWN:
        lines.append(f"…and {len(preview.lines) - MAX_ROWS_SHOWN} more rows")
    counts = [f"{preview.count(kind)} {kind}" for kind in ("new", "changed", "unchanged", "rejected")]
    if len(preview.lines) > 1:
        lines.append("(" + ", ".join(counts) + ")")
    return clip("\n".join(lines), SECTION_LIMIT)


def _select(block_id: str, label: str, choices: list[tuple[str, str]]) -> Block:
    options = [{"text": plain(name, 75), "value": code} for code, name in choices[:MAX_OPTIONS]]
    return {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {"type": "static_select", "action_id": block_id, "options": options},
    }


def _text_input(block_id: str, label: str, hint: str, *, optional: bool = False, multiline: bool = False) -> Block:
    block: Block = {
        "type": "input",
        "block_id": block_id,
        "label": plain(label, 2000),
        "element": {"type": "plain_text_input", "action_id": block_id, "multiline": multiline},
        "hint": plain(hint, 2000),
    }
    if optional:
        block["optional"] = True
    return block


def form_view(indicators: list[tuple[str, str]], areas: list[tuple[str, str]]) -> dict[str, Any]:
    """`/indicator` alone: the form. Selects filter as you type; the server checks every field on submit."""
    statuses = [{"text": plain(word.capitalize(), 75), "value": word} for word in ("final", "provisional")]
    return {
        "type": "modal",
        "callback_id": UPDATE_FORM_VIEW,
        "title": plain("Update a figure", 24),
        "submit": plain("Preview", 24),
        "close": plain("Cancel", 24),
        "blocks": [
            _select("indicator", "Indicator", indicators),
            _select("area", "Area", areas),
            _text_input("period", "Period", "A day (2013-06-30 or 30/6/13), a year (2012/13) or a month (Mar 2013)"),
            _text_input("value", "Value or symbol", "A number, or c, x, z, u, low or k for a suppressed figure"),
            {
                "type": "input",
                "block_id": "status",
                "label": plain("Status", 2000),
                "element": {
                    "type": "radio_buttons",
                    "action_id": "status",
                    "options": statuses,
                    "initial_option": statuses[0],
                },
            },
            _text_input(
                "note", "Note", "Where the figure comes from, or why it changed", optional=True, multiline=True
            ),
        ],
    }


def confirm_view(preview: Preview, note: str = "") -> dict[str, Any]:
    """The form's second step: the preview, with Confirm as the submit button."""
    blocks: list[Block] = []
    if note:
        blocks.append({"type": "context", "elements": [mrkdwn(escape(note))]})
    blocks += preview_message(preview)["blocks"][:2]
    return {
        "type": "modal",
        "callback_id": UPDATE_CONFIRM_VIEW,
        "private_metadata": str(preview.change_set or ""),
        "notify_on_close": True,
        "title": plain("Check and confirm", 24),
        "submit": plain("Confirm", 24),
        "close": plain("Cancel", 24),
        "blocks": blocks,
    }


def done_view(text: str) -> dict[str, Any]:
    return {
        "type": "modal",
        "title": plain("Update a figure", 24),
        "close": plain("Close", 24),
        "blocks": [{"type": "section", "text": mrkdwn(escape(text))}],
    }
