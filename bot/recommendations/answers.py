"""Answers about recommendations as bot.answer.Answer, so Slack, Teams and the terminal show them as they show
any answer (bot.conversation.cards). Every count is computed from the rows read for this answer."""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from bot.answer import Answer, Option, Section, Status, flatten
from bot.recommendations.charting import list_chart, summary_chart
from bot.recommendations.reading import RecAsk, Vocabulary
from bot.recommendations.wording import (
    citation,
    counted,
    excerpt,
    history_line,
    plural,
    rec_line,
    rec_name,
    status_words,
    table_row,
    theme_title,
    when,
)
from data.recommendations import CodeRef, PlanInfo, RecommendationChange, RecommendationInfo, StatusSummary

LATEST_EXCERPT = 400
CLOSEST = 3
SUMMARY_QUESTION = "improvement plan summary"
EXAMPLES = (
    "Try “recommendations theme 2”, “open safeguarding recommendations”, “rec 2.1.5” or “improvement plan summary”."
)


@dataclass(frozen=True)
class Context:
    """What every answer may cite and name: document titles by key, and what the store holds."""

    titles: dict[str, str]
    vocabulary: Vocabulary

    def plan_source(self, plan: PlanInfo) -> str:
        return citation(self.titles, plan.source_document, plan.source_locator)


def list_answer(ask: RecAsk, found: list[RecommendationInfo], ctx: Context) -> Answer:
    scope = _scope(ask, found, ctx)
    noun = f"{_adjective(ask)}recommendation" + ("" if len(found) == 1 else "s")
    if not found:
        return Answer(
            status=Status.NO_DATA,
            headline=f"No {_adjective(ask)}recommendations{scope}.",
            sentences=(EXAMPLES,),
            reading=f"recommendations{scope}",
            options=(Option("Improvement plan summary", SUMMARY_QUESTION),),
        )
    sections = _grouped(found)
    sources = tuple(dict.fromkeys(ctx.plan_source(rec.plan) for rec in found))
    return Answer(
        status=Status.ANSWER,
        headline=f"{len(found):,} {noun}{scope}{_by_status(found, named=bool(ask.wanted.statuses))}.",
        sentences=flatten(sections),
        sections=sections,
        reading=f"recommendations{scope}",
        chart=list_chart(found, "; ".join(sources)),
        sources=sources,
        follow_ups=_follow_ups(found),
    )


def one_answer(ask: RecAsk, matches: list[RecommendationInfo], ctx: Context) -> Answer:
    code = ask.code or ""
    if not matches:
        return unknown_code(code, ctx, ask.wanted.plans)
    if len(matches) > 1:
        return Answer(
            status=Status.CLARIFY,
            headline=f"Recommendation {code} is in more than one plan. Which one?",
            options=tuple(Option(rec.plan.name, _ask_about(rec).question) for rec in matches),
            reading=f"recommendation {code}",
        )
    rec = matches[0]
    sentences = [rec.text]
    if rec.responsible_officer:
        sentences.append(f"Responsible: {rec.responsible_officer}.")
    latest = rec.latest
    if latest is not None:
        sentences.append(f"Latest, {latest.label} ({when(latest)}): {excerpt(latest.text, LATEST_EXCERPT)}")
    history = Section("History", tuple(history_line(update) for update in rec.updates)) if rec.updates else None
    sources = [citation(ctx.titles, rec.source_document, rec.source_locator)]
    if latest is not None:
        sources.append(citation(ctx.titles, latest.source_document, latest.source_locator))
    return Answer(
        status=Status.ANSWER,
        headline=f"{rec_name(rec)}: {status_words(rec.status)}.",
        sentences=(*sentences, *(flatten((history,)) if history else ())),
        sections=(Section(rec.theme_name or rec.plan.name, tuple(sentences)), *((history,) if history else ())),
        reading=f"recommendation {rec.code}, {rec.plan.name}",
        sources=tuple(dict.fromkeys(sources)),
        follow_ups=_around(rec),
    )


def unknown_code(code: str, ctx: Context, plans: tuple[str, ...] = ()) -> Answer:
    """Not held: say so, how each plan numbers its recommendations, and the closest codes held. Where the
    question named a plan ("recommendation 3 of the safeguarding inquiry"), only that plan's."""
    named = [plan for plan in ctx.vocabulary.plans if plan.key in plans] or list(ctx.vocabulary.plans)
    keys = {plan.key for plan in named}
    refs = [ref for ref in ctx.vocabulary.codes if ref.plan in keys]
    numbering = [_numbering(plan, ctx.vocabulary.codes) for plan in named]
    codes = list(dict.fromkeys(ref.code for ref in refs))
    closest = difflib.get_close_matches(code, codes, n=CLOSEST, cutoff=0.0) if codes else []
    intro = "The plans held number them like this:" if len(named) > 1 else "What is held:"
    sentences = [intro, *numbering]
    if closest:
        sentences.append(f"The closest held: {', '.join(closest)}.")
    return Answer(
        status=Status.NO_DATA,
        headline=f"Recommendation {code} isn't held.",
        sentences=tuple(sentences),
        reading=f"recommendation {code}",
        options=tuple(Option(f"Recommendation {found}", f"rec {found}") for found in closest),
    )


def summary_answer(ask: RecAsk, summaries: list[StatusSummary], ctx: Context) -> Answer:
    scope = _scope(ask, [], ctx)
    if not summaries:
        return Answer(
            status=Status.NO_DATA,
            headline=f"No {_adjective(ask)}recommendations{scope} to summarise.",
            sentences=(EXAMPLES,),
            reading=f"summary of recommendations{scope}",
        )
    sections = tuple(section for found in summaries for section in _summary_sections(found))
    total = sum(found.total for found in summaries)
    headline = (
        f"{_names(summaries[0])}: {plural(total, _adjective(ask) + 'recommendation')}, "
        f"{counted(list(zip(_labels(summaries[0]), summaries[0].totals, strict=True)))}."
        if len(summaries) == 1
        else f"{plural(total, _adjective(ask) + 'recommendation')} in {len(summaries)} sets of plans{scope}."
    )
    sources = tuple(dict.fromkeys(ctx.plan_source(plan) for found in summaries for plan in found.plans))
    biggest = max(summaries, key=lambda found: found.total)
    return Answer(
        status=Status.ANSWER,
        headline=headline,
        sentences=flatten(sections),
        sections=sections,
        reading=f"summary of recommendations{scope}",
        chart=summary_chart(biggest, "; ".join(ctx.plan_source(plan) for plan in biggest.plans)),
        sources=sources,
        follow_ups=(Option("Open recommendations", "open recommendations"),),
    )


def changes_answer(ask: RecAsk, changes: list[RecommendationChange], latest: str | None, ctx: Context) -> Answer:
    if ask.since is None:
        return Answer(
            status=Status.CLARIFY,
            headline=f"Since when? I couldn't read {ask.since_words}.",
            sentences=("Say a month or a day, e.g. “what changed since March 2011?”.",),
            reading="recommendation updates since a date",
        )
    if not changes:
        last = f" The latest is dated {latest}." if latest else ""
        return Answer(
            status=Status.NO_DATA,
            headline=f"No recommendation has an update dated or recorded since {ask.since_words}.{last}",
            reading=f"recommendation updates since {ask.since_words}",
            options=(Option("Improvement plan summary", SUMMARY_QUESTION),),
        )
    grouped: dict[tuple[str, str], list[RecommendationChange]] = {}
    for change in changes:
        grouped.setdefault((change.recommendation.plan.key, change.recommendation.code), []).append(change)
    sections = tuple(
        Section(
            f"{rec_name(items[0].recommendation)}, now {items[0].recommendation.status.label}",
            tuple(history_line(item.update) for item in items),
        )
        for items in grouped.values()
    )
    sources = tuple(
        dict.fromkeys(
            citation(ctx.titles, change.update.source_document, change.update.source_locator) for change in changes
        )
    )
    return Answer(
        status=Status.ANSWER,
        headline=f"{plural(len(grouped), 'recommendation')} with {plural(len(changes), 'update')} since "
        f"{ask.since_words}:",
        sentences=flatten(sections),
        sections=sections,
        reading=f"recommendation updates since {ask.since_words}",
        sources=sources,
        follow_ups=tuple(_ask_about(items[0].recommendation) for items in list(grouped.values())[:3]),
    )


def none_held() -> Answer:
    return Answer(
        status=Status.NO_DATA,
        headline="No recommendations are held yet.",
        sentences=("An administrator can load the bundled ones with `briefbot seed`.",),
        reading="recommendations",
    )


# -- pieces ------------------------------------------------------------------------------------------------------
def _adjective(ask: RecAsk) -> str:
    return {True: "open ", False: "closed ", None: ""}[ask.wanted.is_open]


def _scope(ask: RecAsk, found: list[RecommendationInfo], ctx: Context) -> str:
    wanted = ask.wanted
    parts = []
    if wanted.plans:
        parts.append(" in the " + " and the ".join(ctx.vocabulary.plan(key).name for key in wanted.plans))
    if wanted.theme is not None:
        name = next((rec.theme_name for rec in found if rec.theme_number == wanted.theme and rec.theme_name), "")
        parts.append(f"{',' if wanted.plans else ' in'} theme {wanted.theme}" + (f" ({name})" if name else ""))
    if wanted.statuses:
        labels = [status.label for status in ctx.vocabulary.statuses if status.code in wanted.statuses]
        parts.append(" with status " + " or ".join(dict.fromkeys(labels)))
    if wanted.words:
        parts.append(" mentioning " + " and ".join(f"“{word}”" for word in wanted.words))
    return "".join(parts)


def _grouped(found: list[RecommendationInfo]) -> tuple[Section, ...]:
    groups: dict[tuple[str, int | None], list[RecommendationInfo]] = {}
    for rec in found:
        groups.setdefault((rec.plan.key, rec.theme_number), []).append(rec)
    return tuple(
        Section(theme_title(recs[0].plan, recs[0].theme_number, recs[0].theme_name), tuple(map(rec_line, recs)))
        for recs in groups.values()
    )


def _by_status(found: list[RecommendationInfo], *, named: bool) -> str:
    """ ": CSIB: 9; Other: 4; Closed: 7" where more than one status is among them; ", all CSIB" where one is
    and the question did not name it."""
    counts = _status_counts(found)
    if len(counts) > 1:
        return f": {counted(counts)}"
    return f", all {counts[0][0]}" if len(found) > 1 and not named else ""


def _status_counts(found: list[RecommendationInfo]) -> list[tuple[str, int]]:
    statuses = sorted({rec.status for rec in found}, key=lambda status: (status.vocabulary, status.position))
    return [(status.label, sum(rec.status == status for rec in found)) for status in statuses]


def _summary_sections(found: StatusSummary) -> tuple[Section, ...]:
    labels = _labels(found)
    lines = [
        f"{theme_title(row.plan, row.theme_number, row.theme_name)}: "
        f"{table_row(list(zip(labels, row.counts, strict=True)))}"
        for row in found.rows
    ]
    lines.append(f"Total: {table_row(list(zip(labels, found.totals, strict=True)))}")
    meanings = tuple(
        f"{status.label}: {status.description}" for status in found.statuses if status.label == status.code
    )
    title = f"{_names(found)} ({', '.join(dict.fromkeys(plan.body for plan in found.plans))})"
    return (Section(title, tuple(lines)), *((Section("What the statuses mean", meanings, 2),) if meanings else ()))


def _labels(found: StatusSummary) -> list[str]:
    return [status.label for status in found.statuses]


def _names(found: StatusSummary) -> str:
    return " and ".join(plan.name for plan in found.plans)


def _numbering(plan: PlanInfo, codes: tuple[CodeRef, ...]) -> str:
    held = [ref.code for ref in codes if ref.plan == plan.key]
    if not held:
        return f"{plan.name}: none held."
    span = held[0] if len(held) == 1 else f"{held[0]} to {held[-1]}"
    shape = " (theme.area.number)" if "." in held[0] else ""
    return f"{plan.name}: {plural(len(held), 'recommendation')}, {span}{shape}."


def _ask_about(rec: RecommendationInfo) -> Option:
    """A question that finds exactly this recommendation, its plan named where codes repeat across plans."""
    label = f"Recommendation {rec.code}" + ("" if rec.theme_number is not None else f" ({rec.plan.short_name})")
    return Option(label, f"rec {rec.code} {rec.plan.words[0] if rec.plan.words else ''}".strip())


def _follow_ups(found: list[RecommendationInfo]) -> tuple[Option, ...]:
    options = [_ask_about(found[0])]
    if any(rec.theme_number is not None for rec in found):
        options.append(Option("Improvement plan summary", SUMMARY_QUESTION))
    return tuple(options)


def _around(rec: RecommendationInfo) -> tuple[Option, ...]:
    if rec.theme_number is None:
        return (Option(rec.plan.short_name, f"recommendations {rec.plan.words[0]}"),)
    return (
        Option(f"Theme {rec.theme_number}", f"recommendations theme {rec.theme_number}"),
        Option("Improvement plan summary", SUMMARY_QUESTION),
    )
