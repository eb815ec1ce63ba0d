"""`briefbot indicators [WORD]`: what can be asked, the words that find it, and the periods held."""

from __future__ import annotations

from typing import Protocol

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.figures.language.lexicon import load_lexicon
from data.figures import queries
from data.figures.periods import uk_date
from data.text import normalise

MAX_WORDS = 4  # words shown per indicator; the rest are still understood


class _Context(Protocol):
    engine: Engine

    def ready(self) -> None: ...


@click.command("indicators")
@click.argument("word", required=False)
@click.pass_context
def command(ctx: click.Context, word: str | None) -> None:
    """List what can be asked (optionally only figures matching WORD), with the periods held."""
    context: _Context = ctx.obj
    context.ready()
    with Session(context.engine) as session:
        lexicon = load_lexicon(session)
        held = {holding.indicator: holding for holding in queries.holdings(session)}
    words: dict[str, list[str]] = {}
    for phrase, codes in lexicon.indicator_words.items():
        for code in codes:
            words.setdefault(code, []).append(phrase)
    wanted = normalise(word or "")
    shown = 0
    for code, info in sorted(lexicon.indicators.items(), key=lambda item: item[1].short_name.lower()):
        said = sorted(words.get(code, []), key=len)
        text = normalise(" ".join([code, info.name, info.short_name, *said]))
        if wanted and wanted not in text:
            continue
        shown += 1
        click.echo(f"{info.short_name} [{code}]")
        click.echo(f"  ask: {', '.join(said[:MAX_WORDS])}")
        click.echo(f"  {_periods(held.get(code))}")
    if not shown:
        click.echo(f"No figures match “{word}”.")


def _periods(holding: queries.Holding | None) -> str:
    if holding is None:
        return "no figures held"
    span = (
        uk_date(holding.first)
        if holding.first == holding.latest
        else f"{uk_date(holding.first)} to {uk_date(holding.latest)}"
    )
    places = "place" if holding.places == 1 else "places"
    figures = "figure" if holding.figures == 1 else "figures"
    return f"held: {holding.figures:,} {figures} for {holding.places} {places}, periods ending {span}"
