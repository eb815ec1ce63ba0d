"""`briefbot audit [--since DATE] [--actor WHO] [--indicator CODE] [--limit N]`: who changed what, newest first."""

from __future__ import annotations

from datetime import UTC, datetime

import click
from sqlalchemy.orm import Session

from bot.app.commands.committees import AppContext
from data.figures import changes
from data.figures.changes import AuditEntry


@click.command("audit")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), help="Only writes on or after this day.")
@click.option("--actor", help="Only this actor (an id such as slack:U123, or the name shown).")
@click.option("--indicator", help="Only figures of this indicator code.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@click.pass_context
def command(ctx: click.Context, since: datetime | None, actor: str | None, indicator: str | None, limit: int) -> None:
    """The audit log: every write with its actor, channel, before and after, and change set."""
    context: AppContext = ctx.obj
    context.ready()
    with Session(context.engine) as session:
        entries = changes.audit_entries(
            session,
            since=since.replace(tzinfo=UTC) if since else None,
            actor=actor,
            indicator=indicator.upper() if indicator else None,
            limit=limit,
        )
    if not entries:
        click.echo("No audited writes match.")
    for entry in entries:
        click.echo(line(entry))


def line(entry: AuditEntry) -> str:
    who = entry.actor if entry.actor_name == entry.actor else f"{entry.actor_name} ({entry.actor})"
    change = f" [change set {entry.change_set}]" if entry.change_set else ""
    moved = ""
    if entry.entity == "observation":
        before = _value(entry.before)
        after = _value(entry.after)
        moved = f": {before} -> {after}"
    when = entry.at.strftime("%Y-%m-%d %H:%M")
    return f"{when} {who} via {entry.channel}: {entry.action} {entry.entity} {entry.entity_key}{moved}{change}"


def _value(payload: dict[str, object] | None) -> str:
    if not payload:
        return "none"
    value = payload.get("value")
    return str(
        payload.get("symbol") or ("none" if value is None else f"{value:g}" if isinstance(value, float) else value)
    )
