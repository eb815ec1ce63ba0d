"""`briefbot wards set WARD --councillors U1,U2 [--platform slack|teams]` and `wards list`: who gets each ward's
briefing (its part of the committee's digest) by direct message, on the digest's schedule."""

from __future__ import annotations

import click
from sqlalchemy.orm import Session

from bot.app.commands.committees import AppContext
from data.chat import committees
from data.chat.committees import UnknownWard


@click.group("wards", invoke_without_command=True)
@click.pass_context
def command(ctx: click.Context) -> None:
    """Wards' councillors, who get their ward's part of each digest by DM. Without a subcommand: list them."""
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_command)


@command.command("list")
@click.pass_obj
def list_command(app: AppContext) -> None:
    """Each ward with councillors, by platform."""
    app.ready()
    with Session(app.engine) as session:
        found = committees.ward_councillors(session)
    for ward in found:
        click.echo(f"{ward.ward_name} ({ward.ward}): {', '.join(ward.users)} on {ward.platform}")
    if not found:
        click.echo('No ward has councillors yet: briefbot wards set "Beeston & Holbeck" --councillors U123,U456')


@command.command("set")
@click.argument("ward")
@click.option("--councillors", required=True, help="User ids, comma-separated (Slack U…; Teams Entra object ids).")
@click.option("--platform", type=click.Choice(["slack", "teams"]), default="slack", show_default=True)
@click.option("--actor", default="cli", show_default=True, help="Who, for the audit log.")
@click.pass_obj
def set_command(app: AppContext, ward: str, councillors: str, platform: str, actor: str) -> None:
    """Replace WARD's councillors on the platform (--councillors "" removes them)."""
    users = tuple(user.strip() for user in councillors.split(",") if user.strip())
    if platform == "teams":
        users = tuple(user.lower() for user in users)  # Entra object ids arrive in lower case
    app.ready()
    with Session(app.engine) as session, session.begin():
        try:
            found = committees.find_ward(session, ward)
        except UnknownWard as error:
            raise click.ClickException(str(error)) from None
        saved = committees.set_ward_councillors(session, found, platform, users, actor=actor, channel="cli")
    if not found.current:
        click.echo(
            f"Note: {found.name} is a ward of 2004-2018; its briefing goes out only for meetings then.", err=True
        )
    listed = ", ".join(saved.users) or "nobody"
    click.echo(f"{saved.ward_name}: {listed} on {platform}.")
