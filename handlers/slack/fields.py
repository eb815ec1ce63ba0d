"""Reading one field of a Slack payload strictly (handlers/strict.py, as for Teams), with Slack's own shapes:
timestamps, ids, the numbers our buttons carry, and a message's words without Slack's markup."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

from bot.figures.language.understanding import SLACK_MARKUP
from handlers import strict
from handlers.strict import Malformed, obj, objects

# Slack's timestamps are epoch seconds with microseconds ("1700000000.000100"): a few digits to spare, never
# hundreds; ids are short.
TIMESTAMP = re.compile(r"^\d{1,20}(\.\d{1,9})?$")
MAX_ID = 255
MAX_TEXT = 40_000  # Slack's own limit on a message's text
MAX_NUMBER = 2**31 - 1  # change sets and deliveries are integer rows


def text(raw: Mapping[str, Any], name: str, *, required: bool = False, limit: int = MAX_TEXT) -> str:
    return strict.text(raw, name, limit=limit, required=required)


def ident(raw: Mapping[str, Any], name: str, *, required: bool = False) -> str:
    """A Slack id (user, channel, trigger, event): text, short."""
    return text(raw, name, required=required, limit=MAX_ID)


def timestamp(raw: Mapping[str, Any], name: str) -> str | None:
    value = text(raw, name, limit=MAX_ID)
    if not value:
        return None
    if not TIMESTAMP.match(value):
        raise Malformed(f"{name} is not a Slack timestamp")
    return value


def number(value: str, name: str) -> int:
    """A row number one of our buttons or modals carries: digits, within an integer column."""
    if not value.isascii() or not value.isdigit() or len(value) > 10 or not 0 < int(value) <= MAX_NUMBER:
        raise Malformed(f"{name} is not a number we gave")
    return int(value)


def plain(message: str) -> str:
    """A message's words: Slack's mentions and links removed (the bot's own mention included, as the Teams
    handler removes its <at>), and its &amp; &lt; &gt; escapes undone."""
    return " ".join(html.unescape(SLACK_MARKUP.sub(" ", message)).split())


__all__ = ["Malformed", "ident", "number", "obj", "objects", "plain", "text", "timestamp"]
