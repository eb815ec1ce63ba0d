"""`briefbot refresh [SOURCE ...]`: re-import DfE's national files when it publishes. A source is a folder or a
URL; none given: BRIEFBOT_REFRESH_SOURCES, else the bundled files (data/reference/national). URLs are
downloaded into a temporary folder first, each under the file name its URL ends with (LAIT's dictionary must
come along with its table). Prints, per file, how many figures are new, revised and unchanged."""

from __future__ import annotations

import tempfile
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlparse

import click

from bot.app.commands.committees import AppContext
from data.figures.catalogue import NATIONAL_DIR
from data.figures.importers.refresh import Refreshed, refresh_folder

DOWNLOAD_TIMEOUT = 60


@click.command("refresh")
@click.argument("sources", nargs=-1)
@click.option("--actor", default="refresh", show_default=True, help="Who is refreshing, for the audit log.")
@click.pass_context
def command(ctx: click.Context, sources: tuple[str, ...], actor: str) -> None:
    """Re-import updated national files from folders or URLs, and say what changed."""
    context: AppContext = ctx.obj
    context.ready()
    chosen = list(sources) or list(context.settings.refresh_sources) or [str(NATIONAL_DIR)]
    urls = [source for source in chosen if urlparse(source).scheme in {"http", "https"}]
    folders = [Path(source) for source in chosen if source not in urls]
    results: list[Refreshed] = []
    for folder in folders:
        if not folder.is_dir():
            raise click.ClickException(f"{folder} is not a folder (give a folder or an http(s) URL)")
        results += refresh_folder(context.engine, folder, actor=actor)
    if urls:
        with tempfile.TemporaryDirectory(prefix="briefbot-refresh-") as scratch:
            for url in urls:
                _download(url, Path(scratch))
            results += refresh_folder(context.engine, Path(scratch), actor=actor)
    if not results:
        raise click.ClickException("no file briefbot recognises was found in " + ", ".join(chosen))
    for result in results:
        click.echo(result.line())
    if any(result.report is None for result in results):
        raise SystemExit(1)


def _download(url: str, folder: Path) -> None:
    name = Path(unquote(urlparse(url).path)).name
    if not name.endswith((".csv", ".csv.gz")):
        raise click.ClickException(f"{url} does not name a .csv or .csv.gz file")
    try:
        with urllib.request.urlopen(url, timeout=DOWNLOAD_TIMEOUT) as response:
            (folder / name).write_bytes(response.read())
    except OSError as error:
        raise click.ClickException(f"could not download {url}: {error}") from None
