"""One chart of each kind from the store, for `make demo`: what a councillor would see."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from bot.briefbot import Briefbot
from bot.figures.answering.charting import ATTRIBUTION
from charts.render import projected_end
from charts.specs import ChartSpec, Point, Series, TurnTheCurveChart, ValueFormat
from data.figures import queries
from data.figures.catalogue import LEEDS

# The status chart is the improvement plan's summary counted from its 48 recommendations, as asked in chat.
DEMO_QUESTIONS = {
    "trend": "trend CP rate Leeds",
    "comparison": "compare NEET across Inner South",
    "status": "improvement plan summary",
}


def demo_charts(bot: Briefbot) -> dict[str, ChartSpec]:
    charts: dict[str, ChartSpec] = {}
    for kind, question in DEMO_QUESTIONS.items():
        chart = bot.ask(question).chart
        if chart is not None:
            charts[kind] = chart
    curve = children_in_need_curve(bot)
    if curve is not None:
        charts["turn-the-curve"] = curve
    return charts


def children_in_need_curve(bot: Briefbot) -> TurnTheCurveChart | None:
    """Leeds' children in need rate against its 2013 to 2015 trend carried forward."""
    with bot.store.read() as session:
        facts = [fact for fact in queries.series(session, "CIN_RATE", LEEDS) if fact.period_kind == "snapshot"]
        population = [fact for fact in queries.series(session, "POP_0_17", LEEDS) if fact.value is not None]
        titles = queries.document_citations(session)
    if len(facts) < 4 or not population or facts[-1].value is None:
        return None
    last = facts[-1]
    # The rate's own denominator: the ONS estimate for the year, or the latest before it.
    people = [fact for fact in population if fact.period_end <= last.period_end] or population
    children = people[-1]
    points = tuple(Point(fact.period_end, str(fact.period_end.year), fact.value) for fact in facts)
    sources = sorted({titles.get(fact.source_document, fact.source_document) for fact in facts})
    chart = TurnTheCurveChart(
        title="",
        subtitle="Children in need per 10,000 children aged under 18, at 31 March; dashed: the 2013 to 2015 trend "
        "carried forward",
        actual=Series("Leeds", points, focus=True),
        baseline_from=date(2013, 3, 31),
        baseline_to=date(2015, 3, 31),
        value_format=ValueFormat("rate_per_10000"),
        source=f"Source: {'; '.join(sources)}; ONS mid-year estimate {children.period_end.year}, "
        f"{children.value:,.0f} children aged 0 to 17. {ATTRIBUTION}",
        children_per_unit=(children.value or 0) / 10_000,
        projected_label="2013 to 2015 trend",
    )
    side = "below" if (last.value or 0) < projected_end(chart) else "above"
    return replace(
        chart, title=f"Leeds' children in need rate ended {side} its 2013 to 2015 trend by {last.period_end.year}"
    )
