"""Reading one field of a Slack payload strictly: a field of the wrong type or shape is a request Slack never
sends, refused with 400 (Malformed) before any listener sees it. Reasons name the field, never its content, so
no request text reaches a log line."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

# Slack's timestamps are epoch seconds with microseconds ("1700000000.000100"): a few digits to spare, never
# hundreds; ids are short.
TIMESTAMP = re.compile(r"^\d{1,20}(\.\d{1,9})?$")
MAX_ID = 255
MAX_NUMBER = 2**31 - 1  # change sets and deliveries are integer rows
# User and channel mentions, !here and friends, and links: Slack's markup, not the question's words.
MARKUP = re.compile(r"<[@#!][^>]*>|<(?:https?|mailto):[^>]*>")


class Malformed(ValueError):
    """A request whose shape Slack never sends: answered 400, its reason (a field's name) logged."""


def obj(raw: Mapping[str, Any], name: str, *, required: bool = False) -> Mapping[str, Any]:
    value = raw.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise Malformed(f"{name} is not an object")
    return value


def text(raw: Mapping[str, Any], name: str, *, required: bool = False, limit: int | None = None) -> str:
    value = raw.get(name)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise Malformed(f"{name} is not text")
    if required and not value:
        raise Malformed(f"{name} is missing")
    if limit is not None and len(value) > limit:
        raise Malformed(f"{name} is too long")
    return value


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
    return " ".join(html.unescape(MARKUP.sub(" ", message)).split())
