"""`briefbot teams-package`: the Teams app package (manifest.json and its two icons, zipped) from settings,
ready to upload in Teams (Apps -> Manage your apps -> Upload an app) or the Teams Developer Portal."""

from __future__ import annotations

import io
import json
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import click

from bot.app.settings import SettingError, Settings
from bot.app.teams_settings import TeamsSettings

MANIFEST_VERSION = "1.22"
SCHEMA = f"https://developer.microsoft.com/json-schemas/teams/v{MANIFEST_VERSION}/MicrosoftTeams.schema.json"
ACCENT = (0x1F, 0x4E, 0x79)  # the charts' dark blue
WHITE = (255, 255, 255)
# What the command menu offers (Teams shows at most ten per scope); the examples are the README's.
COMMANDS = (
    ("NEET in JESS", "A figure for a place: NEET, CP plans, looked after children, referrals..."),
    ("CP rate Leeds vs England", "Compare a place with England, its region or its statistical neighbours."),
    ("Inner South", "An overview of an area's headline figures."),
    ("help", "What briefbot can answer, and how to ask."),
)
BARS = ((0.15, 0.55), (0.40, 0.35), (0.65, 0.15))  # (left, top) of three rising bars, as fractions of the side


def manifest(settings: TeamsSettings, *, version: str, website: str, domains: tuple[str, ...]) -> dict[str, Any]:
    scopes = ["personal", "team", "groupChat"]
    commands = [{"title": title, "description": text} for title, text in COMMANDS]
    return {
        "$schema": SCHEMA,
        "manifestVersion": MANIFEST_VERSION,
        "version": version,
        "id": settings.app_id,
        "developer": {
            "name": "Leeds City Council",
            "websiteUrl": website,
            "privacyUrl": website,
            "termsOfUseUrl": website,
        },
        "name": {"short": "briefbot", "full": "briefbot: children's services figures"},
        "description": {
            "short": "Children's services figures for councillors, with their source and a chart.",
            "full": (
                'Ask for a children\'s services figure in plain words ("NEET in JESS", "CP rate Leeds vs '
                'England") and get the figure, its period and source, the change, a like-for-like comparison and '
                "a chart. In a channel, mention @briefbot; in a chat, just ask. Committee digests arrive in the "
                "committee's channel before each meeting."
            ),
        },
        "icons": {"color": "color.png", "outline": "outline.png"},
        "accentColor": "#{:02X}{:02X}{:02X}".format(*ACCENT),
        "bots": [
            {
                "botId": settings.app_id,
                "scopes": scopes,
                "supportsFiles": False,
                "isNotificationOnly": False,
                "commandLists": [{"scopes": scopes, "commands": commands}],
            }
        ],
        "permissions": ["identity", "messageTeamMembers"],
        "validDomains": list(domains),
    }


def png(side: int, background: tuple[int, int, int] | None, foreground: tuple[int, int, int]) -> bytes:
    """A square RGBA PNG of three rising bars: written with zlib, so packaging needs no drawing library."""
    rows = []
    for y in range(side):
        row = bytearray(b"\x00")  # filter type 0 for each scanline
        for x in range(side):
            inside = any(left * side <= x < (left + 0.2) * side and top * side <= y < 0.85 * side for left, top in BARS)
            if inside:
                row += bytes((*foreground, 255))
            elif background is not None:
                row += bytes((*background, 255))
            else:
                row += b"\x00\x00\x00\x00"  # transparent, as Teams asks of the outline icon
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", side, side, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + _chunk(b"IEND", b"")
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def package(settings: TeamsSettings, *, version: str, website: str, domains: tuple[str, ...]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        data = manifest(settings, version=version, website=website, domains=domains)
        archive.writestr("manifest.json", json.dumps(data, indent=2) + "\n")
        archive.writestr("color.png", png(192, ACCENT, WHITE))
        archive.writestr("outline.png", png(32, None, WHITE))
    return buffer.getvalue()


@click.command("teams-package")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("briefbot-teams.zip"),
    show_default=True,
    help="Where to write the zip.",
)
@click.option("--version", "app_version", default="1.0.0", show_default=True, help="The app's version (x.y.z).")
@click.option(
    "--website",
    default="https://www.leeds.gov.uk/",
    show_default=True,
    help="Developer, privacy and terms page (https).",
)
@click.option("--domain", "domains", multiple=True, help="A valid domain (repeat; default TEAMS_VALID_DOMAINS).")
def command(output: Path, app_version: str, website: str, domains: tuple[str, ...]) -> None:
    """Write the Teams app package (manifest.json, color.png, outline.png) for TEAMS_APP_ID."""
    settings = Settings.from_env().teams
    if not settings.app_id:
        raise click.ClickException(str(SettingError("TEAMS_APP_ID is not set: add it to .env or the environment.")))
    if not website.startswith("https://"):
        raise click.BadParameter("must start with https://", param_hint="--website")
    output.write_bytes(
        package(settings, version=app_version, website=website, domains=domains or settings.valid_domains)
    )
    click.echo(f"{output}: Teams app package for bot {settings.app_id}")
