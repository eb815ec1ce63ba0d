"""Generic mode: an EES file no mapping knows, read by naming its indicator and column
(`briefbot import FILE --indicator CODE --column COL --where COL=VALUE`)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from data.figures.importers.errors import MappingError
from data.figures.importers.mappings import Mapping, Measure
from data.figures.validation import InvalidFigure
from data.figures.writes import add_indicator
from data.models import UNITS, Indicator

GENERIC = "generic"


@dataclass(frozen=True)
class GenericRequest:
    indicator: str
    column: str
    where: tuple[tuple[str, str], ...] = ()
    period: str | None = None
    name: str | None = None
    unit: str | None = None
    decimals: int = 1
    polarity: str = "no_judgement"

    def mapping(self, file_name: str) -> Mapping:
        measure = Measure(self.indicator, self.column, self.period or "", self.where)
        return Mapping(
            key=GENERIC,
            name=f"{file_name} (generic import)",
            publisher="Department for Education",
            signature=(self.column,),
            measures=(measure,),
        )


def generic_mapping(request: GenericRequest, header: list[str], file_name: str) -> Mapping:
    if request.column not in header:
        raise MappingError(f"{file_name} has no column {request.column!r}; its columns are {', '.join(header)}")
    return request.mapping(file_name)


def create_indicator(session: Session, request: GenericRequest, *, actor: str, channel: str = "cli") -> bool:
    """Generic mode may create its indicator when a name and unit are given. Returns True if created."""
    if session.scalar(select(Indicator.id).where(Indicator.code == request.indicator)) is not None:
        return False
    if not request.name or not request.unit:
        raise MappingError(f"indicator {request.indicator} is not in the store: give --name and --unit to create it")
    if request.unit not in UNITS:
        raise MappingError(f"--unit must be one of {', '.join(UNITS)}")
    try:
        _add(session, request, actor=actor, channel=channel)
    except InvalidFigure as error:  # a --name too long for the store, say
        raise MappingError(str(error)) from None
    return True


def _add(session: Session, request: GenericRequest, *, actor: str, channel: str) -> None:
    assert request.name is not None and request.unit is not None
    add_indicator(
        session,
        code=request.indicator,
        name=request.name,
        unit=request.unit,
        decimals=request.decimals,
        polarity=request.polarity,
        theme="context",
        definition=request.name,
        source="DfE explore-education-statistics (generic import)",
        actor=actor,
        channel=channel,
        reason="generic import",
    )
