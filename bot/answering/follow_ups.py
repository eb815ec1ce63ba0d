"""The next questions offered under an answer: the trend, and comparisons that suit the kind of place."""

from __future__ import annotations

from bot import places
from bot.answering.context import Context, Focus
from bot.answers import Option
from data.catalogue import LEEDS


def follow_ups(ctx: Context, focus: Focus, phrase: str) -> tuple[Option, ...]:
    place_words = ctx.names.place_words(focus.place)
    options = [Option("Trend", f"trend {phrase} {place_words}")]
    if focus.place != LEEDS:
        options.append(Option("Compare with Leeds", f"{phrase} {place_words} vs leeds"))
    options.append(Option("Compare areas", _compare_areas_question(ctx, focus.place, phrase, place_words)))
    return tuple(options)


def _compare_areas_question(ctx: Context, place: str, phrase: str, place_words: str) -> str:
    parent = next(iter(places.parents(ctx.lexicon, place, ctx.today)), None)
    kind = ctx.lexicon.geographies[place].type
    if kind == "local_authority":
        return f"{phrase} {place_words} vs statistical neighbours"
    if parent is not None and parent != LEEDS:
        return f"compare {phrase} across {ctx.names.place_words(parent)}"
    if kind == "committee_area":
        return f"compare {phrase} across {place_words}"
    return f"{phrase} {place_words} vs england"
