"""`briefbot committees [list|set NAME --channel C --lead-days N ...]`: each committee's digest settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Protocol

import click
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from data.chat import committees, conversations
from data.chat.committees import CommitteeInfo, MeetingInfo, UnknownCommittee
from data.figures import queries

if TYPE_CHECKING:
    from bot.app.settings import Settings
    from bot.briefbot import Briefbot
    from charts.cache import ChartCache


class AppContext(Protocol):
    """What these commands need of the CLI's context object (bot.app.cli.Context is one)."""

    settings: Settings
    engine: Engine

    def ready(self) -> None: ...

    def briefbot(self, charts: ChartCache | None = None) -> Briefbot: ...

    def chart_cache(self) -> ChartCache: ...


def committee_named(session: Session, name: str) -> CommitteeInfo:
    try:
        return committees.find_committee(session, name)
    except UnknownCommittee as error:
        raise click.ClickException(str(error)) from None


@click.group("committees", invoke_without_command=True)
@click.pass_context
def command(ctx: click.Context) -> None:
    """Community committees and where their digests go. Without a subcommand: list them."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command)


@command.command("list")
@click.pass_obj
def list_command(app: AppContext) -> None:
    """Each committee: channel, lead days, support team channel, indicators and next meeting."""
    app.ready()
    with Session(app.engine) as session:
        found = committees.committees(session)
        held = [m for m in committees.meetings(session) if not m.cancelled]
        teams_live = {r.address for r in conversations.listed(session, "teams") if r.dead_at is None}
    for committee in found:
        meeting = _next_or_last([m for m in held if m.committee_id == committee.id])
        click.echo(
            f"{committee.short_name}: channel {_channel(committee, teams_live)} on {committee.platform}, "
            f"{committee.lead_days} days ahead, preview to {committee.support_channel or '(none)'}, "
            f"indicators {', '.join(committee.indicators) if committee.indicators else 'default'}, "
            f"ModernGov {committee.moderngov_id or '-'}, "
            f"meeting {meeting.day.isoformat() if meeting else '-'}"
        )


def _channel(committee: CommitteeInfo, teams_live: set[str]) -> str:
    """Teams can only be posted to where the bot is installed: say so when it is not (removed, or never added)."""
    if not committee.channel:
        return "(none)"
    if committee.platform == "teams" and committee.channel not in teams_live:
        return f"{committee.channel} (unreachable: briefbot was removed or never installed there)"
    return committee.channel


def _next_or_last(meetings: list[MeetingInfo]) -> MeetingInfo | None:
    now = datetime.now(UTC)
    ahead = [m for m in meetings if m.starts_at > now]
    return ahead[0] if ahead else (meetings[-1] if meetings else None)


@command.command("set")
@click.argument("name")
@click.option("--channel", help="Channel the digest is posted in.")
@click.option("--platform", type=click.Choice(["slack", "teams"]), help="Chat platform of the channels.")
@click.option("--lead-days", type=click.IntRange(0, 60), help="Days before the meeting (default 7).")
@click.option("--indicators", help="Comma-separated indicator codes; 'default' for the standard list.")
@click.option("--support-channel", help="The area support team's channel, for previews.")
@click.option("--moderngov-id", help="The committee's id in ModernGov.")
@click.option("--actor", default="cli", show_default=True, help="Who, for the audit log.")
@click.pass_obj
def set_command(
    app: AppContext,
    name: str,
    channel: str | None,
    platform: str | None,
    lead_days: int | None,
    indicators: str | None,
    support_channel: str | None,
    moderngov_id: str | None,
    actor: str,
) -> None:
    """Change a committee's digest settings; options not given are kept."""
    app.ready()
    with Session(app.engine) as session, session.begin():
        committee = committee_named(session, name)
        changed = replace(
            committee,
            channel=channel if channel is not None else committee.channel,
            platform=platform or committee.platform,
            lead_days=lead_days if lead_days is not None else committee.lead_days,
            indicators=_indicators(session, indicators) if indicators is not None else committee.indicators,
            support_channel=support_channel if support_channel is not None else committee.support_channel,
            moderngov_id=moderngov_id if moderngov_id is not None else committee.moderngov_id,
        )
        committees.set_committee(session, changed, actor=actor, channel="cli")
    click.echo(f"{changed.short_name}: saved.")


def _indicators(session: Session, listed: str) -> tuple[str, ...] | None:
    if listed.strip().lower() in ("", "default"):
        return None
    codes = tuple(dict.fromkeys(code.strip().upper() for code in listed.split(",") if code.strip()))
    known = {info.code for info in queries.indicators(session)}
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise click.BadParameter(f"unknown indicator(s): {', '.join(unknown)}", param_hint="--indicators")
    return codes
