"""From a Question to an Answer: the figure, its period and source, the change, like-for-like comparisons.

Never invents a figure: every number in an answer is a Fact read from the store in this call.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy.orm import Session

from bot import charting, places
from bot.answers import Answer, FactView, Option, Status
from bot.formatting import UNIT_PHRASES, difference, figure, ordinal
from bot.lexicon import Lexicon
from bot.suggest import examples, nearest
from bot.understanding import Intent, Mention, PeriodAsk, Question
from bot.wording import change, highest_first, join, measure_words, period_of, shown, versus, when
from data import queries
from data.catalogue import LEEDS
from data.periods import uk_date
from data.queries import Fact
from data.text import normalise

THEMES = ("looked_after_children", "neet", "attendance", "workforce", "context")
THEME_TITLES = {
    "looked_after_children": "Children looked after and safeguarding",
    "neet": "Young people NEET",
    "attendance": "School attendance",
    "workforce": "Social work workforce",
    "context": "Context",
}
OVERVIEW_LIMIT = 14
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


@dataclass(frozen=True)
class Focus:
    indicator: str
    place: str
    place_defaulted: bool
    mention: Mention | None = None


class Answerer:
    def __init__(self, session: Session, lexicon: Lexicon, today: date, neighbours_on: date | None = None) -> None:
        self.session = session
        self.lexicon = lexicon
        self.today = today
        # Which statistical-neighbour model to use: the one in force on this day (a setting).
        self.neighbours_on = neighbours_on or today
        self._cache: dict[tuple[str, str], list[Fact]] = {}

    # -- entry point ---------------------------------------------------------------------------------
    def answer(self, question: Question) -> Answer:
        if question.intent is Intent.HELP:
            return self.help()
        if not question.places and (question.unknown_words or not question.indicators):
            # "NEET in Narnia": a place we don't know is not silently answered for Leeds.
            return self.not_understood(question)
        chosen = self._choose_places(question)
        if isinstance(chosen, Answer):
            return chosen
        if question.intent is Intent.OVERVIEW or not question.indicators:
            return self.overview(chosen[0], question)
        focus = self._focus(question, chosen)
        self._load([focus.indicator], [*chosen, *places.comparators(self.lexicon, focus.place, self.today)])
        if question.intent is Intent.TREND:
            return self.trend(question, focus, chosen[1:])
        if question.intent is Intent.COMPARE:
            return self.compare(question, focus, chosen)
        return self.value(question, focus)

    # -- choosing ------------------------------------------------------------------------------------
    def _asked_codes(self, question: Question) -> tuple[str, ...]:
        return tuple(code for mention in question.indicators for code, _ in mention.candidates)

    def _choose_places(self, question: Question) -> list[str] | Answer:
        if not question.places:
            return [LEEDS]
        chosen: list[str] = []
        for mention in question.places:
            choice = places.choose_place(mention, self.lexicon, self._asked_codes(question), self.today)
            if choice.tied:
                return self.clarify(question, mention, choice.tied)
            if choice.code not in chosen:
                chosen.append(choice.code)
        return chosen

    def _focus(self, question: Question, chosen: list[str]) -> Focus:
        mention = question.indicators[0]
        indicator = places.choose_indicator(mention, self.lexicon, chosen[0])
        return Focus(indicator, chosen[0], not question.places, mention)

    # -- data ----------------------------------------------------------------------------------------
    def _load(self, indicators: list[str], geographies: list[str]) -> None:
        wanted_indicators = list(
            dict.fromkeys(code for indicator in indicators for code in places.family_of(self.lexicon, (indicator,)))
        )
        companions = [places.companion(self.lexicon, code) for code in indicators]
        wanted_indicators += [code for code in companions if code and code not in wanted_indicators]
        missing = [g for g in dict.fromkeys(geographies) if any((i, g) not in self._cache for i in wanted_indicators)]
        if not missing:
            return
        grouped: dict[tuple[str, str], list[Fact]] = defaultdict(list)
        for fact in queries.facts(self.session, wanted_indicators, missing):
            grouped[(fact.indicator, fact.geography)].append(fact)
        for indicator in wanted_indicators:
            for geography in missing:
                self._cache[(indicator, geography)] = grouped.get((indicator, geography), [])

    def _series(self, indicator: str, place: str) -> list[Fact]:
        if (indicator, place) not in self._cache:
            self._load([indicator], [place])
        return self._cache[(indicator, place)]

    @staticmethod
    def _within(facts: list[Fact], period: PeriodAsk | None) -> list[Fact]:
        if period is None:
            return facts
        window = [fact for fact in facts if period.start <= fact.period_end <= period.end]
        if period.kinds is None:
            return window
        exact = [fact for fact in window if fact.period_kind in period.kinds]
        return exact or window

    @staticmethod
    def _same_period(facts: list[Fact], like: Fact) -> Fact | None:
        for fact in facts:
            if (fact.period_start, fact.period_end) == (like.period_start, like.period_end):
                return fact
        return None

    @staticmethod
    def _previous(facts: list[Fact], current: Fact) -> Fact | None:
        earlier = [
            fact
            for fact in facts
            if fact.period_kind == current.period_kind
            and fact.period_end < current.period_end
            and (fact.period_end - fact.period_start) == (current.period_end - current.period_start)
        ]
        return earlier[-1] if earlier else None

    # -- views ---------------------------------------------------------------------------------------
    def _view(self, fact: Fact, role: str) -> FactView:
        info = self.lexicon.indicators[fact.indicator]
        return FactView(
            role=role,
            indicator=fact.indicator,
            indicator_name=info.name,
            measure=info.short_name,
            geography=fact.geography,
            geography_name=fact.geography_name,
            geography_type=fact.geography_type,
            period_start=fact.period_start,
            period_end=fact.period_end,
            period_label=fact.period_label,
            period_display=period_of(fact),
            value=fact.value,
            display=shown(fact, info),
            source=self._source(fact),
        )

    def _source(self, fact: Fact) -> str:
        return f"{self.lexicon.source_title(fact.source_document)}, {fact.source_locator}"

    def _sources(self, facts: list[Fact]) -> tuple[str, ...]:
        """One entry per document; a table's rows folded together ("rows 2013 to 2018")."""
        by_document: dict[str, list[str]] = defaultdict(list)
        for fact in facts:
            if fact.source_locator not in by_document[fact.source_document]:
                by_document[fact.source_document].append(fact.source_locator)
        return tuple(
            f"{self.lexicon.source_title(document)}, {fold_rows(locators)}"
            for document, locators in by_document.items()
        )

    def _reading(self, indicator: str, place: str, period: str, defaulted: bool = False) -> str:
        info = self.lexicon.indicators[indicator]
        measure = info.short_name if "(" in info.short_name else f"{info.short_name} ({UNIT_PHRASES[info.unit]})"
        name = self._name(place) + (" (no area named, so the city)" if defaulted else "")
        return f"{measure}, {name}, {period}"

    def _name(self, place: str) -> str:
        info = self.lexicon.geographies[place]
        suffix = " ward" if info.type == "ward" and not info.name.endswith("ward") else ""
        years = ""
        if info.type == "ward" and info.valid_to is not None and info.valid_from is not None:
            years = f" ({info.valid_from.year}-{info.valid_to.year} boundaries)"
        return f"{info.name}{suffix}{years}"

    def _follow_ups(self, focus: Focus, phrase: str) -> tuple[Option, ...]:
        place_words = self._place_words(focus.place)
        options = [Option("Trend", f"trend {phrase} {place_words}")]
        if focus.place != LEEDS:
            options.append(Option("Compare with Leeds", f"{phrase} {place_words} vs leeds"))
        parent = next(iter(places.parents(self.lexicon, focus.place, self.today)), None)
        kind = self.lexicon.geographies[focus.place].type
        if kind == "local_authority":
            options.append(Option("Compare areas", f"{phrase} {place_words} vs statistical neighbours"))
        elif parent is not None and parent != LEEDS:
            options.append(Option("Compare areas", f"compare {phrase} across {self._place_words(parent)}"))
        elif kind == "committee_area":
            options.append(Option("Compare areas", f"compare {phrase} across {place_words}"))
        else:
            options.append(Option("Compare areas", f"{phrase} {place_words} vs england"))
        return tuple(options)

    def _place_words(self, place: str) -> str:
        """Words that read back to exactly this place."""
        name = normalise(self.lexicon.geographies[place].name)
        owners = self.lexicon.geography_words.get(name, {})
        return name if list(owners) == [place] else normalise(place)

    def _indicator_words(self, indicator: str, mention: Mention | None) -> str:
        if mention is not None and indicator in dict(mention.candidates):
            return mention.phrase
        return normalise(indicator)

    # -- intents -------------------------------------------------------------------------------------
    def value(self, question: Question, focus: Focus) -> Answer:
        indicator, notes = focus.indicator, []
        series = self._series(indicator, focus.place)
        if not series:
            sibling = places.sibling_with_data(self.lexicon, indicator, focus.place)
            if sibling is None:
                return self.no_data(indicator, focus.place, question.period)
            notes.append(self._definition_note(indicator, sibling, focus.place))
            indicator, series = sibling, self._series(sibling, focus.place)
        chosen = self._within(series, question.period)
        if not chosen:
            return self.no_data(indicator, focus.place, question.period)
        fact = chosen[-1]
        info = self.lexicon.indicators[indicator]
        facts = [self._view(fact, "asked")]
        headline = f"{info.short_name}, {self._name(focus.place)}: {shown(fact, info)} {when(fact)}"
        companion = self._companion_fact(indicator, fact)
        if companion is not None:
            companion_info = self.lexicon.indicators[companion.indicator]
            headline += f" ({shown(companion, companion_info)} {measure_words(companion_info)})"
            facts.append(self._view(companion, "companion"))
        sentences: list[str] = []
        previous = self._previous(series, fact)
        if previous is not None:
            sentences.append(change(previous, fact, info))
            facts.append(self._view(previous, "previous"))
        compared = self._comparator_facts(indicator, focus.place, fact)
        if compared:
            sentences.append(f"That is {join([versus(fact, other, info) for other in compared])}, {when(fact)}.")
            facts += [self._view(other, "comparator") for other in compared]
        sentences += self._target_sentences(indicator, focus.place, fact)
        sentences += [f"Note: {fact.note}"] if fact.note else []
        phrase = self._indicator_words(indicator, focus.mention)
        return Answer(
            status=Status.ANSWER,
            headline=headline + ".",
            sentences=tuple(sentences),
            reading=self._reading(indicator, focus.place, period_of(fact), focus.place_defaulted),
            facts=tuple(facts),
            notes=tuple(notes),
            sources=self._sources([fact, *compared]),
            chart=charting.for_value(self, indicator, focus.place, fact, compared),
            follow_ups=self._follow_ups(Focus(indicator, focus.place, False), phrase),
        )

    def _definition_note(self, asked: str, used: str, place: str) -> str:
        asked_info, used_info = self.lexicon.indicators[asked], self.lexicon.indicators[used]
        return (
            f"No figures for “{asked_info.name}” in {self._name(place)}; showing “{used_info.name}”, "
            f"a different definition: {used_info.definition}"
        )

    def _companion_fact(self, indicator: str, fact: Fact) -> Fact | None:
        other = places.companion(self.lexicon, indicator)
        if other is None:
            return None
        return self._same_period(self._series(other, fact.geography), fact)

    def _comparator_facts(self, indicator: str, place: str, fact: Fact) -> list[Fact]:
        found = []
        for other in places.comparators(self.lexicon, place, fact.period_end):
            match = self._same_period(self._series(indicator, other), fact)
            if match is not None:
                found.append(match)
        return found

    def _target_sentences(self, indicator: str, place: str, fact: Fact) -> list[str]:
        """Distance to target, judged only against a figure for the target's own date."""
        info = self.lexicon.indicators[indicator]
        sentences = []
        for target in self.lexicon.targets.get((indicator, place), ()):
            goal = f"{target.label}: {figure(target.value, info.unit, info.decimals)} by {uk_date(target.by_date)}"
            on_date = [f for f in self._series(indicator, place) if abs((f.period_end - target.by_date).days) <= 45]
            judged = on_date[-1] if on_date else (fact if fact.period_end < target.by_date else None)
            if judged is None or judged.value is None:
                sentences.append(f"{goal} (no figure is held for that date to judge it by).")
                continue
            gap = judged.value - target.value
            size = difference(gap, info.unit, info.decimals)
            position = "above" if gap > 0 else "below"
            met = (gap <= 0) if info.polarity == "lower_is_better" else (gap >= 0)
            if judged.period_end < target.by_date and not on_date:
                verdict = "on track" if met else "still to close"
            else:
                verdict = "met" if met else "missed"
            sentences.append(f"{goal}; the figure {when(judged)} was {size} {position} it ({verdict}).")
        return sentences

    def compare(self, question: Question, focus: Focus, chosen: list[str]) -> Answer:
        indicator = focus.indicator
        info = self.lexicon.indicators[indicator]
        if question.across and len(chosen) == 1:
            return self._compare_across(question, focus)
        members = (
            chosen if len(chosen) > 1 else [focus.place, *places.comparators(self.lexicon, focus.place, self.today)]
        )
        members = self._with_group_members(members)
        self._load([indicator], members)
        rows = self._common_period(indicator, members, question.period)
        if rows is None:
            return self._not_like_for_like(indicator, members, question.period)
        fact = rows[0]
        others = rows[1:]
        listing = "; ".join(f"{row.geography_name} {shown(row, info)}" for row in rows)
        if len(others) <= 3:
            sentences = [f"{self._name(fact.geography)} is {join([versus(fact, o, info) for o in others])}."]
        else:
            sentences = self._ranking(fact, rows, info)
        shown_places = {row.geography for row in rows}
        missing = [
            self._name(code)
            for code in members
            if code not in shown_places
            and not (
                self.lexicon.geographies[code].type == "comparator_group"
                and shown_places & set(places.group_members(self.lexicon, code, self.neighbours_on))
            )
        ]
        if missing and len(chosen) > 1:
            sentences.append(f"No figure for the same period for {join(missing)}.")
        return Answer(
            status=Status.ANSWER,
            headline=f"{info.short_name} {when(fact)}: {listing}.",
            sentences=tuple(sentences),
            reading=self._reading(indicator, focus.place, period_of(fact))
            + (" vs " + ", ".join(self._name(row.geography) for row in others)),
            facts=tuple(self._view(row, "asked" if index == 0 else "comparator") for index, row in enumerate(rows)),
            sources=self._sources(rows),
            chart=charting.comparison(self, indicator, rows, focus.place, ()),
            follow_ups=self._follow_ups(focus, self._indicator_words(indicator, focus.mention)),
        )

    def _ranking(self, fact: Fact, rows: list[Fact], info: queries.IndicatorInfo) -> list[str]:
        ordered = highest_first(rows)
        position = [row.geography for row in ordered].index(fact.geography) + 1
        highest, lowest = ordered[0], ordered[-1]
        return [
            f"{self._name(fact.geography)} ranks {ordinal(position)} of {len(ordered)}, highest first.",
            f"Highest: {highest.geography_name} ({shown(highest, info)}); lowest: {lowest.geography_name} "
            f"({shown(lowest, info)}).",
        ]

    def _with_group_members(self, members: list[str]) -> list[str]:
        """ "vs statistical neighbours": the group's own figure where published, and each neighbour's."""
        expanded: list[str] = []
        for code in members:
            expanded.append(code)
            if self.lexicon.geographies[code].type == "comparator_group":
                expanded += places.group_members(self.lexicon, code, self.neighbours_on)
        return list(dict.fromkeys(expanded))

    def _common_period(self, indicator: str, members: list[str], period: PeriodAsk | None) -> list[Fact] | None:
        focus_facts = self._within(self._series(indicator, members[0]), period)
        for fact in reversed(focus_facts):
            rows = [fact]
            for other in members[1:]:
                match = self._same_period(self._series(indicator, other), fact)
                if match is not None:
                    rows.append(match)
            if len(rows) > 1:
                return rows
        return None

    def _not_like_for_like(self, indicator: str, members: list[str], period: PeriodAsk | None) -> Answer:
        info = self.lexicon.indicators[indicator]
        latest = [(code, self._within(self._series(indicator, code), period)) for code in members]
        held = [(code, facts[-1]) for code, facts in latest if facts]
        if not held:
            return self.no_data(indicator, members[0], period)
        lines = [f"{self._name(code)}: {shown(fact, info)} {when(fact)}" for code, fact in held]
        absent = [self._name(code) for code, facts in latest if not facts]
        sentences = [*lines]
        if absent:
            sentences.append(f"No figures on {measure_words(info)} for {join(absent)}.")
        return Answer(
            status=Status.ANSWER if len(held) > 1 else Status.NO_DATA,
            headline=f"{info.short_name}: no period in common, so these are not like for like.",
            sentences=tuple(sentences),
            reading=self._reading(indicator, members[0], "latest of each"),
            facts=tuple(self._view(fact, "latest") for _, fact in held),
            sources=self._sources([fact for _, fact in held]),
        )

    def _compare_across(self, question: Question, focus: Focus) -> Answer:
        indicator, area = focus.indicator, focus.place
        info = self.lexicon.indicators[indicator]
        candidates = places.inside(self.lexicon, area, self.today)
        everyone = [code for link in self.lexicon.children.get(area, ()) for code in [link.child]]
        self._load([indicator], [area, *everyone, *places.comparators(self.lexicon, area, self.today)])
        periods = sorted(
            {
                (fact.period_start, fact.period_end)
                for code in everyone
                for fact in self._within(self._series(indicator, code), question.period)
            },
            reverse=True,
        )
        for start, end in periods:
            candidates = places.inside(self.lexicon, area, end)
            rows = [
                fact
                for code in candidates
                for fact in self._series(indicator, code)
                if (fact.period_start, fact.period_end) == (start, end)
            ]
            if len(rows) >= 2:
                break
        else:
            return self.no_data(indicator, area, question.period, within=True)
        rows = highest_first(rows)
        references = [
            self._same_period(self._series(indicator, code), rows[0])
            for code in [area, *places.comparators(self.lexicon, area, end)]
        ]
        refs = [ref for ref in references if ref is not None][:2]
        listing = "; ".join(f"{row.geography_name} {shown(row, info)}" for row in rows)
        sentences = [f"Highest: {rows[0].geography_name}; lowest: {rows[-1].geography_name}."]
        if refs:
            sentences.append(
                "For reference: " + "; ".join(f"{ref.geography_name} {shown(ref, info)}" for ref in refs) + "."
            )
        return Answer(
            status=Status.ANSWER,
            headline=f"{info.short_name} across {self._name(area)}, {when(rows[0])}: {listing}.",
            sentences=tuple(sentences),
            reading=self._reading(indicator, area, period_of(rows[0])) + ", by area",
            facts=tuple([self._view(row, "asked") for row in rows] + [self._view(ref, "comparator") for ref in refs]),
            sources=self._sources(rows + refs),
            chart=charting.comparison(self, indicator, rows, None, tuple(refs)),
        )

    def trend(self, question: Question, focus: Focus, others: list[str]) -> Answer:
        indicator = focus.indicator
        series = self._within(self._series(indicator, focus.place), question.period)
        if not series:
            sibling = places.sibling_with_data(self.lexicon, indicator, focus.place)
            if sibling is None:
                return self.no_data(indicator, focus.place, question.period)
            indicator = sibling
            series = self._within(self._series(indicator, focus.place), question.period)
            if not series:
                return self.no_data(indicator, focus.place, question.period)
        kind = series[-1].period_kind
        series = [fact for fact in series if fact.period_kind == kind]
        if len(series) < 2:
            answer = self.value(question, Focus(indicator, focus.place, focus.place_defaulted, focus.mention))
            return _with_note(answer, "Only one figure of this kind is held, so there is no trend to show yet.")
        info = self.lexicon.indicators[indicator]
        first, last = series[0], series[-1]
        headline = (
            f"{info.short_name}, {self._name(focus.place)}: {shown(first, info)} {when(first)} to "
            f"{shown(last, info)} {when(last)}"
        )
        sentences = [
            change(first, last, info).replace("Up from", "Up overall from").replace("Down from", "Down overall from")
        ]
        values = [fact.value for fact in series if fact.value is not None]
        if len(series) > 2 and values:
            high = max(series, key=lambda fact: fact.value if fact.value is not None else float("-inf"))
            low = min(series, key=lambda fact: fact.value if fact.value is not None else float("inf"))
            sentences.append(f"Highest {shown(high, info)} {when(high)}; lowest {shown(low, info)} {when(low)}.")
        compared = self._comparator_facts(indicator, focus.place, last)
        if compared:
            sentences.append(f"Latest, {shown(last, info)} is {join([versus(last, o, info) for o in compared])}.")
        sentences += self._target_sentences(indicator, focus.place, last)
        return Answer(
            status=Status.ANSWER,
            headline=headline + ".",
            sentences=tuple(sentences),
            reading=self._reading(
                indicator, focus.place, f"{period_of(first)} to {period_of(last)}", focus.place_defaulted
            )
            + ", trend",
            facts=tuple(self._view(fact, "series") for fact in series)
            + tuple(self._view(other, "comparator") for other in compared),
            sources=self._sources([*series, *compared]),
            chart=charting.trend(self, indicator, focus.place, series, others),
            follow_ups=self._follow_ups(
                Focus(indicator, focus.place, False), self._indicator_words(indicator, focus.mention)
            )[1:],
        )

    def brief(self, question: Question) -> Answer:
        """`/brief <area>`: the three obsessions for one place."""
        if not question.places:
            return self.not_understood(question) if question.text.strip() else self.help()
        chosen = self._choose_places(question)
        if isinstance(chosen, Answer):
            return chosen
        return self.brief_for(chosen[0])

    def brief_for(self, place: str) -> Answer:
        return self.overview(place, None, themes=THEMES[:3])

    def overview(self, place: str, question: Question | None, themes: tuple[str, ...] | None = None) -> Answer:
        codes = [
            code
            for code in self.lexicon.indicators_with_data(place)
            if themes is None or self.lexicon.indicators[code].theme in themes
        ]
        if not codes:
            return self._overview_elsewhere(place)
        self._load(codes, [place])
        lines, shown_facts = self._overview_lines(place, codes)
        return Answer(
            status=Status.ANSWER,
            headline=f"What we hold for {self._name(place)}:",
            sentences=tuple(lines),
            reading=f"overview, {self._name(place)}",
            facts=tuple(self._view(fact, "latest") for fact in shown_facts),
            sources=self._sources(shown_facts),
            follow_ups=tuple(
                Option(
                    f"{self.lexicon.indicators[f.indicator].short_name} trend",
                    f"trend {normalise(f.indicator)} {self._place_words(place)}",
                )
                for f in shown_facts[:3]
            ),
        )

    def _overview_lines(self, place: str, codes: list[str]) -> tuple[list[str], list[Fact]]:
        lines: list[str] = []
        shown_facts: list[Fact] = []
        by_theme: dict[str, list[str]] = defaultdict(list)
        for code in sorted(
            codes, key=lambda code: (KEY_ORDER.index(code) if code in KEY_ORDER else len(KEY_ORDER), code)
        ):
            by_theme[self.lexicon.indicators[code].theme].append(code)
        for theme in sorted(by_theme, key=lambda name: THEMES.index(name) if name in THEMES else len(THEMES)):
            lines.append(f"*{THEME_TITLES.get(theme, theme.replace('_', ' ').capitalize())}*")
            for code in by_theme[theme]:
                series = self._series(code, place)
                latest = series[-1]
                info = self.lexicon.indicators[code]
                line = f"• {info.short_name}: {shown(latest, info)} {when(latest)}"
                previous = self._previous(series, latest)
                if previous is not None:
                    line += f" ({shown(previous, info)} {when(previous)})"
                lines.append(line)
                shown_facts.append(latest)
                if len(shown_facts) >= OVERVIEW_LIMIT:
                    lines.append(f"…and {len(codes) - len(shown_facts)} more figures.")
                    return lines, shown_facts
        return lines, shown_facts

    def _overview_elsewhere(self, place: str) -> Answer:
        linked = [
            code
            for code in places.related(self.lexicon, place)
            if self.lexicon.indicators_with_data(code)
            and self.lexicon.geographies[code].type != "country"
            and code != LEEDS
        ][:2]
        if not linked:
            return Answer(
                status=Status.NO_DATA,
                headline=f"No figures are held for {self._name(place)} yet.",
                sentences=("Ask for Leeds, a cluster such as JESS, or type “help” for examples.",),
                reading=f"overview, {self._name(place)}",
            )
        sentences: list[str] = []
        facts: list[Fact] = []
        for code in linked:
            codes = [
                indicator
                for indicator in self.lexicon.indicators_with_data(code)
                if self.lexicon.indicators[indicator].theme in THEMES[:3]
            ]
            self._load(codes, [code])
            lines, shown_facts = self._overview_lines(code, codes)
            sentences += [f"{self._name(code)} (linked to {self._name(place)}):", *lines]
            facts += shown_facts
        return Answer(
            status=Status.NO_DATA,
            headline=f"No figures are held for {self._name(place)} itself.",
            sentences=tuple(sentences),
            reading=f"overview, {self._name(place)}",
            facts=tuple(self._view(fact, "related") for fact in facts),
            sources=self._sources(facts),
        )

    def no_data(self, indicator: str, place: str, period: PeriodAsk | None, within: bool = False) -> Answer:
        info = self.lexicon.indicators[indicator]
        where = f"within {self._name(place)}" if within else f"for {self._name(place)}"
        asked = f" for {period.description}" if period is not None else ""
        sentences: list[str] = []
        facts: list[Fact] = []
        held = self._series(indicator, place)
        if period is not None and held:
            latest = held[-1]
            sentences.append(f"The latest held is {shown(latest, info)} {when(latest)}.")
            facts.append(latest)
        for code in places.related(self.lexicon, place):
            series = self._series(indicator, code)
            if series and len(facts) < 3:
                sentences.append(f"The {self._name(code)} had {shown(series[-1], info)} {when(series[-1])}.")
                facts.append(series[-1])
        if not facts:
            holders = sorted(self.lexicon.coverage.get(indicator, frozenset()), key=self._name)[:5]
            if holders:
                sentences.append(f"{info.short_name} figures are held for {join([self._name(c) for c in holders])}.")
        return Answer(
            status=Status.NO_DATA,
            headline=f"No figures on {measure_words(info)} {where}{asked}.",
            sentences=tuple(sentences),
            reading=self._reading(indicator, place, period.description if period else "latest"),
            facts=tuple(self._view(fact, "instead") for fact in facts),
            sources=self._sources(facts),
        )

    def clarify(self, question: Question, mention: Mention, tied: tuple[str, ...]) -> Answer:
        indicator = question.indicators[0].phrase if question.indicators else ""
        period = f" {question.period.description}" if question.period is not None else ""
        options = tuple(
            Option(
                f"{self._name(code)} ({self.lexicon.geographies[code].type.replace('_', ' ')})",
                " ".join(filter(None, [indicator, self._place_words(code)])) + period,
            )
            for code in tied
        )
        return Answer(
            status=Status.CLARIFY,
            headline=f"“{mention.typed or mention.phrase}” could mean more than one place with figures. Which one?",
            options=options,
            reading=f"{indicator or 'overview'}, place unclear",
        )

    def not_understood(self, question: Question) -> Answer:
        words = question.unknown_words or tuple(question.text.split())
        indicators, areas = nearest(" ".join(words), self.lexicon)
        if question.indicators and not areas:
            areas = ["Leeds"]
        sentences = []
        if indicators or areas:
            sentences.append("Did you mean " + join([*indicators, *areas]) + "?")
        sentences.append("Try “NEET in JESS”, “CP plans Beeston” or “CP rate Leeds vs England”, or type “help”.")
        quoted = ", ".join(f"“{word}”" for word in words[:5])
        return Answer(
            status=Status.NOT_UNDERSTOOD,
            headline=f"Sorry, I didn't understand {quoted}.",
            sentences=tuple(sentences),
            options=tuple(Option(name, name) for name in [*indicators, *areas][:4]),
            reading="not understood",
        )

    def help(self) -> Answer:
        questions = examples(self.lexicon)
        return Answer(
            status=Status.HELP,
            headline="Ask me for a children's services figure by area. I answer with the figure, its period and "
            "source, the change, and a like-for-like comparison. For example:",
            options=tuple(Option(question, question) for question in questions),
            reading="help",
        )


def _with_note(answer: Answer, note: str) -> Answer:
    return replace(answer, notes=(*answer.notes, note))


def fold_rows(locators: list[str]) -> str:
    """ "table X, row 2013" ... -> "table X, rows 2013 to 2018"; many file rows -> "12 rows"."""
    parts = [locator.rpartition(", row ") for locator in locators]
    if len(locators) > 1 and all(sep for _, sep, _ in parts) and len({head for head, _, _ in parts}) == 1:
        rows = sorted(tail for _, _, tail in parts)
        return f"{parts[0][0]}, rows {rows[0]} to {rows[-1]}"
    if len(locators) > 3 and all(locator.startswith("row ") for locator in locators):
        return f"{len(locators)} rows"
    return "; ".join(locators)
