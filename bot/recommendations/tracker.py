"""The tracker as boards keep it (number, theme, text, officer, status, latest update and its date), and the
same recommendations and summaries as plain JSON, for exports that nobody has to retype."""

from __future__ import annotations

from typing import Any

from bot.recommendations.wording import theme_short, when
from data.recommendations import RecommendationInfo, StatusSummary, UpdateInfo

TRACKER_COLUMNS = (
    "plan",
    "number",
    "theme",
    "recommendation",
    "responsible_officer",
    "status",
    "latest_update",
    "latest_update_date",
)


def tracker_rows(found: list[RecommendationInfo]) -> list[dict[str, str]]:
    rows = []
    for rec in found:
        latest = rec.latest
        rows.append(
            {
                "plan": rec.plan.name,
                "number": rec.code,
                "theme": "" if rec.theme_number is None else theme_short(rec.plan, rec.theme_number, rec.theme_name),
                "recommendation": rec.text,
                "responsible_officer": rec.responsible_officer or "",
                "status": rec.status.label,
                "latest_update": "" if latest is None else _said(latest),
                "latest_update_date": "" if latest is None else when(latest),
            }
        )
    return rows


def recommendation_json(rec: RecommendationInfo) -> dict[str, Any]:
    return {
        "plan": rec.plan.key,
        "plan_name": rec.plan.name,
        "body": rec.plan.body,
        "code": rec.code,
        "theme": rec.theme_number,
        "theme_name": rec.theme_name,
        "text": rec.text,
        "responsible_officer": rec.responsible_officer,
        "status": rec.status.code,
        "status_label": rec.status.label,
        "open": rec.status.is_open,
        "source": {"document": rec.source_document, "locator": rec.source_locator},
        "updates": [_update_json(update) for update in rec.updates],
    }


def summary_json(summary: StatusSummary) -> dict[str, Any]:
    codes = [status.code for status in summary.statuses]
    return {
        "plans": [{"key": plan.key, "name": plan.name, "body": plan.body} for plan in summary.plans],
        "statuses": [
            {"code": status.code, "label": status.label, "description": status.description, "open": status.is_open}
            for status in summary.statuses
        ],
        "rows": [
            {
                "plan": row.plan.key,
                "theme": row.theme_number,
                "theme_name": row.theme_name,
                "counts": dict(zip(codes, row.counts, strict=True)),
                "total": row.total,
            }
            for row in summary.rows
        ],
        "totals": dict(zip(codes, summary.totals, strict=True)),
        "total": summary.total,
    }


def _said(update: UpdateInfo) -> str:
    return f"{update.label}: {update.text}" if update.text else update.label


def _update_json(update: UpdateInfo) -> dict[str, Any]:
    return {
        "label": update.label,
        "dated": update.dated.isoformat(),
        "precision": update.precision,
        "text": update.text,
        "status": None if update.status is None else update.status.code,
        "recorded_by": update.recorded_by,
        "change_set": update.change_set,
        "source": {"document": update.source_document, "locator": update.source_locator},
    }
