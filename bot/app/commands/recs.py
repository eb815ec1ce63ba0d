"""`briefbot recs [QUERY] [--json|--csv]` and `briefbot recs summary [QUERY] [--json|--csv]`: scrutiny and
improvement-plan recommendations from the store.

QUERY is read as a chat question is ("open safeguarding", "theme 2", "2.1.5", "since March 2011"); without one,
every recommendation. --csv is the tracker as boards keep it; the summary counts recommendations by theme and
status, computed from the rows, with totals."""

from __future__ import annotations

import csv
import json
import sys

import click

from bot.app.commands.committees import AppContext
from bot.recommendations.tracker import TRACKER_COLUMNS, recommendation_json, summary_json, tracker_rows
from bot.recommendations.wording import theme_short
from data.recommendations import StatusSummary

SUMMARY = "summary"
THEME_WIDTH = 60


@click.command("recs")
@click.argument("query", nargs=-1)
@click.option("--json", "as_json", is_flag=True, help="The recommendations (or summary) as JSON.")
@click.option("--csv", "as_csv", is_flag=True, help="The tracker as boards keep it (or the summary's rows).")
@click.pass_context
def command(ctx: click.Context, query: tuple[str, ...], as_json: bool, as_csv: bool) -> None:
    """Recommendations, e.g. briefbot recs open safeguarding; briefbot recs summary --json."""
    if as_json and as_csv:
        raise click.UsageError("choose --json or --csv, not both")
    context: AppContext = ctx.obj
    recommendations = context.briefbot().recommendations
    words = list(query)
    if words[:1] == [SUMMARY]:
        summaries = recommendations.summaries(" ".join(words[1:]))
        if as_json:
            click.echo(json.dumps([summary_json(found) for found in summaries], ensure_ascii=False, indent=2))
        elif as_csv:
            _summary_csv(summaries)
        else:
            click.echo("\n\n".join(summary_table(found) for found in summaries) or "No recommendations match.")
        return
    text = " ".join(words)
    if as_json:
        found = recommendations.matching(text)
        click.echo(json.dumps([recommendation_json(rec) for rec in found], ensure_ascii=False, indent=2))
    elif as_csv:
        writer = csv.DictWriter(sys.stdout, fieldnames=TRACKER_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(tracker_rows(recommendations.matching(text)))
    else:
        answer = recommendations.answer(text or "recommendations", forced=True)
        click.echo(answer.text if answer else "No recommendations match.")


def summary_table(summary: StatusSummary) -> str:
    """The boards' summary table in text: a row a theme, a column a status ("-" for none), and the totals."""
    headings = [status.label for status in summary.statuses]
    widths = [max(len(heading), 5) for heading in headings]
    first = "Theme" if any(row.theme_number is not None for row in summary.rows) else "Plan"
    plans = " and ".join(plan.name for plan in summary.plans)
    bodies = ", ".join(dict.fromkeys(plan.body for plan in summary.plans))
    lines = [f"{plans} ({bodies})", _table_line(first, headings, widths, "Total")]
    for row in summary.rows:
        label = theme_short(row.plan, row.theme_number, row.theme_name)
        lines.append(_table_line(label, [_cell(count) for count in row.counts], widths, str(row.total)))
    lines.append(_table_line("Total", [_cell(count) for count in summary.totals], widths, str(summary.total)))
    return "\n".join(lines)


def _table_line(label: str, cells: list[str], widths: list[int], total: str) -> str:
    shown = label if len(label) <= THEME_WIDTH else label[: THEME_WIDTH - 1] + "…"
    return "  ".join(
        [
            f"{shown:<{THEME_WIDTH}}",
            *(f"{cell:>{width}}" for cell, width in zip(cells, widths, strict=True)),
            f"{total:>5}",
        ]
    )


def _cell(count: int) -> str:
    return f"{count:,}" if count else "-"


def _summary_csv(summaries: list[StatusSummary]) -> None:
    """Theme -> status -> count, a row each, with a total row per status."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["plan", "theme", "theme_name", "status", "count"])
    for found in summaries:
        plan = found.plans[0].key if len(found.plans) == 1 else "+".join(plan.key for plan in found.plans)
        for row in found.rows:
            for status, count in zip(found.statuses, row.counts, strict=True):
                writer.writerow([row.plan.key, row.theme_number or "", row.theme_name or "", status.code, count])
        for status, count in zip(found.statuses, found.totals, strict=True):
            writer.writerow([plan, "total", "", status.code, count])
