"""Normalising the words people type, so that "Beeston & Holbeck" finds "beeston and holbeck"."""

from __future__ import annotations

import re

_APOSTROPHES = re.compile(r"['\u2019\u2018`]")
_NOT_WORD = re.compile(r"[^0-9a-z%]+")


def normalise(text: str) -> str:
    lowered = _APOSTROPHES.sub("", text.lower().replace("&", " and "))
    return " ".join(_NOT_WORD.sub(" ", lowered).split())


def split_list(cell: str) -> list[str]:
    """A semicolon-separated CSV cell as a list, blanks dropped."""
    return [part.strip() for part in cell.split(";") if part.strip()]
