"""`briefbot meetings add|list|cancel|sync`: the meeting calendar the digests are scheduled from."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import click
from sqlalchemy.orm import Session

from bot.app.commands.committees import AppContext, committee_named
from bot.digest.meetings import MeetingProblem, add_meeting, cancel_meeting, meeting_lines
from data.chat import committees
from data.chat.calendar import CalendarEntry, CalendarError, apply_entries
from data.chat.committees import LONDON, CommitteeInfo

DATE = click.DateTime(["%Y-%m-%d"])
SYNC_BACK = timedelta(days=30)
SYNC_AHEAD = timedelta(days=365)


@click.group("meetings")
def command() -> None:
    """Committee meetings: added by hand or synchronised from ModernGov or an iCalendar feed."""


@command.command("add")
@click.argument("committee")
@click.argument("day", type=DATE)
@click.option("--time", "at", default="18:00", show_default=True, help="Start, 24-hour London time.")
@click.option("--place", help="Where it meets.")
@click.option("--title", help="Title, if not the committee's name.")
@click.option("--actor", default="cli", show_default=True)
@click.pass_obj
def add_command(
    app: AppContext, committee: str, day: datetime, at: str, place: str | None, title: str | None, actor: str
) -> None:
    """Add a meeting (or change the time and place of the one on that day)."""
    starts = _time(at)
    app.ready()
    try:
        with Session(app.engine) as session, session.begin():
            change = add_meeting(
                session, committee, day.date(), starts, place=place, title=title, actor=actor, channel="cli"
            )
    except MeetingProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"{change.committee}, {day.date().isoformat()} {at}: {change.outcome}.")


@command.command("cancel")
@click.argument("committee")
@click.argument("day", type=DATE)
@click.option("--actor", default="cli", show_default=True)
@click.pass_obj
def cancel_command(app: AppContext, committee: str, day: datetime, actor: str) -> None:
    """Cancel a meeting: its pending digest is not posted."""
    app.ready()
    try:
        with Session(app.engine) as session, session.begin():
            change = cancel_meeting(session, committee, day.date(), actor=actor, channel="cli")
    except MeetingProblem as problem:
        raise click.ClickException(str(problem)) from None
    click.echo(f"{change.committee}, {day.date().isoformat()}: {change.outcome}.")


@command.command("list")
@click.argument("committee", required=False)
@click.pass_obj
def list_command(app: AppContext, committee: str | None) -> None:
    """Meetings, earliest first, with their status and where the date came from."""
    app.ready()
    try:
        with Session(app.engine) as session:
            lines = meeting_lines(session, committee)
    except MeetingProblem as problem:
        raise click.ClickException(str(problem)) from None
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("No meetings.")


@command.command("sync")
@click.argument("committee", required=False)
@click.option("--ical", "ical_source", help="An iCalendar file or URL with COMMITTEE's meetings.")
@click.option("--moderngov-url", help="…/mgWebService.asmx (default: BRIEFBOT_MODERNGOV_URL).")
@click.option("--user-agent", help="Default: BRIEFBOT_CALENDAR_USER_AGENT.")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds per request.")
@click.option("--from", "start", type=DATE, help="Default: 30 days ago.")
@click.option("--to", "end", type=DATE, help="Default: a year ahead.")
@click.pass_obj
def sync_command(
    app: AppContext,
    committee: str | None,
    ical_source: str | None,
    moderngov_url: str | None,
    user_agent: str | None,
    timeout: float,
    start: datetime | None,
    end: datetime | None,
) -> None:
    """Read meetings from ModernGov (every committee with a ModernGov id, or COMMITTEE) or an iCalendar feed.

    Everything is fetched and checked first; a source that fails writes nothing."""
    today = datetime.now(LONDON).date()
    window = (start.date() if start else today - SYNC_BACK, end.date() if end else today + SYNC_AHEAD)
    moderngov_url = moderngov_url or app.settings.moderngov_url or None
    user_agent = user_agent or app.settings.calendar_user_agent
    app.ready()
    with Session(app.engine) as session:
        chosen = [committee_named(session, committee)] if committee else committees.committees(session)
    try:
        fetched = _fetch(chosen, ical_source, moderngov_url, user_agent, timeout, window)
    except CalendarError as error:
        raise click.ClickException(f"{error}. Nothing was changed.") from None
    with Session(app.engine) as session, session.begin():
        for found, source, entries in fetched:
            report = apply_entries(session, found.id, entries, source=source, actor="cli", channel="cli")
            click.echo(f"{found.short_name}: {report.line()}")


def _fetch(
    chosen: list[CommitteeInfo],
    ical_source: str | None,
    moderngov_url: str | None,
    user_agent: str,
    timeout: float,
    window: tuple[date, date],
) -> list[tuple[CommitteeInfo, str, list[CalendarEntry]]]:
    if ical_source:
        from data.chat.calendar.ical import parse_ical, read_source

        if len(chosen) != 1:
            raise click.UsageError("--ical needs the COMMITTEE whose calendar it is")
        content = read_source(ical_source, user_agent=user_agent, timeout=timeout)
        return [(chosen[0], "ical", parse_ical(content, *window))]
    if not moderngov_url:
        raise click.UsageError("give --ical FILE_OR_URL, or --moderngov-url (or set BRIEFBOT_MODERNGOV_URL)")
    from data.chat.calendar.moderngov import ModernGovClient

    client = ModernGovClient(moderngov_url, user_agent=user_agent, timeout=timeout)
    return [
        (found, "moderngov", client.meetings(found.moderngov_id, *window)) for found in chosen if found.moderngov_id
    ]


def _time(text: str) -> time:
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise click.BadParameter(f"{text!r} is not HH:MM", param_hint="--time") from None
