"""Block Kit at Slack's limits, checked with slack_sdk's own models: text full of Slack's control characters is
escaped whole and cut only between entities."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from slack_sdk.models.blocks import Block

from bot.conversation.model import Card, CardSection, Choice, KeyFigure
from handlers.slack.blocks import FALLBACK_LIMIT, FIELD_LIMIT, SECTION_LIMIT, card_blocks, fallback_text

# Every "&" in escaped text must start one of the three entities escape() writes.
BROKEN_ENTITY = re.compile(r"&(?!amp;|lt;|gt;)")
CONTROLS = "&<>"


def _texts(block: dict[str, Any]) -> list[str]:
    """The mrkdwn strings in a block (a section's text and fields, a context's elements)."""
    objects = [block.get("text"), *block.get("fields", ()), *block.get("elements", ())]
    return [str(item["text"]) for item in objects if isinstance(item, dict) and item.get("type") == "mrkdwn"]


def _is_cut_cleanly(shown: str, source: str) -> bool:
    """Unescaped, the text is the source or, cut, a prefix of it followed by "…"."""
    if BROKEN_ENTITY.search(shown):
        return False
    if shown.endswith("…") and not source.endswith("…"):
        return source.startswith(html.unescape(shown[:-1]))
    return html.unescape(shown) == source


@pytest.mark.parametrize("offset", range(5))  # every alignment of a 4- or 5-character entity against the cut
def test_text_full_of_control_characters_is_cut_between_entities(offset: int) -> None:
    line = "x" * offset + (CONTROLS * SECTION_LIMIT)[:SECTION_LIMIT]
    field = "y" * offset + ("<&>" * FIELD_LIMIT)[:FIELD_LIMIT]
    card = Card(
        title="Ampersands & angles",
        lines=(line,),
        sections=(CardSection("S&P <rates>", (line,)),),
        figures=(KeyFigure("&" * 10, field),),
        follow_ups=(Choice("Q&A", "q & a"),),
        context=line,
        fallback=line * 2,
    )
    blocks = card_blocks(card)
    for block in blocks:
        parsed = Block.parse(block)
        assert parsed is not None and parsed.to_dict() == block
        parsed.validate_json()  # slack_sdk's own limits (a section's text: 3,000; it checks no field length)
    section = blocks[1]["text"]["text"]
    assert SECTION_LIMIT - len("&amp;") < len(section) <= SECTION_LIMIT  # cut at the limit, not well short
    assert _is_cut_cleanly(section, line)
    for block in blocks:
        for text in _texts(block):
            assert not BROKEN_ENTITY.search(text), text[-12:]
            assert len(text) <= SECTION_LIMIT
    field_text = blocks[3]["fields"][0]["text"]
    assert len(field_text) <= FIELD_LIMIT and not BROKEN_ENTITY.search(field_text), field_text[-12:]
    fallback = fallback_text(card)
    assert len(fallback) <= FALLBACK_LIMIT and _is_cut_cleanly(fallback, line * 2), fallback[-12:]


def test_text_that_fits_is_escaped_whole_and_not_cut() -> None:
    card = Card(title="<!channel> & friends", lines=("a & b < c > d",))
    blocks = card_blocks(card)
    assert blocks[0]["text"]["text"] == "*&lt;!channel&gt; &amp; friends*"
    assert blocks[1]["text"]["text"] == "a &amp; b &lt; c &gt; d"
    assert fallback_text(card) == "&lt;!channel&gt; &amp; friends\na &amp; b &lt; c &gt; d"
