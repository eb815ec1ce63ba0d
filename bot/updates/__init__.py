"""Officers update figures: one use case for every platform (see bot.updates.service)."""

from bot.updates.csvfile import read_csv
from bot.updates.reading import FieldError, UpdateRequest, parse_command
from bot.updates.roles import Access, Actor, Roles
from bot.updates.service import Outcome, Preview, Updates
from bot.updates.wording import PreviewRow

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
