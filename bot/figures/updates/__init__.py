"""Officers update figures: one use case for every platform (see bot.figures.updates.desk)."""

from bot.figures.updates.csvfile import read_csv
from bot.figures.updates.desk import Outcome, Preview, Updates
from bot.figures.updates.reading import FieldError, UpdateRequest, parse_command
from bot.figures.updates.roles import Access, Actor, Roles
from bot.figures.updates.wording import PreviewRow

__all__ = [
    "Access",
    "Actor",
    "FieldError",
    "Outcome",
    "Preview",
    "PreviewRow",
    "Roles",
    "UpdateRequest",
    "Updates",
    "parse_command",
    "read_csv",
]
