"""Which catalogue place a row means: by code first (new, old, region, country, LAIT's numbers), by name
only as a last resort, because names are ambiguous and change while codes do not."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.models import Geography, GeographyAlias
from data.text import normalise

# The columns an EES file names a place by, at each geographic level: codes first, then the name.
LEVEL_CODE_COLUMNS = {
    "National": ("country_code",),
    "Regional": ("region_code",),
    "Local authority": ("new_la_code", "old_la_code"),
}
LEVEL_NAME_COLUMNS = {"National": "country_name", "Regional": "region_name", "Local authority": "la_name"}
NAMED_KINDS = {"country", "region", "local_authority"}


class Places:
    """The catalogue's codes and current names, read once per file."""

    def __init__(self, session: Session, extra_codes: dict[str, str]) -> None:
        self.codes = set(session.scalars(select(Geography.code)))
        self.alias_codes: dict[str, str] = dict(extra_codes)
        self.names: dict[str, str] = {}
        self._found: dict[tuple[str, ...], str] = {}  # a file repeats its places on every row
        rows = session.execute(
            select(GeographyAlias.alias, GeographyAlias.kind, Geography.code, Geography.type, Geography.valid_to).join(
                Geography
            )
        )
        for alias, kind, code, kind_of_place, valid_to in rows:
            if kind == "code":
                self.alias_codes.setdefault(alias, code)
            elif kind == "name" and kind_of_place in NAMED_KINDS and valid_to is None:
                self.names.setdefault(alias, code)

    def by_code(self, codes: tuple[str, ...]) -> str | None:
        if codes in self._found:
            return self._found[codes]
        for candidate in codes:
            code = candidate.strip()
            found = code if code in self.codes else self.alias_codes.get(code)
            if found is not None:
                self._found[codes] = found
                return found
        return None

    def by_name(self, name: str) -> str | None:
        return self.names.get(normalise(name))
