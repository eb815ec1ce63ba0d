"""`briefbot digest "Inner South" [--meeting 2013-06-19] [--dry-run] [--json] [--out DIR]`.

Without --dry-run the digest is posted to the committee's channel now, through the same outbox as the
scheduled one: a digest already posted for that meeting is not posted again."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import click
from sqlalchemy.orm import Session

from bot.app.commands.committees import AppContext, committee_named
from bot.digest.delivery import DigestDesk, plan_for
from bot.digest.model import Digest
from data.chat import committees
from data.chat.committees import CommitteeInfo, MeetingInfo

if TYPE_CHECKING:
    from bot.conversation.messenger import Messenger
    from bot.conversation.model import Card, Destination
    from bot.conversation.pacing import TokenBucketPacer


@dataclass
class DirectPoster:
    """One messenger, paced as the conversation layer paces answers: a poster without the reply pool."""

    messengers: dict[str, Messenger]
    pacer: TokenBucketPacer

    def post(self, messenger: Messenger, to: Destination, card: Card) -> str:
        self.pacer.wait(to.pacing_key)
        return messenger.post(to, card)


@click.command("digest")
@click.argument("committee")
@click.option("--meeting", "meeting_day", type=click.DateTime(["%Y-%m-%d"]), help="Meeting date (default: next).")
@click.option("--dry-run", is_flag=True, help="Compose and show it; post nothing.")
@click.option("--json", "as_json", is_flag=True, help="{committee, meeting, sections, text} as JSON.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write Markdown and the charts here.")
@click.pass_obj
def command(
    app: AppContext, committee: str, meeting_day: datetime | None, dry_run: bool, as_json: bool, out: Path | None
) -> None:
    """A committee's digest for a meeting, as posted before it."""
    app.ready()
    with Session(app.engine) as session:
        found = committee_named(session, committee)
        meeting = _meeting(session, found, meeting_day.date() if meeting_day else None)
    bot = app.briefbot(app.chart_cache() if out is not None else None)
    zone = ZoneInfo(app.settings.timezone)
    desk = DigestDesk(bot, DirectPoster({}, _pacer()), owner="cli", with_charts=out is not None, zone=zone)
    digest = desk.compose(found, meeting)
    chart_paths = _write(desk, digest, out) if out is not None else {}
    if as_json:
        click.echo(json.dumps(digest.to_json(chart_paths), ensure_ascii=False, indent=2))
    else:
        click.echo(digest.text)
    if not dry_run:
        click.echo(_post(app, desk, found, meeting), err=True)


def _meeting(session: Session, committee: CommitteeInfo, day: date | None) -> MeetingInfo:
    held = [m for m in committees.meetings(session, committee.id) if not m.cancelled]
    if day is not None:
        on_day = [m for m in held if m.day == day]
        if not on_day:
            listed = ", ".join(m.day.isoformat() for m in held) or "none"
            raise click.ClickException(f"{committee.short_name} has no meeting on {day.isoformat()} (known: {listed})")
        return on_day[0]
    ahead = [m for m in held if m.starts_at > datetime.now().astimezone()]
    if not ahead:
        raise click.ClickException(f"{committee.short_name} has no meeting ahead; give --meeting YYYY-MM-DD")
    return ahead[0]


def _write(desk: DigestDesk, digest: Digest, out: Path) -> dict[int, str]:
    out.mkdir(parents=True, exist_ok=True)
    paths: dict[int, str] = {}
    for index, spec in enumerate(digest.charts):
        chart = desk.bot.charts.render(spec)
        path = out / f"chart-{index + 1}.png"
        path.write_bytes(chart.png)
        path.with_suffix(".txt").write_text(chart.alt_text + "\n", encoding="utf-8")
        paths[index] = str(path)
    slug = digest.committee_short.lower().replace(" ", "-")
    markdown = out / f"digest-{slug}-{digest.meeting.isoformat()}.md"
    markdown.write_text(digest.markdown(tuple(Path(p).name for p in paths.values())), encoding="utf-8")
    paths_note = f"Wrote {markdown} and {len(paths)} chart(s)."
    click.echo(paths_note, err=True)
    return paths


def _post(app: AppContext, desk: DigestDesk, committee: CommitteeInfo, meeting: MeetingInfo) -> str:
    planned = [p for p in plan_for(committee, meeting, desk.zone) if p.kind == "digest"]
    if not planned:
        raise click.ClickException(
            f"{committee.short_name} has no channel: set one with briefbot committees set "
            f'"{committee.short_name}" --channel C..., or use --dry-run'
        )
    desk.poster.messengers[committee.platform] = _messenger(app, committee.platform)
    desk.with_charts = True
    message_id = desk.deliver(planned[0])
    if message_id is None:
        return "Already posted for this meeting (or being posted by another process): not posted again."
    return f"Posted to {committee.channel} ({message_id})."


def _messenger(app: AppContext, platform: str) -> Messenger:
    if platform != "slack":
        raise click.ClickException(f"posting to {platform} from the command line is not supported yet")
    from slack_sdk import WebClient

    from bot.app.settings import SettingError, require_slack
    from handlers.slack.messenger import SlackMessenger

    try:
        require_slack(app.settings)
    except SettingError as error:
        raise click.ClickException(str(error)) from None
    base_url = app.settings.slack_api_base_url or WebClient.BASE_URL
    return SlackMessenger(WebClient(token=app.settings.slack_bot_token, base_url=base_url))


def _pacer() -> TokenBucketPacer:
    from bot.conversation.pacing import TokenBucketPacer

    return TokenBucketPacer()
