"""Status charts for recommendation answers: how many are in each status, by theme (or plan), through the
charts package's StatusChart."""

from __future__ import annotations

from collections import Counter

from bot.recommendations.wording import plural, theme_short
from charts.specs import StatusChart
from data.recommendations import RecommendationInfo, StatusInfo, StatusSummary


def summary_chart(summary: StatusSummary, source: str) -> StatusChart:
    rows = [theme_short(row.plan, row.theme_number, row.theme_name) for row in summary.rows]
    return StatusChart(
        title=_title(summary.total, summary.totals, summary.statuses, _scope(summary)),
        subtitle=f"Recommendations by {'theme' if _themed(summary) else 'plan'} and status",
        themes=tuple(rows),
        statuses=tuple(status.short_label for status in summary.statuses),
        counts=tuple(row.counts for row in summary.rows),
        source=f"Source: {source}",
    )


def list_chart(found: list[RecommendationInfo], source: str) -> StatusChart | None:
    """By theme (or plan) and status, for a list that spans more than one status or group; None otherwise."""
    statuses = list({(rec.status.vocabulary, rec.status.position): rec.status for rec in found}.values())
    statuses.sort(key=lambda status: (status.vocabulary, status.position))
    groups = list(dict.fromkeys(theme_short(rec.plan, rec.theme_number, rec.theme_name) for rec in found))
    if len(statuses) < 2 and len(groups) < 2:
        return None
    counts = Counter((theme_short(rec.plan, rec.theme_number, rec.theme_name), rec.status) for rec in found)
    totals = tuple(sum(counts[(group, status)] for group in groups) for status in statuses)
    plans = list(dict.fromkeys(rec.plan.short_name for rec in found))
    scope = plans[0] if len(plans) == 1 else f"across {len(plans)} plans"
    return StatusChart(
        title=_title(len(found), totals, tuple(statuses), scope),
        subtitle="The recommendations asked about, by theme (or plan) and status",
        themes=tuple(groups),
        statuses=tuple(status.short_label for status in statuses),
        counts=tuple(tuple(counts[(group, status)] for status in statuses) for group in groups),
        source=f"Source: {source}",
    )


def _title(total: int, totals: tuple[int, ...], statuses: tuple[StatusInfo, ...], scope: str) -> str:
    still_open = sum(count for count, status in zip(totals, statuses, strict=True) if status.is_open)
    verb = "is" if still_open == 1 else "are"
    if still_open == total and total > 1:
        return f"All {plural(total, 'recommendation')} ({scope}) are still open"
    return f"{still_open:,} of {plural(total, 'recommendation')} ({scope}) {verb} still open"


def _scope(summary: StatusSummary) -> str:
    return " and ".join(plan.short_name for plan in summary.plans)


def _themed(summary: StatusSummary) -> bool:
    return any(row.theme_number is not None for row in summary.rows)
