"""`briefbot set INDICATOR AREA PERIOD VALUE [NOTE...] [--yes]`: the officers' update, from a terminal.

The same grammar and checks as `/indicator set` in chat (`briefbot set "CP plans" JESS 30/6/13 151`), the same
preview, and one change set that `briefbot undo` reverses. Whoever runs the command line is trusted."""

from __future__ import annotations

import getpass
from dataclasses import replace

import click

from bot.app.commands.committees import AppContext
from bot.figures.updates import Actor, Preview, Roles, Updates
from bot.figures.updates.reading import FieldError, parse_tokens


def cli_actor(name: str | None) -> Actor:
    who = name or getpass.getuser()
    return Actor("cli", who, who)


@click.command("set", context_settings={"ignore_unknown_options": True})
@click.argument("words", nargs=-1, required=True)
@click.option("--yes", is_flag=True, help="Apply without asking.")
@click.option("--provisional", is_flag=True, help="Mark the figure provisional (default: final).")
@click.option("--actor", help="Who is making the change, for the audit log (default: your login).")
@click.pass_context
def command(ctx: click.Context, words: tuple[str, ...], yes: bool, provisional: bool, actor: str | None) -> None:
    """Set one figure, e.g. briefbot set CPP_COUNT JESS 2013-06-30 151 "from the June return"."""
    context: AppContext = ctx.obj
    updates = Updates(context.briefbot(), Roles())
    request = parse_tokens(list(words))
    if isinstance(request, FieldError):
        raise click.UsageError(request.message)
    if provisional:
        request = replace(request, status="provisional")
    who = cli_actor(actor)
    preview = updates.preview(who, [request])
    if preview.change_set is None and preview.count("rejected"):
        # One line on stderr, as every refusal on the command line (and nothing proposed or written).
        reasons = " ".join(error.message for row in preview.rows for error in row.errors)
        raise click.ClickException(f"Nothing was changed. {reasons}")
    show(preview)
    if preview.change_set is None:
        return
    if not yes and not click.confirm("Apply this change?", default=False):
        updates.cancel(who, preview.change_set)
        click.echo("Cancelled: nothing was changed.")
        return
    outcome = updates.confirm(who, preview.change_set)
    click.echo(outcome.message)
    if outcome.preview is not None:
        show(outcome.preview)
    if outcome.kind != "applied":
        raise SystemExit(1)


def show(preview: Preview) -> None:
    click.echo(preview.headline)
    for line in preview.lines:
        click.echo(f"  {line}")
