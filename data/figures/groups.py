"""Every authority's everyday names and comparison groups, added to the catalogue.

- Short forms of authorities' and regions' names (data/figures/place_names.py, reference/place_names.csv).
- Statistical neighbours of every authority, under the 2021 and 2025 models (each membership dated by the
  model in force), as a comparator group per authority: "leeds-sn" for Leeds (the seed reports' group
  figures are held under that code), "sn-<code>" for every other.
- Core cities: a comparator group with the shipped default members (reference/core_cities.csv); a council
  changes it with BRIEFBOT_CORE_CITIES (bot/app/settings.py), applied when questions are read.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from data.figures.catalogue import (
    LEEDS,
    LEEDS_SN_GROUP,
    SN_MODELS,
    Catalogue,
    GeographySpec,
    MembershipSpec,
    read_csv,
)
from data.figures.place_names import Authority, council_forms, hand_forms, short_forms
from data.text import normalise

CORE_CITIES = "core-cities"
CORE_CITIES_FILE = "core_cities.csv"
CORE_CITIES_WORDS = ("core cities", "the core cities", "core city", "core cities group", "core city average")


def neighbour_group(authority: str) -> str:
    """The code of an authority's statistical-neighbour group."""
    return LEEDS_SN_GROUP if authority == LEEDS else f"sn-{authority}"


def is_neighbour_group(code: str) -> bool:
    return group_authority(code) is not None


def group_authority(group: str) -> str | None:
    """Whose statistical neighbours a group is (None for other groups)."""
    if group == LEEDS_SN_GROUP:
        return LEEDS
    return group.removeprefix("sn-") if group.startswith("sn-") else None


def add_everyday_names(catalogue: Catalogue, reference_dir: Path) -> None:
    hand = hand_forms(reference_dir)
    places = catalogue.geographies
    authorities = [
        Authority(code, spec.name, spec.valid_to is None)
        for code, spec in places.items()
        if spec.type == "local_authority"
    ]
    regions = [spec.name for spec in places.values() if spec.type == "region"]
    made = short_forms(authorities, regions, hand)
    for code, spec in list(places.items()):
        if spec.type not in {"local_authority", "region"}:
            continue
        forms = [*made.get(code, ()), *hand.get(code, ())]
        if spec.type == "local_authority" and spec.valid_to is None:
            forms += council_forms(spec.name, made.get(code, []))
        extra = tuple((form, "name") for form in forms)
        places[code] = replace(spec, aliases=tuple(dict.fromkeys(spec.aliases + extra)))


def add_neighbour_groups(catalogue: Catalogue, reference_dir: Path) -> None:
    by_old_code = {
        alias: spec.code
        for spec in catalogue.geographies.values()
        if spec.type == "local_authority" and spec.valid_to is None
        for alias, kind in spec.aliases
        if kind == "code"
    }
    for file_name, model, valid_from, valid_to in SN_MODELS:
        for row in read_csv(reference_dir / file_name):
            authority = by_old_code.get(row.get("LA num") or row.get("old_la_code") or "")
            if authority is None:
                continue  # a row for an authority that no longer exists under that code
            group = _group_for(catalogue, authority)
            neighbours = [value for key, value in row.items() if _is_neighbour_column(key) and value]
            source = f"DfE statistical neighbours, {model} ({file_name})"
            catalogue.memberships.extend(
                MembershipSpec(by_old_code[old], group, "member_of", valid_from, valid_to, source)
                for old in neighbours
                if old in by_old_code
            )


def _group_for(catalogue: Catalogue, authority: str) -> str:
    code = neighbour_group(authority)
    name = catalogue.geographies[authority].name
    named = [alias for alias, kind in catalogue.geographies[authority].aliases if kind == "name"]
    words = [normalise(name), *(word for word in named if not word.endswith(" council"))]
    aliases = tuple(
        dict.fromkeys(
            (f"{word}{suffix}", "name")
            for word in words
            for suffix in (
                " statistical neighbours",
                "s statistical neighbours",
                " sns",
                " stat neighbours",
                " neighbours",
            )
        )
    )
    held = catalogue.geographies.get(code)
    if held is not None:  # Leeds' group comes from the seed, with the reports' own words for it
        catalogue.geographies[code] = replace(held, aliases=tuple(dict.fromkeys(held.aliases + aliases)))
        return code
    catalogue.add(
        GeographySpec(
            code,
            f"{name} statistical neighbours",
            "comparator_group",
            aliases=aliases,
            note=f"{name}'s children's services statistical neighbours (DfE; 2021 model from Apr 2021, 2025 model "
            "from May 2025). A figure for the group is the unweighted average of the neighbours' figures, as "
            "DfE's LAIT computes it.",
        )
    )
    return code


def _is_neighbour_column(name: str) -> bool:
    """SN1..SN10 (2021 model) or SN_1..SN_10 (2025 model), not the closeness columns."""
    return name.replace("_", "").removeprefix("SN").isdigit()


def add_core_cities(catalogue: Catalogue, reference_dir: Path) -> None:
    catalogue.add(
        GeographySpec(
            CORE_CITIES,
            "Core cities",
            "comparator_group",
            aliases=tuple((word, "name") for word in CORE_CITIES_WORDS),
            note="The English Core Cities (reference/core_cities.csv; BRIEFBOT_CORE_CITIES changes it). A figure "
            "for the group is the unweighted average of the members' figures.",
        )
    )
    catalogue.memberships.extend(
        MembershipSpec(row["code"], CORE_CITIES, "member_of", source=CORE_CITIES_FILE)
        for row in read_csv(reference_dir / CORE_CITIES_FILE)
    )
