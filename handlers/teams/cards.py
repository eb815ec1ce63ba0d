"""Adaptive Cards (schema 1.5, the highest Teams renders): pure functions from the core's Cards, within Teams'
limits. Cards are plain text; Adaptive Cards read a little Markdown, so link syntax from the store is broken up
here, the one place Teams' formatting is written."""

from __future__ import annotations

import base64
import json
import re
import struct
from typing import Any

from bot.conversation.model import Card, CardSection, ChartImage, Choice
from bot.digest.cards import read_control
from handlers.teams.activities import ASK

VERSION = "1.5"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
# Teams refuses messages over about 100 KB (413 MessageSizeTooBig) and advises staying within 80 KB.
MESSAGE_LIMIT = 80_000
# Teams shows pictures up to 1 MB and 1024 x 1024 pixels.
MAX_IMAGE_BYTES = 1_000_000
MAX_IMAGE_SIDE = 1024
ALT_TEXT_LIMIT = 1000
SUMMARY_LIMIT = 1000
# Teams shows at most six actions in a set; more are dropped by the client, so they are dropped here openly.
MAX_ACTIONS = 6
BUTTON_TEXT_LIMIT = 75

# A digest preview's buttons: Action.Execute, so the card the press is answered with replaces the preview.
DIGEST_VERB = "digest."  # + post, skip or note
DELIVERY = "delivery"  # the data key carrying the preview's delivery id

Json = dict[str, Any]
_DATA_URI = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]*")


class ChartTooLarge(ValueError):
    """The chart can't be shown in Teams at all (over 1 MB, or over 1024 px a side)."""


def plain(text: str) -> str:
    # TextBlocks render a Markdown subset: stored text must not become a link.
    return text.replace("](", "]\u200b(").replace("<", "\u2039").replace(">", "\u203a")


def text_block(text: str, **style: Any) -> Json:
    return {"type": "TextBlock", "text": plain(text), "wrap": True, **style}


def adaptive_card(card: Card, chart: ChartImage | None = None) -> Json:
    """The card: title, sentences, sections, key figures (FactSet), the chart, buttons, context line."""
    body: list[Json] = [_title(card)]
    body += [text_block(line) for line in card.lines]
    for section in card.sections:
        body += _section(section)
    if card.figures:
        facts = [{"title": plain(f.label), "value": plain(f.value)} for f in card.figures]
        body.append({"type": "FactSet", "facts": facts})
    if chart is not None:
        body += chart_elements(chart)
    body += _buttons(card.choices)
    body += _buttons(card.follow_ups)
    if card.context:
        body.append(text_block(card.context, isSubtle=True, size="Small", spacing="Medium"))
    return card_content(body, card.text)


def card_content(body: list[Json], text: str) -> Json:
    """An Adaptive Card of these elements; `text` is what clients without cards and screen readers get."""
    return {"type": "AdaptiveCard", "version": VERSION, "body": body, "fallbackText": text, "speak": text}


def _title(card: Card) -> Json:
    is_note = not (card.lines or card.sections or card.figures or card.choices)
    if is_note:
        return text_block(card.title)
    size = {"size": "Medium"} if card.prominent else {}
    return text_block(card.title, weight="Bolder", **size)


def _section(section: CardSection) -> list[Json]:
    heading = text_block(section.title, weight="Bolder", spacing="Medium" if section.level == 1 else "Small")
    if section.level != 1:
        heading["isSubtle"] = True
    return [heading, *(text_block(line) for line in section.lines)]


def _buttons(choices: tuple[Choice, ...]) -> list[Json]:
    """Action.Submit: Teams sends it back as a message with our data, in the conversation (and reply chain)
    the card sits in. Execute (Universal Actions) arrives as an invoke; activities.py reads both. A digest
    preview's controls are Execute, answered by the card that replaces the preview."""
    actions = [_button(choice) for choice in choices[:MAX_ACTIONS]]
    return [{"type": "ActionSet", "actions": actions}] if actions else []


def _button(choice: Choice) -> Json:
    title = choice.label[:BUTTON_TEXT_LIMIT]
    control = read_control(choice.question)
    if control is not None:
        data = {DELIVERY: control.delivery_id}
        return {"type": "Action.Execute", "title": title, "verb": DIGEST_VERB + control.verb, "data": data}
    return {"type": "Action.Submit", "title": title, "data": {"briefbot": ASK, "question": choice.question}}


def chart_elements(chart: ChartImage) -> list[Json]:
    """The chart inline (a PNG data URI) under its title, with its alt text: the figures as words."""
    check_chart(chart.png)
    url = "data:image/png;base64," + base64.b64encode(chart.png).decode("ascii")
    alt = chart.alt_text[:ALT_TEXT_LIMIT]
    return [
        text_block(chart.title, weight="Bolder", spacing="Medium"),
        {"type": "Image", "url": url, "altText": alt, "size": "Stretch"},
        text_block(alt, isSubtle=True, size="Small"),
    ]


def chart_card(chart: ChartImage) -> Json:
    """The chart as a message of its own, when the answer's card has no room for it."""
    return card_content(chart_elements(chart), chart.alt_text)


def check_chart(png: bytes) -> None:
    if len(png) > MAX_IMAGE_BYTES:
        raise ChartTooLarge(f"chart of {len(png):,} bytes is over Teams' {MAX_IMAGE_BYTES:,}")
    width, height = png_size(png)
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ChartTooLarge(f"chart of {width}x{height} px is over Teams' {MAX_IMAGE_SIDE} px a side")


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from a PNG's header (IHDR is always the first chunk)."""
    if png[:8] != b"\x89PNG\r\n\x1a\n" or png[12:16] != b"IHDR":
        raise ChartTooLarge("the chart is not a PNG")
    width, height = struct.unpack(">II", png[16:24])
    return int(width), int(height)


def message(content: Json, summary: str, reply_to: str | None = None) -> Json:
    """A message activity carrying one card; `summary` is what notifications and the chat list show."""
    activity: Json = {
        "type": "message",
        "summary": summary[:SUMMARY_LIMIT],
        "attachments": [{"contentType": CARD_TYPE, "content": content}],
    }
    if reply_to:
        activity["replyToId"] = reply_to
    return activity


def size_of(activity: Json) -> int:
    """The whole message's size, pictures included."""
    return len(json.dumps(activity, separators=(",", ":")).encode())


def counted_size(activity: Json) -> int:
    """The size Teams holds to its limit: the message without its base64 pictures (they count apart, up to
    1 MB each)."""
    text = json.dumps(activity, separators=(",", ":"))
    return len(_DATA_URI.sub("data:", text).encode())
