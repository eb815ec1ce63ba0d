"""Block Kit builders: pure functions from the core's answers to Slack payloads (within Slack's limits)."""

from __future__ import annotations

from typing import Any

from bot.answers import Answer, FactView, Option, Status
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
KEY_FIGURE_ROLES = ("asked", "companion", "comparator", "latest", "instead", "related")

Block = dict[str, Any]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(text: str, limit: int) -> dict[str, Any]:
    return {"type": "plain_text", "text": _clip(text, limit), "emoji": True}


def _mrkdwn(text: str, limit: int = SECTION_LIMIT) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": _clip(text, limit)}


def fallback_text(answer: Answer) -> str:
    """The plain text Slack shows in notifications and to screen readers."""
    return _clip(answer.text, FALLBACK_LIMIT)


def answer_blocks(answer: Answer) -> list[Block]:
    blocks: list[Block] = []
    if answer.status is Status.ANSWER and len(answer.headline) <= HEADER_LIMIT:
        blocks.append({"type": "header", "text": _plain(answer.headline, HEADER_LIMIT)})
    else:
        blocks.append({"type": "section", "text": _mrkdwn(f"*{answer.headline}*")})
    body = "\n".join([*answer.sentences, *answer.notes])
    if body:
        blocks.append({"type": "section", "text": _mrkdwn(body)})
    fields = key_figure_fields(answer.facts)
    for start in range(0, len(fields), FIELDS_PER_SECTION):
        blocks.append({"type": "section", "fields": fields[start : start + FIELDS_PER_SECTION]})
    blocks += _buttons(answer.options, "choice")
    blocks += _buttons(answer.follow_ups, "next")
    context = context_line(answer)
    if context:
        blocks.append({"type": "context", "elements": [_mrkdwn(context)]})
    return blocks[:MAX_BLOCKS]


def key_figure_fields(facts: tuple[FactView, ...]) -> list[dict[str, Any]]:
    shown = [fact for fact in facts if fact.role in KEY_FIGURE_ROLES][:20]
    return [_mrkdwn(f"*{fact.geography_name}*\n{fact.display}, {fact.period_display}", FIELD_LIMIT) for fact in shown]


def context_line(answer: Answer) -> str:
    parts = []
    if answer.sources:
        parts.append("Source: " + "; ".join(answer.sources))
    ends = [fact.period_end for fact in answer.facts]
    if ends:
        latest = max(ends)
        parts.append(f"As at {latest.day} {latest:%b %Y}")
    if answer.reading:
        parts.append(f"Read as: {answer.reading}")
    return "  •  ".join(parts)


def _buttons(options: tuple[Option, ...], kind: str) -> list[Block]:
    elements = [
        {
            "type": "button",
            "action_id": f"{ASK_ACTION}_{kind}_{index}",
            "text": _plain(option.label, BUTTON_TEXT_LIMIT),
            "value": _clip(option.question, BUTTON_VALUE_LIMIT),
        }
        for index, option in enumerate(options[:BUTTONS_PER_ACTIONS])
    ]
    return [{"type": "actions", "elements": elements}] if elements else []


def chart_note() -> str:
    return "I couldn't attach the chart this time; the figures above are complete."


def apology() -> str:
    return "Sorry, something went wrong answering that. Please try again in a moment."


def home_view(choices: list[tuple[str, str]], chosen: list[str], summaries: list[Answer]) -> dict[str, Any]:
    """The App Home tab: pick areas, then their latest key figures."""
    options = {code: {"text": _plain(name, 75), "value": code} for code, name in choices[:100]}
    picker: dict[str, Any] = {
        "type": "multi_static_select",
        "action_id": HOME_AREAS_ACTION,
        "placeholder": _plain("Choose areas", 150),
        "options": list(options.values()),
        "max_selected_items": 5,
    }
    initial = [options[code] for code in chosen if code in options]
    if initial:
        picker["initial_options"] = initial
    blocks: list[Block] = [
        {"type": "header", "text": _plain("Your areas", HEADER_LIMIT)},
        {
            "type": "section",
            "text": _mrkdwn("Choose the areas you follow; their latest key figures appear below."),
            "accessory": picker,
        },
    ]
    if not summaries:
        blocks.append({"type": "context", "elements": [_mrkdwn("No areas chosen yet.")]})
    for summary in summaries:
        blocks.append({"type": "divider"})
        blocks.append({"type": "section", "text": _mrkdwn(f"*{summary.headline}*\n" + "\n".join(summary.sentences))})
        context = context_line(summary)
        if context:
            blocks.append({"type": "context", "elements": [_mrkdwn(context)]})
    return {"type": "home", "blocks": blocks[:MAX_BLOCKS]}
