"""The briefbot command line: the embedded main job and the officers' tools."""

from __future__ import annotations

import importlib
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.orm import Session

from bot.app.settings import SettingError, Settings, require_platforms
from data import db
from data.figures.catalogue import LEEDS
from data.models import UNITS
from data.store import prepare

if TYPE_CHECKING:
    # Only for annotations: the chart stack (matplotlib) and the importers load inside the commands that
    # use them, so `briefbot ask` without --chart-dir starts without them.
    from bot.answer import Answer
    from bot.briefbot import Briefbot
    from charts.cache import ChartCache
    from data.figures.importers.reading import Progress


class LazyChoice(click.Choice[str]):
    """A choice whose values are read when an option is parsed or shown, not when the CLI loads: the
    import command's --period names the importers' rules, and `ask` should not load the importers."""

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load
        self._choices: tuple[str, ...] | None = None
        self.case_sensitive = True

    @property
    def choices(self) -> tuple[str, ...]:
        if self._choices is None:
            self._choices = tuple(self._load())
        return self._choices

    @choices.setter
    def choices(self, values: tuple[str, ...]) -> None:
        self._choices = values


def _period_rules() -> list[str]:
    from data.figures.importers.periods import PERIOD_RULES

    return sorted(PERIOD_RULES)


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = db.make_engine(settings.database_url)

    @property
    def local(self) -> bool:
        """Leeds' own places and report figures: only with Leeds at home."""
        return self.settings.home_la == LEEDS

    def ready(self) -> None:
        prepare(self.engine, seed=self.settings.seed, local=self.local, national=self.settings.national)

    def briefbot(self, charts: ChartCache | None = None) -> Briefbot:
        from bot.briefbot import Briefbot
        from bot.figures.language.authorities import Home

        self.ready()
        home = Home(self.settings.home_la, self.settings.core_cities)
        return Briefbot(
            self.engine,
            charts=charts,
            neighbours_on=self.settings.neighbours_on,
            home=home,
            thread_expiry=self.settings.thread_memory,
        )

    def chart_cache(self) -> ChartCache:
        from charts.cache import ChartCache

        return ChartCache(directory=self.settings.chart_cache_dir)


pass_context = click.make_pass_decorator(Context)
MAX_MESSAGE = 300


class GuardedGroup(click.Group):
    """The command line's one error boundary: whatever a command meets (an unreachable database, a file it
    can't open, a bug), the officer sees one line on stderr and a non-zero exit, not a traceback. The
    traceback is for --debug or BRIEFBOT_DEBUG=1. Commands in LAZY_COMMANDS load when first named."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in LAZY_COMMANDS:
            module = importlib.import_module(f"bot.app.commands.{LAZY_COMMANDS[cmd_name]}")
            self.add_command(module.command)
        return super().get_command(ctx, cmd_name)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except BrokenPipeError:
            # The reader (`| head`) has gone: nothing more to say, and nowhere to say it.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(1) from None
        except Exception as error:
            if ctx.params.get("debug") or os.environ.get("BRIEFBOT_DEBUG", "") not in {"", "0"}:
                raise
            raise click.ClickException(_one_line(describe(error, ctx.obj))) from None


def describe(error: Exception, context: object) -> str:
    """What went wrong, in words an officer can act on."""
    where = f" at {_safe_url(context)}" if isinstance(context, Context) else ""
    if isinstance(error, DBAPIError):
        reason = str(error.orig).splitlines()[0] if str(error.orig) else type(error.orig).__name__
        if "database is locked" in reason:
            return f"the database{where} is busy (another briefbot is writing); try again in a moment"
        if error.connection_invalidated or any(word in reason.lower() for word in ("connect", "unable to open")):
            return f"cannot reach the database{where}: {reason}"
        return f"the database{where} could not be used: {reason}"
    if isinstance(error, ArgumentError):
        return f"the database URL is not one briefbot can use: {error}"
    if isinstance(error, SQLAlchemyError):
        return f"the database{where} could not be used: {error}"
    if isinstance(error, OSError):
        return f"cannot use {error.filename}: {error.strerror}" if error.filename else str(error)
    return f"unexpected error ({type(error).__name__}: {error}); run with --debug for the details"


def _one_line(message: str) -> str:
    line = " ".join(message.split())
    return line if len(line) <= MAX_MESSAGE else line[: MAX_MESSAGE - 1] + "…"


@click.group(cls=GuardedGroup)
@click.option("--database-url", envvar=None, help="Overrides DATABASE_URL.")
@click.option("--no-seed", is_flag=True, help="Do not load the seed figures into a new database.")
@click.option("--debug", is_flag=True, help="Show the traceback of an unexpected error (or BRIEFBOT_DEBUG=1).")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, no_seed: bool, debug: bool) -> None:
    """briefbot: children's services figures for Leeds councillors."""
    try:
        settings = Settings.from_env()
    except SettingError as error:
        raise click.UsageError(str(error)) from None
    if database_url:
        settings = replace(settings, database_url=database_url)
    if no_seed:
        settings = replace(settings, seed=False)
    ctx.obj = Context(settings)


@main.group("db")
def db_group() -> None:
    """The store's schema."""


@db_group.command("upgrade")
@pass_context
def db_upgrade(context: Context) -> None:
    """Create or migrate the schema, and load the catalogue (and seed) into a new database."""
    report = prepare(
        context.engine, seed=context.settings.seed, local=context.local, national=context.settings.national
    )
    click.echo(f"Database: {_safe_url(context)}")
    click.echo("Schema migrated to the newest version." if report.migrated else "Schema already up to date.")
    if report.catalogue_loaded:
        click.echo("Loaded the geography and indicator catalogue.")
    if report.seed is not None:
        click.echo(f"Loaded {report.seed.created:,} seed figures from the five reports.")
    if report.official:
        figures = sum(item.figures.created for item in report.official)
        click.echo(f"Imported {figures:,} official figures from {len(report.official)} DfE and ONS files.")


@main.command("seed")
@click.option("--no-official", is_flag=True, help="Only the five reports' figures, not the bundled DfE/ONS files.")
@pass_context
def seed_command(context: Context, no_official: bool) -> None:
    """Load (or refresh) the seed figures and the bundled official files. Safe to run again."""
    from data.bundled import load_bundled
    from data.figures.importers import ImportProblem

    prepare(context.engine, seed=False, local=context.local)
    try:
        with Session(context.engine) as session, session.begin():
            summary, official = load_bundled(
                session, official=not no_official, local=context.local, national=context.settings.national
            )
    except ImportProblem as error:  # another import holds the lock past its wait: one line
        raise click.ClickException(str(error)) from None
    if summary is None:
        click.echo("Seed figures: none (Leeds' reports apply only with Leeds at home).")
    else:
        click.echo(
            f"Seed figures: {summary.created:,} added, {summary.updated:,} corrected, {summary.unchanged:,} unchanged."
        )
    for report in official:
        figures = report.figures
        click.echo(
            f"{report.file}: {figures.created:,} added, {figures.updated:,} revised, {figures.unchanged:,} unchanged."
        )


@main.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@pass_context
def export_command(context: Context, output: Path | None) -> None:
    """Every observation as a long CSV with its provenance."""
    from data.figures.importers.long_csv import export_rows, write_csv

    context.ready()
    with Session(context.engine) as session:
        if output is None:
            count = write_csv(export_rows(session), sys.stdout)
        else:
            with output.open("w", newline="", encoding="utf-8") as handle:
                count = write_csv(export_rows(session), handle)
    click.echo(f"Exported {count:,} figures.", err=True)


@main.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="cli", show_default=True, help="Who is importing, for the audit log.")
@click.option("--indicator", help="Generic mode: the indicator code the column holds.")
@click.option("--column", help="Generic mode: the column with the figures.")
@click.option(
    "--where", "where", multiple=True, metavar="COL=VALUE", help="Generic mode: keep rows where COL is VALUE."
)
@click.option("--period", "period_rule", type=LazyChoice(_period_rules), help="Generic mode: how time_period reads.")
@click.option(
    "--new-indicator",
    "new_name",
    metavar="NAME",
    help="The file's one indicator code the store lacks is new: create it with this name (and --unit).",
)
@click.option("--name", "old_name", hidden=True, help="Generic mode's earlier spelling of --new-indicator.")
@click.option("--unit", type=click.Choice(UNITS), help="The new indicator's unit.")
@pass_context
def import_command(
    context: Context,
    file: Path,
    actor: str,
    indicator: str | None,
    column: str | None,
    where: tuple[str, ...],
    period_rule: str | None,
    new_name: str | None,
    old_name: str | None,
    unit: str | None,
) -> None:
    """Import figures: briefbot's own long CSV, a DfE publication it recognises, or (generic mode) any EES file.

    Every row is checked first; one bad row rejects the file and nothing is written. An indicator code the
    store lacks is refused unless --new-indicator NAME --unit UNIT says it is new.
    """
    from data.figures.importers import GenericRequest, ImportProblem, NewIndicator, import_into

    context.ready()
    name = new_name or old_name
    if bool(name) != bool(unit):
        raise click.UsageError("a new indicator needs both --new-indicator NAME and --unit UNIT")
    generic = new = None
    if indicator or column:
        if not (indicator and column):
            raise click.UsageError("generic mode needs both --indicator and --column")
        generic = GenericRequest(indicator, column, _pairs(where), period_rule, name, unit)
    elif name and unit:
        new = NewIndicator(name, unit)
    try:
        # Its own transaction, holding the import lock: a second import at once waits its turn.
        progress = _progress(file)
        report = import_into(
            context.engine, file, actor=actor, channel="cli", generic=generic, progress=progress, new_indicator=new
        )
    except ImportProblem as error:  # already one line naming the file
        raise click.ClickException(str(error)) from None
    for line in report.lines():
        click.echo(line)


def _pairs(where: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    pairs = []
    for item in where:
        column, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not COLUMN=VALUE", param_hint="--where")
        pairs.append((column.strip(), value.strip()))
    return tuple(pairs)


def _progress(file: Path) -> Progress | None:
    """A progress bar on large files, on a terminal only (stderr, so piped output stays clean)."""
    size = file.stat().st_size
    if size < 2_000_000 or not sys.stderr.isatty():
        return None

    def wrap(rows: Iterator[dict[str, str]]) -> Iterable[dict[str, str]]:
        with click.progressbar(rows, label=f"Reading {file.name}", file=sys.stderr) as bar:
            yield from bar

    return wrap


def _safe_url(context: Context) -> str:
    return context.engine.url.render_as_string(hide_password=True)


@main.command("ask")
@click.argument("question", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option("--chart-dir", type=click.Path(file_okay=False, path_type=Path), help="Write charts here.")
@click.option(
    "--session",
    metavar="NAME",
    help='A conversation to continue: "and 2022?" is read with the last question asked in it (kept in the store).',
)
@pass_context
def ask_command(
    context: Context, question: tuple[str, ...], as_json: bool, chart_dir: Path | None, session: str | None
) -> None:
    """Answer a question, e.g. briefbot ask "NEET in JESS". Use - to read one question per line from stdin."""
    # A cache (and with it matplotlib) only when charts are to be written.
    bot = context.briefbot(None if chart_dir is None else context.chart_cache())
    thread = f"cli:{session}" if session else None
    if question == ("-",):
        for line in sys.stdin:
            if line.strip():
                _print_answer(bot, line.strip(), as_json=True, chart_dir=chart_dir, thread=thread)
        return
    _print_answer(bot, " ".join(question), as_json=as_json, chart_dir=chart_dir, thread=thread)


def _print_answer(bot: Briefbot, text: str, *, as_json: bool, chart_dir: Path | None, thread: str | None) -> None:
    answer = bot.ask(text, thread=thread)
    chart_path = _write_chart(bot, answer, chart_dir)
    if as_json:
        click.echo(json.dumps(answer.to_json(chart_path), ensure_ascii=False))
        return
    click.echo(answer.text)
    if answer.follow_ups:
        click.echo("Next: " + " | ".join(option.question for option in answer.follow_ups))
    if chart_path:
        click.echo(f"Chart: {chart_path}")


def _write_chart(bot: Briefbot, answer: Answer, chart_dir: Path | None) -> str | None:
    if chart_dir is None or answer.chart is None:
        return None
    from charts.cache import content_key

    chart = bot.chart(answer)
    assert chart is not None
    chart_dir.mkdir(parents=True, exist_ok=True)
    path = chart_dir / f"chart-{content_key(answer.chart)[:12]}.png"
    path.write_bytes(chart.png)
    path.with_suffix(".txt").write_text(chart.alt_text + "\n", encoding="utf-8")
    return str(path)


@main.command("demo-charts")
@click.option("--output-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"), show_default=True)
@pass_context
def demo_charts_command(context: Context, output_dir: Path) -> None:
    """Write one chart of each kind (trend, comparison, turn the curve, status) with its alt text."""
    from bot.app.demo import demo_charts

    bot = context.briefbot(context.chart_cache())
    output_dir.mkdir(parents=True, exist_ok=True)
    for kind, spec in demo_charts(bot).items():
        chart = bot.charts.render(spec)
        path = output_dir / f"{kind}.png"
        path.write_bytes(chart.png)
        path.with_suffix(".txt").write_text(chart.alt_text + "\n", encoding="utf-8")
        click.echo(f"{path}: {chart.title}")


@main.command("serve")
@pass_context
def serve_command(context: Context) -> None:
    """Serve the configured platforms on HOST:PORT: Slack at /slack/events (or Socket Mode), Teams at /api/messages."""
    import logging

    from bot.app.serve import chart_cache, serve

    try:
        require_platforms(context.settings)
    except SettingError as error:
        raise click.ClickException(str(error)) from None
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    serve(context.settings, context.briefbot(chart_cache(context.settings)))


# Commands in their own modules (bot/app/commands), imported only when asked for: `briefbot ask` should not
# pay for the digests, the importers or the Teams package builder.
LAZY_COMMANDS = {
    "indicators": "indicators",
    "digest": "digest",
    "committees": "committees",
    "meetings": "meetings",
    "wards": "wards",
    "set": "set",
    "audit": "audit",
    "undo": "undo",
    "teams-package": "teams_package",
    "recs": "recs",
    "refresh": "refresh",
}
