"""How answers name things: places, sources, the "Read as" line, the words that ask again, and fact views."""

from __future__ import annotations

from collections import defaultdict

from bot.answer import FactView
from bot.figures.answering.formatting import UNIT_PHRASES
from bot.figures.answering.wording import period_of, shown
from bot.figures.language.lexicon import Lexicon
from bot.figures.language.understanding import Mention
from data.figures.queries import Fact
from data.text import normalise


class Names:
    def __init__(self, lexicon: Lexicon) -> None:
        self._lexicon = lexicon

    def name(self, place: str) -> str:
        """ "Beeston & Holbeck ward (2004-2018 boundaries)": enough to tell same-named places apart."""
        info = self._lexicon.geographies[place]
        suffix = " ward" if info.type == "ward" and not info.name.endswith("ward") else ""
        years = ""
        if info.type == "ward" and info.valid_to is not None and info.valid_from is not None:
            years = f" ({info.valid_from.year}-{info.valid_to.year} boundaries)"
        return f"{info.name}{suffix}{years}"

    def source(self, fact: Fact) -> str:
        return f"{self._lexicon.source_title(fact.source_document)}, {fact.source_locator}"

    def sources(self, facts: list[Fact]) -> tuple[str, ...]:
        """One entry per document; a table's rows folded together ("rows 2013 to 2018")."""
        by_document: dict[str, list[str]] = defaultdict(list)
        for fact in facts:
            if fact.source_locator not in by_document[fact.source_document]:
                by_document[fact.source_document].append(fact.source_locator)
        return tuple(
            f"{self._lexicon.source_title(document)}, {fold_rows(locators)}"
            for document, locators in by_document.items()
        )

    def reading(self, indicator: str, place: str, period: str, defaulted: bool = False) -> str:
        """How the question was read: measure, place and period, so a misreading is visible."""
        info = self._lexicon.indicators[indicator]
        measure = info.short_name if "(" in info.short_name else f"{info.short_name} ({UNIT_PHRASES[info.unit]})"
        name = self.name(place) + (" (no area named, so the city)" if defaulted else "")
        return f"{measure}, {name}, {period}"

    def place_words(self, place: str) -> str:
        """Words that read back to exactly this place."""
        name = normalise(self._lexicon.geographies[place].name)
        owners = self._lexicon.geography_words.get(name, {})
        return name if list(owners) == [place] else normalise(place)

    @staticmethod
    def indicator_words(indicator: str, mention: Mention | None) -> str:
        """The user's own words for the figure where they still mean it, else its code."""
        if mention is not None and indicator in dict(mention.candidates):
            return mention.phrase
        return normalise(indicator)

    def view(self, fact: Fact, role: str) -> FactView:
        info = self._lexicon.indicators[fact.indicator]
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
            source=self.source(fact),
            hand_set=fact.change_set is not None,
        )

    def views(self, facts: list[Fact], role: str) -> tuple[FactView, ...]:
        return tuple(self.view(fact, role) for fact in facts)


def fold_rows(locators: list[str]) -> str:
    """ "table X, row 2013" ... -> "table X, rows 2013 to 2018"; many file rows -> "12 rows"."""
    parts = [locator.rpartition(", row ") for locator in locators]
    if len(locators) > 1 and all(sep for _, sep, _ in parts) and len({head for head, _, _ in parts}) == 1:
        rows = sorted(tail for _, _, tail in parts)
        return f"{parts[0][0]}, rows {rows[0]} to {rows[-1]}"
    if len(locators) > 3 and all(locator.startswith("row ") for locator in locators):
        return f"{len(locators)} rows"
    return "; ".join(locators)
