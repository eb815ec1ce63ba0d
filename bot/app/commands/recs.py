"""`briefbot recs [QUERY] [--json|--csv]` and `briefbot recs summary [QUERY] [--json|--csv]`: scrutiny and
improvement-plan recommendations from the store.

QUERY is read as a chat question is ("open safeguarding", "theme 2", "2.1.5", "since March 2011"); without one,
every recommendation. --csv is the tracker as boards keep it; the summary counts recommendations by theme and
status, computed from the rows, with totals."""

from __future__ import annotations

import csv
import json
import re
import sys
import textwrap

import click

from bot.app.commands.committees import AppContext
from bot.recommendations.tracker import TRACKER_COLUMNS, recommendation_json, summary_json, tracker_rows
from bot.recommendations.wording import theme_short
from data.recommendations import StatusSummary
from data.spreadsheet import spreadsheet_safe

SUMMARY = "summary"
WIDTH = 80  # a terminal's columns
MIN_LABEL_WIDTH = 36  # enough of a theme's name to tell the themes apart


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
        # Every tracker cell is text (officers' updates among them): escaped as `briefbot export` escapes.
        rows = tracker_rows(recommendations.matching(text))
        writer.writerows({name: spreadsheet_safe(cell) for name, cell in row.items()} for row in rows)
    else:
        answer = recommendations.answer(text or "recommendations", forced=True)
        click.echo(answer.text if answer else "No recommendations match.")


def summary_table(summary: StatusSummary) -> str:
    """The boards' summary table in text, within an 80-column terminal: a row a theme, a column a status ("-" for
    none), and the totals. Statuses whose labels don't fit are headed by their stage and explained below."""
    first = "Theme" if any(row.theme_number is not None for row in summary.rows) else "Plan"
    labels = [first, "Total", *(theme_short(row.plan, row.theme_number, row.theme_name) for row in summary.rows)]
    longest = max(len(label) for label in labels)
    headings, key = _headings(summary, min(longest, MIN_LABEL_WIDTH))
    widths = [max(len(heading), 5) for heading in headings]
    label_width = min(longest, WIDTH - sum(width + 2 for width in widths) - 7)
    plans = " and ".join(plan.name for plan in summary.plans)
    bodies = ", ".join(dict.fromkeys(plan.body for plan in summary.plans))
    lines = [*textwrap.wrap(f"{plans} ({bodies})", WIDTH), _table_line(first, headings, widths, "Total", label_width)]
    for row in summary.rows:
        label = theme_short(row.plan, row.theme_number, row.theme_name)
        counts = [_cell(count) for count in row.counts]
        lines.append(_table_line(label, counts, widths, str(row.total), label_width))
    totals = [_cell(count) for count in summary.totals]
    lines.append(_table_line("Total", totals, widths, str(summary.total), label_width))
    return "\n".join([*lines, *textwrap.wrap(key, WIDTH)])


def _headings(summary: StatusSummary, label_width: int) -> tuple[list[str], str]:
    """The statuses' labels where they fit beside `label_width` characters of theme; else each status's stage
    ("Stage 3") or code, with a key saying what each is."""
    labels = [status.label for status in summary.statuses]
    if label_width + sum(max(len(label), 5) + 2 for label in labels) + 7 <= WIDTH:
        return labels, ""
    short = [f"Stage {status.code}" if status.code.isdigit() else status.code for status in summary.statuses]
    meaning = [re.sub(r"^\d+\s*", "", status.label) for status in summary.statuses]
    return short, "; ".join(f"{code}: {words}" for code, words in zip(short, meaning, strict=True)) + "."


def _table_line(label: str, cells: list[str], widths: list[int], total: str, label_width: int) -> str:
    shown = label if len(label) <= label_width else label[: label_width - 1] + "…"
    return "  ".join(
        [
            f"{shown:<{label_width}}",
            *(f"{cell:>{width}}" for cell, width in zip(cells, widths, strict=True)),
            f"{total:>5}",
        ]
    ).rstrip()


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
                theme = row.theme_number or ""
                writer.writerow([*_safe(row.plan.key), theme, *_safe(row.theme_name or "", status.code), count])
        for status, count in zip(found.statuses, found.totals, strict=True):
            writer.writerow([*_safe(plan), "total", "", *_safe(status.code), count])


def _safe(*cells: str) -> list[str]:
    """Text cells as a spreadsheet shows them, never as a formula (data.spreadsheet); counts stay numbers."""
    return [spreadsheet_safe(cell) for cell in cells]
