"""`briefbot undo CHANGE_SET`: reverse one change set exactly (restore what it replaced, remove what it added),
recorded as a change set of its own. Refused when a figure it wrote has changed since."""

from __future__ import annotations

import click

from bot.app.commands.committees import AppContext
from bot.app.commands.set import cli_actor
from bot.figures.updates import Roles, Updates


@click.command("undo")
@click.argument("change_set", type=int)
@click.option("--actor", help="Who is undoing, for the audit log (default: your login).")
@click.pass_context
def command(ctx: click.Context, change_set: int, actor: str | None) -> None:
    """Undo a change set (its number is in the confirmation and in briefbot audit)."""
    context: AppContext = ctx.obj
    outcome = Updates(context.briefbot(), Roles()).undo(cli_actor(actor), change_set)
    click.echo(outcome.message)
    if outcome.kind != "applied":
        raise SystemExit(1)
