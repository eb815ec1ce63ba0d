"""Answers that are not a figure: no figure held (and what is instead), which place, not understood, help."""

from __future__ import annotations

from dataclasses import replace

from bot.answer import Answer, Option, Status
from bot.figures.answering.context import Context, Focus
from bot.figures.answering.wording import join, measure_words, shown, when
from bot.figures.language import places
from bot.figures.language.periods import PeriodAsk
from bot.figures.language.spelling import BREAKDOWNS
from bot.figures.language.suggest import examples, nearest
from bot.figures.language.understanding import Mention, Question
from data.figures.queries import Fact

MAX_INSTEAD = 3  # figures offered in place of the one asked for
MAX_HOLDERS = 5  # places named as holding the figure when nothing nearby does
MAX_UNKNOWN_QUOTED = 5
MAX_SUGGESTIONS = 4


def no_data(ctx: Context, indicator: str, place: str, period: PeriodAsk | None, within: bool = False) -> Answer:
    info = ctx.lexicon.indicators[indicator]
    where = f"within {_named(ctx, place, 'the')}" if within else f"for {_named(ctx, place, 'the')}"
    asked = f" for {period.description}" if period is not None else ""
    sentences, facts = _what_is_held_instead(ctx, indicator, place, period)
    if not facts:
        holders = sorted(ctx.lexicon.coverage.get(indicator, frozenset()), key=ctx.names.name)[:MAX_HOLDERS]
        if holders:
            sentences.append(f"{info.short_name} figures are held for {join([ctx.names.name(c) for c in holders])}.")
    return Answer(
        status=Status.NO_DATA,
        headline=f"No figures on {measure_words(info)} {where}{asked}.",
        sentences=tuple(sentences),
        reading=ctx.names.reading(indicator, place, period.description if period else "latest"),
        facts=ctx.names.views(facts, "instead"),
        sources=ctx.names.sources(facts),
    )


def _what_is_held_instead(
    ctx: Context, indicator: str, place: str, period: PeriodAsk | None
) -> tuple[list[str], list[Fact]]:
    """The place's latest figure (when another period was asked for), then related places' latest."""
    info = ctx.lexicon.indicators[indicator]
    sentences: list[str] = []
    facts: list[Fact] = []
    held = ctx.facts.series(indicator, place)
    if period is not None and held:
        latest = held[-1]
        sentences.append(f"The latest held is {shown(latest, info)} {when(latest)}.")
        facts.append(latest)
    for code in places.related(ctx.lexicon, place):
        series = ctx.facts.series(indicator, code)
        if series and len(facts) < MAX_INSTEAD:
            sentences.append(f"{_named(ctx, code)} had {shown(series[-1], info)} {when(series[-1])}.")
            facts.append(series[-1])
    return sentences, facts


def _named(ctx: Context, code: str, article: str = "The") -> str:
    """ "The JESS cluster", but "Leeds" and "England": an article only before a kind of place."""
    kind = ctx.lexicon.geographies[code].type
    name = ctx.names.name(code)
    return f"{article} {name}" if kind in {"school_cluster", "comparator_group"} else name


def clarify(ctx: Context, question: Question, mention: Mention, tied: tuple[str, ...]) -> Answer:
    indicator = question.indicators[0].phrase if question.indicators else ""
    period = f" {question.period.description}" if question.period is not None else ""
    options = tuple(
        Option(
            _choice_label(ctx, mention, code),
            " ".join(filter(None, [indicator, ctx.names.place_words(code)])) + period,
        )
        for code in tied
    )
    return Answer(
        status=Status.CLARIFY,
        headline=f"“{mention.typed or mention.phrase}” could mean more than one place with figures. Which one?",
        options=options,
        reading=f"{indicator or 'overview'}, place unclear",
    )


def _choice_label(ctx: Context, mention: Mention, code: str) -> str:
    """ "JESS cluster (school cluster, takes in Beeston Hill)": why this place is one of the choices."""
    kind = ctx.lexicon.geographies[code].type.replace("_", " ")
    holding = places.name_holding(ctx.lexicon, mention.phrase, code)
    why = f", takes in {holding.title()}" if holding else ""
    return f"{ctx.names.name(code)} ({kind}{why})"


def not_understood(ctx: Context, question: Question) -> Answer:
    """Suggestions only from the words used: close spellings of names, with the measure understood kept."""
    words = question.unknown_words or tuple(question.text.split())
    indicators, areas = nearest(" ".join(words), ctx.lexicon)
    measure = question.indicators[0].typed or question.indicators[0].phrase if question.indicators else ""
    if measure and not areas:
        areas = ["Leeds"]
    asks = [f"{measure} in {area}" for area in areas] if measure else [*indicators, *areas]
    sentences = []
    if asks:
        sentences.append("Did you mean " + join([f"“{ask}”" for ask in asks[:MAX_SUGGESTIONS]]) + "?")
    sentences.append("Try “NEET in JESS”, “CP plans Beeston” or “CP rate Leeds vs England”, or type “help”.")
    quoted = ", ".join(f"“{word}”" for word in words[:MAX_UNKNOWN_QUOTED])
    return Answer(
        status=Status.NOT_UNDERSTOOD,
        headline=f"Sorry, I didn't understand {quoted}.",
        sentences=tuple(sentences),
        options=tuple(Option(ask, ask) for ask in asks[:MAX_SUGGESTIONS]),
        reading="not understood",
    )


ANSWERS_WHAT = (
    "I answer questions about children's services figures for Leeds and its areas: children looked after, "
    "child protection, children in need, NEET, school absence, the social work workforce and more."
)


def not_about_figures(ctx: Context, question: Question) -> Answer:
    """ "who is the director", "weather": no figure or place named, so say what briefbot answers."""
    if not question.text.strip(" ?!.") or not question.unknown_words:
        return help_answer(ctx)
    quoted = ", ".join(f"“{word}”" for word in question.unknown_words[:MAX_UNKNOWN_QUOTED])
    # Only names close to the words used are offered: figures on another topic are no answer to this one.
    indicators, areas = nearest(" ".join(question.unknown_words), ctx.lexicon)
    close = [*indicators, *areas][:MAX_SUGGESTIONS]
    return Answer(
        status=Status.NOT_UNDERSTOOD,
        headline=f"Sorry, I didn't understand {quoted}: I hold no figures on that.",
        sentences=(ANSWERS_WHAT, "Type “indicators” in the terminal, or “help” here, for what can be asked."),
        options=tuple(Option(text, text) for text in close) or (Option("What can I ask?", "help"),),
        reading="not understood",
    )


def topic_not_held(ctx: Context, question: Question, place: str) -> Answer:
    """ "crime in beeston": the topic plainly not held, and what is held for that place."""
    topic = " ".join(question.unknown_words)
    held = sorted({ctx.lexicon.indicators[code].short_name for code in ctx.lexicon.indicators_with_data(place)})
    sentences = [ANSWERS_WHAT]
    if held:
        shown_names = held[: MAX_HOLDERS * 2]
        more = f" and {len(held) - len(shown_names)} more" if len(held) > len(shown_names) else ""
        sentences.append(f"For {ctx.names.name(place)} I hold: {join(shown_names)}{more}.")
    place_words = ctx.names.place_words(place)
    return Answer(
        status=Status.NO_DATA,
        headline=f"I hold no figures on {topic}.",
        sentences=tuple(sentences),
        options=(Option(f"What is held for {ctx.names.name(place)}", f"what do we know about {place_words}"),),
        reading=f"{topic}, {ctx.names.name(place)}: not held",
    )


def help_answer(ctx: Context) -> Answer:
    questions = examples(ctx.lexicon)
    return Answer(
        status=Status.HELP,
        headline="Ask me for a children's services figure by area. I answer with the figure, its period and "
        "source, the change, and a like-for-like comparison. For example:",
        options=tuple(Option(question, question) for question in questions),
        reading="help",
    )


def with_unheld_qualifier(ctx: Context, question: Question, focus: Focus, answer: Answer) -> Answer:
    """ "CP plans for neglect Leeds": no figure is held for neglect, and the answer is all CP plans. A word left
    over beside the figure may narrow what was asked, so the answer says plainly what it does not cover
    rather than pass the whole for the part."""
    qualifiers = [word for word in question.unknown_words if word in BREAKDOWNS]
    if not qualifiers or answer.status is not Status.ANSWER:
        return answer
    name = ctx.lexicon.indicators[focus.indicator].short_name
    quoted = " ".join(qualifiers[:MAX_UNKNOWN_QUOTED])
    caveat = f"This figure covers all {_lower_first(name)}: I don't hold “{quoted}” separately."
    if answer.sections:
        return replace(answer, notes=(caveat, *answer.notes))
    return replace(answer, sentences=(caveat, *answer.sentences))


def _lower_first(name: str) -> str:
    """ "child protection plans", but "NEET 16-17 (%)" keeps its capitals."""
    return name[0].lower() + name[1:] if name[1:2].islower() else name
