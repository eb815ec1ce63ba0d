"""How recommendations read, once for every answer, preview and export: names, statuses, dates, excerpts."""

from __future__ import annotations

from datetime import date

from data.figures.periods import uk_date
from data.recommendations import PlanInfo, RecommendationInfo, StatusInfo, UpdateInfo

LINE_EXCERPT = 110
HISTORY_EXCERPT = 160


def when(update: UpdateInfo) -> str:
    return dated_words(update.dated, update.precision)


def dated_words(dated: date, precision: str) -> str:
    """ "Mar 2011" for an entry about a month, "22 Nov 2026" for a day."""
    return f"{dated:%b %Y}" if precision == "month" else uk_date(dated)


def excerpt(text: str, limit: int) -> str:
    """The first paragraph, cut at a word within `limit` characters."""
    first = text.strip().split("\n\n")[0].replace("\n", " ")
    if len(first) <= limit:
        return first if first == text.strip() else first + " …"
    return first[:limit].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def status_words(status: StatusInfo) -> str:
    """A label that says what it means as it is ("3 Not achieved (obstacle)"), or the label and its meaning
    ("CSIB (continued monitoring by the Improvement Board, but with recommendations being regrouped)")."""
    if len(status.label.split()) > 1:
        return status.label
    return f"{status.label} ({status.description[:1].lower()}{status.description[1:].rstrip('.')})"


def theme_title(plan: PlanInfo, theme_number: int | None, theme_name: str | None) -> str:
    if theme_number is None:
        return plan.name
    return f"{plan.short_name}, theme {theme_number}: {theme_name or ''}".rstrip(": ")


def theme_short(plan: PlanInfo, theme_number: int | None, theme_name: str | None) -> str:
    """What fits beside a bar: "2. Excellent safeguarding standards and practice", or the plan's short name."""
    return plan.short_name if theme_number is None else f"{theme_number}. {theme_name or ''}".rstrip(". ")


def rec_name(recommendation: RecommendationInfo) -> str:
    """ "Recommendation 2.1.5 (Improvement Plan, theme 2)", "Recommendation 1 (safeguarding inquiry interim
    report)"."""
    where = recommendation.plan.short_name
    if recommendation.theme_number is not None:
        where += f", theme {recommendation.theme_number}"
    return f"Recommendation {recommendation.code} ({where})"


def rec_line(recommendation: RecommendationInfo) -> str:
    """One line of a list: "2.1.5 [CSIB] Immediately ensure that the capacity…"."""
    return f"{recommendation.code} [{recommendation.status.label}] {excerpt(recommendation.text, LINE_EXCERPT)}"


def history_line(update: UpdateInfo) -> str:
    by = f" (recorded by {update.recorded_by})" if update.change_set is not None else ""
    text = f": {excerpt(update.text, HISTORY_EXCERPT)}" if update.text.strip() else ""
    return f"{when(update)}, {update.label}{by}{text}"


def citation(titles: dict[str, str], document: str, locator: str) -> str:
    return f"{titles.get(document, document)}, {locator}"


def counted(counts: list[tuple[str, int]]) -> str:
    """ "CSIB: 20; Other: 13; Closed: 15": each status that has any, with its count."""
    parts = [f"{label}: {count:,}" for label, count in counts if count]
    return "; ".join(parts) if parts else "none"


def table_row(counts: list[tuple[str, int]]) -> str:
    """ "CSIB: 4; Other: -; Closed: 7; total 11": every status, a dash for none (as the boards' tables write it)."""
    cells = "; ".join(f"{label}: {count:,}" if count else f"{label}: -" for label, count in counts)
    return f"{cells}; total {sum(count for _label, count in counts):,}"


def plural(count: int, word: str, many: str = "") -> str:
    return f"{count:,} {word if count == 1 else many or word + 's'}"
