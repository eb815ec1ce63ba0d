"""The briefbot command line: the embedded main job and the officers' tools."""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import click
from sqlalchemy.orm import Session

from bot.answers import Answer
from bot.service import Briefbot
from bot.settings import Settings
from charts.cache import ChartCache, content_key
from data import db
from data.exchange import ImportRejected, export_rows, import_csv, write_csv
from data.store import load_seed, prepare
from data.writes import UnknownReference


class Context:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.engine = db.make_engine(settings.database_url)

    def ready(self) -> None:
        prepare(self.engine, seed=self.settings.seed)

    def briefbot(self) -> Briefbot:
        self.ready()
        return Briefbot(self.engine, charts=ChartCache(directory=self.settings.chart_cache_dir))


pass_context = click.make_pass_decorator(Context)


@click.group()
@click.option("--database-url", envvar=None, help="Overrides DATABASE_URL.")
@click.option("--no-seed", is_flag=True, help="Do not load the seed figures into a new database.")
@click.pass_context
def main(ctx: click.Context, database_url: str | None, no_seed: bool) -> None:
    """briefbot: children's services figures for Leeds councillors."""
    settings = Settings.from_env()
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
    report = prepare(context.engine, seed=context.settings.seed)
    click.echo(f"Database: {_safe_url(context)}")
    click.echo("Schema migrated to the newest version." if report.migrated else "Schema already up to date.")
    if report.catalogue_loaded:
        click.echo("Loaded the geography and indicator catalogue.")
    if report.seed is not None:
        click.echo(f"Loaded {report.seed.created:,} seed figures.")


@main.command("seed")
@pass_context
def seed_command(context: Context) -> None:
    """Load (or refresh) the seed figures from the five reports. Safe to run again."""
    prepare(context.engine, seed=False)
    with Session(context.engine) as session, session.begin():
        summary = load_seed(session)
    click.echo(
        f"Seed figures: {summary.created:,} added, {summary.updated:,} corrected, {summary.unchanged:,} unchanged."
    )


@main.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), help="File (default: stdout).")
@pass_context
def export_command(context: Context, output: Path | None) -> None:
    """Every observation as a long CSV with its provenance."""
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
@pass_context
def import_command(context: Context, file: Path, actor: str) -> None:
    """Import a long CSV (as written by `briefbot export`). All or nothing."""
    context.ready()
    try:
        with Session(context.engine) as session, session.begin():
            summary = import_csv(session, file, actor=actor, channel="cli")
    except (ImportRejected, UnknownReference) as error:
        raise click.ClickException(f"{file.name}: {error}") from None
    click.echo(
        f"{file.name}: {summary.total:,} rows read; {summary.created:,} added, "
        f"{summary.updated:,} corrected, {summary.unchanged:,} unchanged."
    )


def _safe_url(context: Context) -> str:
    return context.engine.url.render_as_string(hide_password=True)


@main.command("ask")
@click.argument("question", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per answer.")
@click.option("--chart-dir", type=click.Path(file_okay=False, path_type=Path), help="Write charts here.")
@pass_context
def ask_command(context: Context, question: tuple[str, ...], as_json: bool, chart_dir: Path | None) -> None:
    """Answer a question, e.g. briefbot ask "NEET in JESS". Use - to read one question per line from stdin."""
    bot = context.briefbot()
    if question == ("-",):
        for line in sys.stdin:
            if line.strip():
                _print_answer(bot, line.strip(), as_json=True, chart_dir=chart_dir)
        return
    _print_answer(bot, " ".join(question), as_json=as_json, chart_dir=chart_dir)


def _print_answer(bot: Briefbot, text: str, *, as_json: bool, chart_dir: Path | None) -> None:
    answer = bot.ask(text)
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
    from bot.demo import demo_charts

    bot = context.briefbot()
    output_dir.mkdir(parents=True, exist_ok=True)
    for kind, spec in demo_charts(bot).items():
        chart = bot.charts.render(spec)
        path = output_dir / f"{kind}.png"
        path.write_bytes(chart.png)
        path.with_suffix(".txt").write_text(chart.alt_text + "\n", encoding="utf-8")
        click.echo(f"{path}: {chart.title}")
