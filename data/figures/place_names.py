"""The names people use for English local authorities and regions, beside the official ones.

Short forms come two ways. By rule, from the official name: "Bristol, City of" -> "bristol", "County Durham"
-> "durham", "Kingston upon Thames" -> "kingston", "Stoke-on-Trent" -> "stoke", and "<name> council". By hand,
from `reference/place_names.csv`: "Hull", "BCP", "Brighton", "Notts", the regions' "Yorkshire", "NE", "West
Mids"..., each odd one with a note saying why.

A rule-made form that two live authorities share ("kingston": upon Thames and upon Hull) or that is a region's
name ("london" from "City of London") is dropped: the hand file gives it to the one it means, or nobody gets it.
A form shared with an authority that no longer exists is kept, and the place with figures for the period (or
the live one) is chosen when asked (bot/figures/language/places.py).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from data.text import normalise

PLACE_NAMES_FILE = "place_names.csv"
_SUFFIXES = (re.compile(r" (?:upon|on) [a-z]+$"), re.compile(r"^(?:the )?(?:city|county) of "))
_COUNTY_PREFIX = re.compile(r"^county ")
_TITLE_AFTER_COMMA = re.compile(r", (?:city|county) of$", re.IGNORECASE)


@dataclass(frozen=True)
class Authority:
    code: str
    name: str
    live: bool
    old_code: str = ""


def rule_forms(name: str) -> list[str]:
    """The short forms a name's shape gives: "Kingston upon Hull, City of" -> "kingston upon hull", "kingston"."""
    if "/" in name:
        return []  # a joint row ("Kingston upon Thames / Richmond upon Thames") is named in full only
    bare = normalise(_TITLE_AFTER_COMMA.sub("", name))
    forms = [bare]
    for pattern in (*_SUFFIXES, _COUNTY_PREFIX):
        shorter = pattern.sub("", forms[-1]).strip()
        if shorter and shorter != forms[-1]:
            forms.append(shorter)
    return [form for form in dict.fromkeys(forms) if form != normalise(name)]


def council_forms(name: str, short: list[str]) -> list[str]:
    """ "Bradford council", "Stoke council": how people name the authority rather than the place."""
    if "/" in name:
        return []
    return [f"{form} council" for form in dict.fromkeys([normalise(_TITLE_AFTER_COMMA.sub("", name)), *short])]


def hand_forms(reference_dir: Path) -> dict[str, list[str]]:
    """The hand-made forms by place code, from the shipped file."""
    from data.figures.catalogue import read_csv  # the catalogue imports this module

    found: dict[str, list[str]] = defaultdict(list)
    for row in read_csv(reference_dir / PLACE_NAMES_FILE):
        found[row["code"]].append(normalise(row["alias"]))
    return dict(found)


def short_forms(
    authorities: Iterable[Authority], region_names: Iterable[str], hand: dict[str, list[str]]
) -> dict[str, list[str]]:
    """Every authority's rule-made forms, less those two live authorities (or a region) share."""
    listed = list(authorities)
    made = {authority.code: rule_forms(authority.name) for authority in listed}
    owners: dict[str, set[str]] = defaultdict(set)
    official = {normalise(authority.name): authority.code for authority in listed if authority.live}
    for authority in listed:
        if authority.live:
            for form in made[authority.code]:
                owners[form].add(authority.code)
    claimed = {form for forms in hand.values() for form in forms}
    taken = {normalise(name) for name in region_names} | claimed
    return {
        code: [
            form
            for form in forms
            if form not in taken and len(owners[form]) <= 1 and official.get(form, code) == code and len(form) > 2
        ]
        for code, forms in made.items()
    }


def authority_code(text: str, authorities: Iterable[Authority], hand: dict[str, list[str]]) -> str | None:
    """The live authority a setting names, by code (new or old) or by any of its names; None if none or two."""
    wanted = normalise(text)
    listed = [authority for authority in authorities if authority.live]
    code = text.strip().upper()
    by_code = [authority.code for authority in listed if code in {authority.code, authority.old_code}]
    if by_code:
        return by_code[0]
    forms = short_forms(listed, (), hand)
    found = {
        authority.code
        for authority in listed
        if wanted in {normalise(authority.name), *forms[authority.code], *hand.get(authority.code, ())}
    }
    return found.pop() if len(found) == 1 else None


def load_authorities(reference_dir: Path) -> list[Authority]:
    """Every authority in DfE's list, live or not, with its old (three-digit) code."""
    from data.figures.catalogue import read_csv

    return [
        Authority(row["new_la_code"], row["la_name"], row["status"] == "live", row["old_la_code"])
        for row in read_csv(reference_dir / "dfe_las.csv")
    ]
