"""What we hold for a place, theme by theme, and the `/brief` key figures (the first three themes)."""

from __future__ import annotations

from collections import defaultdict

from bot.answer import Answer, Option, Section, Status, flatten
from bot.figures.answering import facts as fact_rules
from bot.figures.answering.context import Context
from bot.figures.answering.wording import shown, when
from bot.figures.language import places
from data.figures.queries import Fact
from data.text import normalise

THEMES = ("looked_after_children", "neet", "attendance", "workforce", "context")
BRIEF_THEMES = THEMES[:3]  # the three obsessions: looked after children, NEET and attendance
THEME_TITLES = {
    "looked_after_children": "Children looked after and safeguarding",
    "neet": "Young people NEET",
    "attendance": "School attendance",
    "workforce": "Social work workforce",
    "context": "Context",
}
OVERVIEW_LIMIT = 14
MAX_LINKED_PLACES = 2
MAX_TREND_FOLLOW_UPS = 3
KEY_ORDER = (
    "LAC_COUNT",
    "LAC_RATE",
    "CPP_COUNT",
    "CPP_RATE",
    "CIN_RATE",
    "RFS_COUNT",
    "REFERRAL_COUNT",
    "CAF_INITIATED",
    "CAF_OPEN",
    "NEET_PCT",
    "NEET_COUNT",
    "NEET_16_17_PCT",
    "NEET_NOT_KNOWN_PCT",
)


def answer_overview(ctx: Context, place: str, themes: tuple[str, ...] | None = None) -> Answer:
    codes = [
        code
        for code in ctx.lexicon.indicators_with_data(place)
        if themes is None or ctx.lexicon.indicators[code].theme in themes
    ]
    if not codes:
        return _overview_elsewhere(ctx, place)
    ctx.facts.load(codes, [place])
    sections, shown_facts = _theme_sections(ctx, place, codes)
    return Answer(
        status=Status.ANSWER,
        headline=f"What we hold for {ctx.names.name(place)}:",
        sentences=flatten(sections),
        sections=sections,
        reading=f"overview, {ctx.names.name(place)}",
        facts=ctx.names.views(shown_facts, "latest"),
        sources=ctx.names.sources(shown_facts),
        follow_ups=tuple(
            Option(
                f"{ctx.lexicon.indicators[fact.indicator].short_name} trend",
                f"trend {normalise(fact.indicator)} {ctx.names.place_words(place)}",
            )
            for fact in shown_facts[:MAX_TREND_FOLLOW_UPS]
        ),
    )


def theme_title(theme: str) -> str:
    return THEME_TITLES.get(theme, theme.replace("_", " ").capitalize())


def _by_theme(ctx: Context, codes: list[str]) -> dict[str, list[str]]:
    """Indicators grouped by theme, themes and indicators in briefing order (key figures first)."""
    by_theme: dict[str, list[str]] = defaultdict(list)
    for code in sorted(codes, key=lambda code: (KEY_ORDER.index(code) if code in KEY_ORDER else len(KEY_ORDER), code)):
        by_theme[ctx.lexicon.indicators[code].theme].append(code)
    ordered = sorted(by_theme, key=lambda name: THEMES.index(name) if name in THEMES else len(THEMES))
    return {theme: by_theme[theme] for theme in ordered}


def _latest_line(ctx: Context, code: str, place: str) -> tuple[str, Fact]:
    """ "• CP plans: 149 at 31 Mar 2013 (93 at 31 Mar 2012)" and the latest fact it states."""
    series = ctx.facts.series(code, place)
    latest = series[-1]
    info = ctx.lexicon.indicators[code]
    line = f"• {info.short_name}: {shown(latest, info)} {when(latest)}"
    previous = fact_rules.previous(series, latest)
    if previous is not None:
        line += f" ({shown(previous, info)} {when(previous)})"
    return line, latest


def _theme_sections(
    ctx: Context, place: str, codes: list[str], level: int = 1
) -> tuple[tuple[Section, ...], list[Fact]]:
    """One section a theme, each figure's latest value; at most OVERVIEW_LIMIT figures in all."""
    sections: list[Section] = []
    shown_facts: list[Fact] = []
    for theme, theme_codes in _by_theme(ctx, codes).items():
        lines: list[str] = []
        for code in theme_codes:
            line, latest = _latest_line(ctx, code, place)
            lines.append(line)
            shown_facts.append(latest)
            if len(shown_facts) >= OVERVIEW_LIMIT:
                lines.append(f"…and {len(codes) - len(shown_facts)} more figures.")
                sections.append(Section(theme_title(theme), tuple(lines), level))
                return tuple(sections), shown_facts
        sections.append(Section(theme_title(theme), tuple(lines), level))
    return tuple(sections), shown_facts


def _overview_elsewhere(ctx: Context, place: str) -> Answer:
    """Nothing held for the place itself: the key figures of up to two linked places that have some."""
    linked = [
        code
        for code in places.related(ctx.lexicon, place)
        if ctx.lexicon.indicators_with_data(code)
        and ctx.lexicon.geographies[code].type != "country"
        and code != ctx.home
    ][:MAX_LINKED_PLACES]
    if not linked:
        return Answer(
            status=Status.NO_DATA,
            headline=f"No figures are held for {ctx.names.name(place)} yet.",
            sentences=(f"Ask for {ctx.names.name(ctx.home)}, another place, or type “help” for examples.",),
            reading=f"overview, {ctx.names.name(place)}",
        )
    sections: list[Section] = []
    facts: list[Fact] = []
    for code in linked:
        codes = [
            indicator
            for indicator in ctx.lexicon.indicators_with_data(code)
            if ctx.lexicon.indicators[indicator].theme in BRIEF_THEMES
        ]
        ctx.facts.load(codes, [code])
        themes, shown_facts = _theme_sections(ctx, code, codes, level=2)
        sections += [Section(f"{ctx.names.name(code)} (linked to {ctx.names.name(place)}):"), *themes]
        facts += shown_facts
    return Answer(
        status=Status.NO_DATA,
        headline=f"No figures are held for {ctx.names.name(place)} itself.",
        sentences=flatten(tuple(sections)),
        sections=tuple(sections),
        reading=f"overview, {ctx.names.name(place)}",
        facts=ctx.names.views(facts, "related"),
        sources=ctx.names.sources(facts),
    )
